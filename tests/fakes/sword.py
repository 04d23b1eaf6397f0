"""Fake SWORD 2.0 server as WEKO3 (JAIRO Cloud) and DSpace expose it: Atom entry deposits to a collection
IRI with In-Progress, media replaced on the EM-IRI, completion on the Edit-IRI, deposit receipts, and
sword:error documents. A completed item is changed in place, as SWORD 2.0 replaces: a new Atom entry on the
Edit-IRI (metadata), new content on the EM-IRI (a file, or a SimpleZip package with jpcoar.xml); the next
completion counts as the item's next version."""

import base64
import hashlib
import io
import re
import zipfile
from email.message import Message

from lxml import etree

from .base import FakeServer, Reply

ATOM, DCTERMS, SWORD = "http://www.w3.org/2005/Atom", "http://purl.org/dc/terms/", "http://purl.org/net/sword/"
ATOM_ENTRY = "application/atom+xml;type=entry"
SIMPLE_ZIP = "http://purl.org/net/sword/package/SimpleZip"
JPCOAR, DC = "https://github.com/JPCOAR/schema/blob/master/2.0/", "http://purl.org/dc/elements/1.1/"
COLLECTION = re.compile(r"^/sword/collection/([\w-]+)$")
EDIT = re.compile(r"^/sword/(edit|edit-media)/(\d+)$")


