"""One small interface over three deposit protocols. Each step is safe to repeat: `find` locates what an
earlier, interrupted attempt created (by the job's key, sent with the metadata), `upload` skips files
already there, `publish` skips what is already public, `identify` only reads."""

import itertools
import uuid
from base64 import b64encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urljoin

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from metadata.formats.jpcoar import record_to_jpcoar_bytes
from metadata.models import ManagedData

from . import payload
from .http import Client, PermanentError, TransientError, unreadable
from .models import Repository

ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
SWORD_BINARY = "http://purl.org/net/sword/package/Binary"
SWORD_SIMPLE_ZIP = "http://purl.org/net/sword/package/SimpleZip"


@dataclass
class Identifier:
    landing_url: str
    doi: str = ""
    version: str = ""


def key_urn(key: uuid.UUID | str) -> str:
    return f"urn:uuid:{key}"


class Adapter:
    def __init__(self, repository: Repository, client: Client):
        self.repository, self.client = repository, client
        self.base = repository.base_url.rstrip("/")

    def find(self, record: ManagedData, key) -> dict | None:
        """What an earlier attempt of this job created, if anything (must carry "id")."""
        raise NotImplementedError

    def create(self, record: ManagedData, key) -> dict:
        raise NotImplementedError

    def new_version(self, record: ManagedData, key, previous_id: str) -> dict:
        """Start a new version of the remote record `previous_id` (an earlier deposit of this record) with the
        record's metadata as it is now. Safe to repeat: the repositories return the version in progress."""
        raise NotImplementedError

    def upload(self, remote: dict, files: list[payload.File]) -> None:
        raise NotImplementedError

    def publish(self, remote: dict) -> None:
        raise NotImplementedError

    def identify(self, remote: dict) -> Identifier:
        raise NotImplementedError


def checksum_mismatch(file: payload.File, theirs: str) -> TransientError:
    """The repository holds other bytes than ours (damaged on the way): said plainly, and sent again."""
    return TransientError(_("The repository reports the checksum %(theirs)s for “%(name)s”, but ours is MD5 "
                            "%(ours)s: the file was damaged on the way and will be sent again.")
                          % {"theirs": theirs or _("none"), "name": file.name, "ours": file.md5})