class FakeSword(FakeServer):
    name = "SWORD"

    def __init__(self, *, username: str = "depositor", password: str = "sword-test-password",
                 collections=("data", "demo"), **kwargs):
        super().__init__(**kwargs)
        self.username, self.password, self.collections = username, password, set(collections)
        self.packages: dict[str, bytes] = {}  # item id -> the zip package as deposited
        self.last_id = ""

    def authorized(self, request):
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def unauthorized(self, request):
        reply = super().unauthorized(request)
        reply.headers["WWW-Authenticate"] = 'Basic realm="SWORD"'
        return reply

    def error(self, status, message, headers=None):
        kind = {400: "ErrorBadRequest", 401: "AuthenticationFailed", 412: "ErrorChecksumMismatch",
                415: "ErrorContent"}.get(status, "ErrorServer")
        root = etree.Element(f"{{{SWORD}}}error", nsmap={"sword": SWORD, "atom": ATOM},
                             href=f"http://purl.org/net/sword/error/{kind}")
        etree.SubElement(root, f"{{{ATOM}}}title").text = "ERROR"
        etree.SubElement(root, f"{{{ATOM}}}summary").text = message
        etree.SubElement(root, f"{{{SWORD}}}verboseDescription").text = message
        return Reply(status, etree.tostring(root, xml_declaration=True, encoding="utf-8"), "application/xml", headers)

    def published(self) -> list[dict]:
        return [r for r in self.records.values() if not r["in_progress"]]

    def _entry(self, record, parent=None):
        tag = f"{{{ATOM}}}entry"
        entry = etree.SubElement(parent, tag) if parent is not None else etree.Element(
            tag, nsmap={None: ATOM, "dcterms": DCTERMS, "sword": SWORD})
        etree.SubElement(entry, f"{{{ATOM}}}id").text = f"{self.url}/sword/edit/{record['id']}"
        etree.SubElement(entry, f"{{{ATOM}}}title").text = record["title"]
        for rel, href in (("edit", f"/sword/edit/{record['id']}"), ("edit-media", f"/sword/edit-media/{record['id']}"),
                          ("alternate", f"/records/{record['id']}")):
            etree.SubElement(entry, f"{{{ATOM}}}link", rel=rel, href=f"{self.url}{href}")
        for name, text in record["terms"]:
            etree.SubElement(entry, f"{{{DCTERMS}}}{name}").text = text
        etree.SubElement(entry, f"{{{SWORD}}}treatment").text = "Deposited as an item (in progress)" \
            if record["in_progress"] else "Deposited and published as an item"
        return entry

    def _receipt(self, status, record, headers=None):
        return Reply(status, etree.tostring(self._entry(record), xml_declaration=True, encoding="utf-8"),
                     ATOM_ENTRY, headers)

    def route(self, request):
        if match := COLLECTION.match(request.path):
            if match.group(1) not in self.collections:
                return self.error(404, "No such collection.")
            if request.method == "GET":
                feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dcterms": DCTERMS, "sword": SWORD})
                for record in self.records.values():
                    self._entry(record, feed)
                return Reply(200, etree.tostring(feed, xml_declaration=True, encoding="utf-8"), "application/atom+xml")
            if request.method == "POST":
                return self._deposit(request)
        if match := EDIT.match(request.path):
            record = self.records.get(match.group(2))
            if record is None:
                return self.error(404, "No such item.")
            if match.group(1) == "edit-media" and request.method == "PUT" and request.content_type == "application/zip":
                metadata = self._zip_has_metadata(request.body)
                contents, error = self._unpack(request, metadata=metadata)
                if error:
                    return error
                record["files"], record["in_progress"] = contents, self._in_progress(request)
                if metadata:  # a whole package: its metadata replaces the item's
                    record["title"], record["terms"] = self._package_title, self._package_terms
                    self.packages[record["id"]] = request.body
                return Reply(204)
            if match.group(1) == "edit-media" and request.method == "PUT":
                message = Message()
                message["Content-Disposition"] = request.headers.get("Content-Disposition", "")
                filename = message.get_filename()
                if not filename:
                    return self.error(400, "Content-Disposition with a filename is required.")
                declared = request.headers.get("Content-MD5")
                if declared and declared != hashlib.md5(request.body).hexdigest():
                    return self.error(412, "The Content-MD5 does not match the content received.")
                record["files"] = {filename: request.damaged(request.body)}
                return Reply(204)
            if match.group(1) == "edit" and request.method == "PUT":
                entry, error = self._entry_terms(request)
                if error:
                    return error
                record["title"], record["terms"] = entry
                record["in_progress"] = self._in_progress(request)
                return Reply(204)
            if match.group(1) == "edit" and request.method == "GET":
                return self._receipt(200, record)
            if match.group(1) == "edit" and request.method == "POST":
                if not self._in_progress(request) and record["in_progress"]:
                    if not record["files"]:
                        return self.error(400, "The item has no files.")
                    record["in_progress"], record["version"] = False, record["version"] + 1
                return self._receipt(200, record)
        return self.error(405, "Method not allowed.")

    @staticmethod
    def _in_progress(request) -> bool:
        return request.headers.get("In-Progress", "false").lower() == "true"

    def _entry_terms(self, request):
        """((title, DC terms), None) from an Atom entry, or (None, an error reply)."""
        if request.headers.get("Content-Type", "").replace(" ", "") != ATOM_ENTRY:
            return None, self.error(415, "Send an Atom entry or a zip package.")
        try:
            entry = etree.fromstring(request.body)
        except etree.XMLSyntaxError:
            return None, self.error(400, "The Atom entry is not well-formed XML.")
        title = entry.findtext(f"{{{ATOM}}}title") or ""
        if not title.strip():
            return None, self.error(400, "atom:title is required.")
        terms = [(etree.QName(el).localname, el.text or "") for el in entry if etree.QName(el).namespace == DCTERMS]
        return (title, terms), None

    def _deposit(self, request):
        if request.content_type == "application/zip":
            return self._deposit_package(request)
        entry, error = self._entry_terms(request)
        return error or self._create(request, *entry, {})

    @staticmethod
    def _zip_has_metadata(body: bytes) -> bool:
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as package:
                return "jpcoar.xml" in package.namelist()
        except zipfile.BadZipFile:
            return True  # and _unpack says what is wrong

    def _unpack(self, request, metadata=True):
        """(the files, None) from a SimpleZip — with jpcoar.xml (JPCOAR 2.0), as WEKO3's SWORD import takes
        it, keeping its title and identifiers, unless `metadata` is False; or (None, an error reply)."""
        if request.headers.get("Packaging") != SIMPLE_ZIP:
            return None, self.error(415, "Packaging not supported.")
        try:
            with zipfile.ZipFile(io.BytesIO(request.body)) as package:
                contents = {name: package.read(name) for name in package.namelist()}
            if not metadata:
                return contents, None
            jpcoar = etree.fromstring(contents.pop("jpcoar.xml"))
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
            return None, self.error(400, "The package needs a well-formed jpcoar.xml.")
        title = jpcoar.findtext(f"{{{DC}}}title") or ""
        if jpcoar.tag != f"{{{JPCOAR}}}jpcoar" or not title.strip():
            return None, self.error(400, "jpcoar.xml must be a jpcoar:jpcoar document with a dc:title.")
        self._package_title = title
        self._package_terms = [("identifier", el.text or "") for el in jpcoar.iter(f"{{{JPCOAR}}}identifier")]
        return contents, None

    def _deposit_package(self, request):
        contents, error = self._unpack(request)
        if error:
            return error
        record = self._create(request, self._package_title, self._package_terms, contents)
        self.packages[self.last_id] = request.body
        return record

    def _create(self, request, title, terms, files):
        record_id = self.last_id = str(len(self.records) + 1)
        self.records[record_id] = {"id": record_id, "title": title, "terms": terms, "files": files,
                                   "in_progress": self._in_progress(request),
                                   "version": 0 if self._in_progress(request) else 1}
        return self._receipt(201, self.records[record_id], {"Location": f"{self.url}/sword/edit/{record_id}"})