def content_disposition(name: str) -> str:
    """`attachment` with the file name, non-ASCII names as RFC 6266 / 5987 say."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _get(data, *path):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            raise unreadable() from None
    return data


class InvenioRDM(Adapter):
    """InvenioRDM REST API: draft → files (init / content / commit) → publish → read the DOI."""

    def find(self, record, key):
        query = urlencode({"q": f'metadata.identifiers.identifier:"{key_urn(key)}"', "size": 1})
        hits = _get(self.client.json("GET", f"{self.base}/api/user/records?{query}"), "hits", "hits")
        return {"id": str(_get(hits, 0, "id"))} if hits else None

    def _body(self, record, key) -> dict:
        access = "public" if record.access_right == "open access" else "restricted"
        metadata = {
            "resource_type": {"id": "dataset"},
            "title": payload.title(record),
            "publication_date": payload.issued(record),
            "description": payload.description(record),
            "creators": [{"person_or_org": {"type": "personal", "family_name": name}}
                         for name in payload.creators(record)],
            "identifiers": [{"identifier": key_urn(key), "scheme": "urn"},
                            {"identifier": payload.landing_page(record), "scheme": "url"}],
        }
        body = {"metadata": metadata, "files": {"enabled": True}, "access": {"record": "public", "files": access}}
        if record.embargo_active():
            body["access"]["embargo"] = {"active": True, "until": record.embargo_until.isoformat()}
        return body

    def create(self, record, key):
        body = self._body(record, key)
        if self.repository.collection:
            body["parent"] = {"communities": {"default": self.repository.collection}}
        return {"id": str(_get(self.client.json("POST", f"{self.base}/api/records", body), "id"))}

    def new_version(self, record, key, previous_id):
        # A new version draft (InvenioRDM returns the one in progress if there is one), without files and
        # with the metadata of the previous version; then the record's metadata as it is now.
        draft = self.client.json("POST", f"{self.base}/api/records/{quote(previous_id)}/versions")
        remote = {"id": str(_get(draft, "id"))}
        self.client.json("PUT", f"{self.base}/api/records/{remote['id']}/draft", self._body(record, key))
        return remote

    def upload(self, remote, files):
        """Each file: init, content streamed, commit; then the MD5 the repository computed must be ours (a
        wrong copy is deleted and the attempt retried). Files already completed with our MD5 are skipped."""
        url = f"{self.base}/api/records/{remote['id']}/draft/files"
        listed = {entry.get("key"): entry for entry in _get(self.client.json("GET", url), "entries")}
        for file in files:
            entry, file_url = listed.get(file.name), f"{url}/{quote(file.name, safe='')}"
            if entry and entry.get("status") == "completed":
                if entry.get("checksum") == f"md5:{file.md5}":
                    continue
                self.client.request("DELETE", file_url)  # a damaged or outdated copy
                entry = None
            if entry is None:
                self.client.json("POST", url, [{"key": file.name}])
            self.client.request("PUT", f"{file_url}/content", body=file.chunks(), length=file.size,
                                headers={"Content-Type": "application/octet-stream"})
            committed = self.client.json("POST", f"{file_url}/commit")
            if committed.get("checksum") != f"md5:{file.md5}":
                self.client.request("DELETE", file_url)
                raise checksum_mismatch(file, str(committed.get("checksum") or ""))

    def _published(self, remote) -> dict | None:
        try:
            return self.client.json("GET", f"{self.base}/api/records/{remote['id']}")
        except PermanentError:  # 404: still a draft
            return None

    def publish(self, remote):
        if self._published(remote) is None:
            self.client.json("POST", f"{self.base}/api/records/{remote['id']}/draft/actions/publish")

    def identify(self, remote):
        data = self._published(remote) or {}
        doi = (data.get("pids") or {}).get("doi", {}).get("identifier", "")
        version = str((data.get("versions") or {}).get("index") or "")
        return Identifier(landing_url=_get(data, "links", "self_html"), doi=doi, version=version)


class Dataverse(Adapter):
    """Dataverse native API: dataset in a collection → add files → publish → read the persistent id."""

    def _dataset(self, pid, suffix=""):
        return f"{self.base}/api/datasets/:persistentId/{suffix}?{urlencode({'persistentId': pid})}"

    def find(self, record, key):
        query = urlencode({"q": f'otherIdValue:"{key_urn(key)}"', "type": "dataset"})
        items = _get(self.client.json("GET", f"{self.base}/api/search?{query}"), "data", "items")
        return {"id": _get(items, 0, "global_id")} if items else None

    def _version(self, record, key) -> dict:
        def primitive(name, value):
            return {"typeName": name, "multiple": False, "typeClass": "primitive", "value": value}

        def compound(name, rows):
            return {"typeName": name, "multiple": True, "typeClass": "compound",
                    "value": [{k: primitive(k, v) for k, v in row.items()} for row in rows]}

        fields = [
            primitive("title", payload.title(record)),
            compound("author", [{"authorName": name} for name in payload.creators(record)]),
            compound("datasetContact", [{"datasetContactEmail": record.contact_email or settings.DEFAULT_FROM_EMAIL}]),
            compound("dsDescription", [{"dsDescriptionValue": payload.description(record) or payload.title(record)}]),
            {"typeName": "subject", "multiple": True, "typeClass": "controlledVocabulary", "value": ["Other"]},
            compound("otherId", [{"otherIdAgency": "portal", "otherIdValue": key_urn(key)},
                                 {"otherIdAgency": "portal", "otherIdValue": payload.landing_page(record)}]),
        ]
        return {"metadataBlocks": {"citation": {"fields": fields}}}

    def create(self, record, key):
        collection = quote(self.repository.collection or "root")
        data = self.client.json("POST", f"{self.base}/api/dataverses/{collection}/datasets",
                                {"datasetVersion": self._version(record, key)})
        return {"id": _get(data, "data", "persistentId")}

    def new_version(self, record, key, previous_id):
        # Editing a released dataset's metadata opens its next draft version (or edits the open one).
        self.client.json("PUT", self._dataset(previous_id, "versions/:draft"), self._version(record, key))
        return {"id": previous_id}

    @staticmethod
    def _md5(entry) -> str:
        data = entry.get("dataFile") or {}
        checksum = data.get("checksum") or {}
        return data.get("md5") or (checksum.get("value", "") if checksum.get("type") == "MD5" else "")

    def upload(self, remote, files):
        """Each file streamed as multipart/form-data: added, or replacing the file of that name whose MD5
        differs (a new version's changed file, or a damaged copy); the MD5 Dataverse reports must be ours."""
        listed = _get(self.client.json("GET", self._dataset(remote["id"], "versions/:draft/files")), "data")
        present = {entry.get("label"): entry for entry in listed if isinstance(entry, dict)}
        for file in files:
            entry = present.get(file.name)
            if entry and self._md5(entry) == file.md5:
                continue
            url = self._dataset(remote["id"], "add") if entry is None else \
                f"{self.base}/api/files/{_get(entry, 'dataFile', 'id')}/replace"
            boundary = uuid.uuid4().hex
            name = file.name.replace('"', "%22")
            head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                    f"Content-Type: {file.content_type}\r\n\r\n").encode()
            tail = (f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="jsonData"\r\n\r\n'
                    f'{{"description": "From the research data portal", "forceReplace": true}}\r\n'
                    f"--{boundary}--\r\n").encode()
            answer = self.client.request(
                "POST", url, body=itertools.chain((head,), file.chunks(), (tail,)),
                length=len(head) + file.size + len(tail),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}).json()
            reported = self._md5(_get(answer, "data", "files", 0))
            if reported != file.md5:
                raise checksum_mismatch(file, f"MD5 {reported}" if reported else "")

    def _latest(self, remote) -> dict:
        return _get(self.client.json("GET", self._dataset(remote["id"])), "data")

    def publish(self, remote):
        if _get(self._latest(remote), "latestVersion", "versionState") != "RELEASED":
            self.client.json("POST", self._dataset(remote["id"], "actions/:publish") + "&type=major")

    def identify(self, remote):
        pid = remote["id"]
        latest = self._latest(remote)
        landing = latest.get("persistentUrl") or f"{self.base}/dataset.xhtml?{urlencode({'persistentId': pid})}"
        number = latest.get("latestVersion") or {}
        version = f"{number['versionNumber']}.{number.get('versionMinorNumber', 0)}" \
            if number.get("versionNumber") is not None else ""
        return Identifier(landing_url=landing, doi=pid.removeprefix("doi:") if pid.startswith("doi:") else "",
                          version=version)


class Sword2(Adapter):
    """SWORD 2.0 as WEKO3 (JAIRO Cloud) and DSpace accept it, to the collection IRI with In-Progress: either
    an Atom entry with DC terms and then the files on the EM-IRI, or one zip package with the JPCOAR 2.0
    metadata (jpcoar.xml) and the files; then completion on the Edit-IRI. One deposit per record and
    repository, so a re-run recognises its item by the portal's landing page among the item identifiers."""

    @property
    def collection_iri(self) -> str:
        return urljoin(self.base + "/", self.repository.collection)

    @property
    def packaged(self) -> bool:
        return self.repository.package == Repository.Package.JPCOAR_ZIP

    @staticmethod
    def _links(entry) -> dict:
        return {link.get("rel"): link.get("href") for link in entry.iter(f"{{{ATOM}}}link")}

    @staticmethod
    def _identifiers(entry) -> list[str]:
        return entry.xpath("./dcterms:identifier/text()", namespaces={"dcterms": DCTERMS})

    def _remote(self, entry, edit_iri=None) -> dict:
        links = self._links(entry)
        edit = edit_iri or links.get("edit")
        if not edit or not links.get("edit-media"):
            raise unreadable()
        return {"id": edit, "edit_media": links["edit-media"]}

    def find(self, record, key):
        feed = self.client.request("GET", self.collection_iri, headers={"Accept": "application/atom+xml"}).xml()
        for entry in feed.iter(f"{{{ATOM}}}entry"):
            if payload.landing_page(record) in self._identifiers(entry):
                return self._remote(entry)
        return None

    @staticmethod
    def _package(record, files) -> tuple:
        """The SimpleZip package, built as it is sent: jpcoar.xml (JPCOAR 2.0) and the files under data/."""
        entries = [("jpcoar.xml", payload.in_memory("jpcoar.xml", record_to_jpcoar_bytes(record), "application/xml"))]
        entries += [(f"data/{file.name}", file) for file in files]
        return payload.zip_stream(entries), {"Content-Type": "application/zip", "Packaging": SWORD_SIMPLE_ZIP,
                                             "Content-Disposition": "attachment; filename=deposit.zip"}

    def create(self, record, key):
        if self.packaged:
            body, headers = self._package(record, payload.files(record))
        else:
            body, headers = self._atom_entry(record, key), {"Content-Type": "application/atom+xml;type=entry"}
        answer = self.client.request("POST", self.collection_iri, body=body,
                                     headers={**headers, "In-Progress": "true", "Slug": str(key)})
        return self._remote(answer.xml(), answer.headers.get("Location"))

    def new_version(self, record, key, previous_id):
        # SWORD replaces in place: the package on the EM-IRI, or the metadata on the Edit-IRI (the file then
        # follows on the EM-IRI); both are replacements, so repeating them is harmless.
        remote = self._remote(self.client.request("GET", previous_id, headers={"Accept": "application/atom+xml"})
                              .xml(), previous_id)
        if self.packaged:
            body, headers = self._package(record, payload.files(record))
            self.client.request("PUT", remote["edit_media"], body=body, headers={**headers, "In-Progress": "true"})
        else:
            self.client.request("PUT", previous_id, body=self._atom_entry(record, key),
                                headers={"Content-Type": "application/atom+xml;type=entry", "In-Progress": "true"})
        return remote

    @staticmethod
    def _atom_entry(record, key) -> bytes:
        entry = etree.Element(f"{{{ATOM}}}entry", nsmap={None: ATOM, "dcterms": DCTERMS})
        for tag, text in (("title", payload.title(record)), ("id", key_urn(key)),
                          ("updated", timezone.now().isoformat()), ("summary", payload.description(record))):
            etree.SubElement(entry, f"{{{ATOM}}}{tag}").text = text
        for name in payload.creators(record):
            etree.SubElement(etree.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = name
        terms = [("title", payload.title(record)), ("abstract", payload.description(record)),
                 ("issued", payload.issued(record)), ("type", record.data_type),
                 ("accessRights", record.access_right), ("license", record.license),
                 ("identifier", payload.landing_page(record))]
        terms += [("creator", name) for name in payload.creators(record)]
        for tag, text in terms:
            if text:
                etree.SubElement(entry, f"{{{DCTERMS}}}{tag}").text = text
        return etree.tostring(entry, xml_declaration=True, encoding="utf-8")

    def upload(self, remote, files):
        """PUT on the EM-IRI replaces the whole content, so repeating it cannot duplicate files: one file as
        it is, with its Content-MD5 for the server to check; several as one SimpleZip (streamed)."""
        if self.packaged:
            return  # the files travelled in the package
        headers = {"In-Progress": "true"}
        if len(files) == 1:
            [file] = files
            body, length = file.chunks(), file.size
            headers.update({"Content-Type": file.content_type, "Content-Disposition": content_disposition(file.name),
                            "Content-MD5": file.md5, "Packaging": SWORD_BINARY})
        else:
            body, length = payload.zip_stream((f"data/{file.name}", file) for file in files), None
            headers.update({"Content-Type": "application/zip", "Packaging": SWORD_SIMPLE_ZIP,
                            "Content-Disposition": "attachment; filename=files.zip"})
        self.client.request("PUT", remote["edit_media"], body=body, length=length, headers=headers)

    def publish(self, remote):
        self.client.request("POST", remote["id"], body=b"", headers={"In-Progress": "false"})

    def identify(self, remote):
        entry = self.client.request("GET", remote["id"], headers={"Accept": "application/atom+xml"}).xml()
        landing = self._links(entry).get("alternate")
        if not landing:
            raise unreadable()
        dois = [text.removeprefix("info:doi/") for text in self._identifiers(entry) if text.startswith("info:doi/")]
        return Identifier(landing_url=landing, doi=dois[0] if dois else "")


ADAPTERS = {Repository.Kind.INVENIORDM: InvenioRDM, Repository.Kind.DATAVERSE: Dataverse,
            Repository.Kind.SWORD2: Sword2}


def adapter_for(repository: Repository) -> Adapter:
    secret = repository.secret()
    secrets = (secret,)
    if repository.kind == Repository.Kind.DATAVERSE:
        headers = {"X-Dataverse-key": secret}
    elif repository.kind == Repository.Kind.SWORD2 and repository.username:
        basic = b64encode(f"{repository.username}:{secret}".encode()).decode()
        headers, secrets = {"Authorization": f"Basic {basic}"}, (secret, basic)
    else:
        headers = {"Authorization": f"Bearer {secret}"}
    client = Client(repository_name=repository.name, auth_headers=headers, secrets=secrets,
                    timeout=settings.DEPOSIT_HTTP_TIMEOUT)
    return ADAPTERS[repository.kind](repository, client)
