"""Fake InvenioRDM REST API: drafts, draft files (init / content / commit), publish, DOI, user search, and
versions as InvenioRDM keeps them: every version is a record of its own (own id, own DOI) under one parent;
`POST /api/records/{id}/versions` opens a new version draft without files and without the publication date
(or returns the one already in progress), `PUT /api/records/{id}/draft` replaces its metadata."""

import hashlib
import json
import re
import secrets
from urllib.parse import unquote

from .base import FakeServer, Reply, json_reply

FILES = re.compile(r"^/api/records/([\w-]+)/draft/files(?:/([^/]+)(?:/(content|commit))?)?$")
PUBLISH = re.compile(r"^/api/records/([\w-]+)/draft/actions/publish$")
RECORD = re.compile(r"^/api/records/([\w-]+)$")
VERSIONS = re.compile(r"^/api/records/([\w-]+)/versions$")
DRAFT = re.compile(r"^/api/records/([\w-]+)/draft$")
REQUIRED = ("title", "resource_type", "publication_date", "creators")


class FakeInvenioRDM(FakeServer):
    name = "InvenioRDM"

    def __init__(self, *, token: str = "invenio-test-token", **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def authorized(self, request):
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    def error(self, status, message, headers=None):
        return json_reply(status, {"status": status, "message": message}, headers)

    def published(self) -> list[dict]:
        return [r for r in self.records.values() if r["published"]]

    def parents(self) -> dict[str, list[dict]]:
        """Parent id -> its versions, by index."""
        parents = {}
        for record in sorted(self.records.values(), key=lambda r: r["index"]):
            parents.setdefault(record["parent"], []).append(record)
        return parents

    def _new_record(self, metadata, access, parent=None, index=1):
        record_id = f"{secrets.token_hex(3)[:5]}-{secrets.token_hex(3)[:5]}"
        self.records[record_id] = {"id": record_id, "metadata": metadata, "access": access, "files": {},
                                   "published": False, "doi": "", "parent": parent or f"p-{record_id}",
                                   "index": index}
        return self.records[record_id]

    def _record_json(self, record):
        links = {"self": f"{self.url}/api/records/{record['id']}", "self_html": f"{self.url}/records/{record['id']}"}
        latest = max((r["index"] for r in self.records.values() if r["parent"] == record["parent"]
                      and r["published"]), default=0)
        data = {"id": record["id"], "metadata": record["metadata"], "is_published": record["published"],
                "status": "published" if record["published"] else "draft", "links": links,
                "parent": {"id": record["parent"]},
                "versions": {"index": record["index"], "is_latest": record["index"] == latest}}
        if record["published"]:
            data["pids"] = {"doi": {"identifier": record["doi"], "provider": "datacite"}}
        return data

    def route(self, request):
        path, method = request.path, request.method
        if method == "POST" and request.content_type not in ("application/json", "") and "/content" not in path:
            return self.error(415, "Unsupported media type.")
        if path == "/api/records" and method == "POST":
            body = request.json()
            metadata = body.get("metadata") or {}
            missing = [f for f in REQUIRED if not metadata.get(f)]
            if missing:
                return json_reply(400, {"status": 400, "message": "A validation error occurred.", "errors": [
                    {"field": f"metadata.{f}", "messages": ["Missing data for required field."]} for f in missing]})
            return json_reply(201, self._record_json(self._new_record(metadata, body.get("access"))))
        if (match := VERSIONS.match(path)) and method == "POST":
            record = self.records.get(match.group(1))
            if record is None or not record["published"]:
                return self.error(404, "The persistent identifier does not exist.")
            versions = self.parents()[record["parent"]]
            if not versions[-1]["published"]:  # a new version is already in progress
                return json_reply(201, self._record_json(versions[-1]))
            metadata = {k: v for k, v in versions[-1]["metadata"].items() if k not in ("publication_date", "version")}
            draft = self._new_record(metadata, versions[-1]["access"], record["parent"], versions[-1]["index"] + 1)
            return json_reply(201, self._record_json(draft))
        if (match := DRAFT.match(path)) and method == "PUT":
            record = self.records.get(match.group(1))
            if record is None or record["published"]:
                return self.error(404, "The draft does not exist.")
            body = request.json()
            record["metadata"], record["access"] = body.get("metadata") or {}, body.get("access")
            return json_reply(200, self._record_json(record))
        if path == "/api/user/records" and method == "GET":
            wanted = re.findall(r'"([^"]+)"', request.query.get("q", ""))
            hits = [self._record_json(r) for r in self.records.values()
                    if all(value in json.dumps(r["metadata"]) for value in wanted)]
            size = int(request.query.get("size", 10))
            return json_reply(200, {"hits": {"hits": hits[:size], "total": len(hits)}})
        if match := FILES.match(path):
            return self._files(request, *match.groups())
        if (match := PUBLISH.match(path)) and method == "POST":
            record = self.records.get(match.group(1))
            if record is None or record["published"]:
                return self.error(404, "The draft does not exist.")
            if not record["files"] or any(f["status"] != "completed" for f in record["files"].values()):
                errors = [{"field": "files.enabled", "messages": ["Missing uploaded files."]}]
                return json_reply(400, {"status": 400, "message": "A validation error occurred.", "errors": errors})
            missing = [f for f in REQUIRED if not record["metadata"].get(f)]
            if missing:
                return json_reply(400, {"status": 400, "message": "A validation error occurred.", "errors": [
                    {"field": f"metadata.{f}", "messages": ["Missing data for required field."]} for f in missing]})
            record["published"], record["doi"] = True, f"10.80000/{record['id']}"
            return json_reply(202, self._record_json(record))
        if (match := RECORD.match(path)) and method == "GET":
            record = self.records.get(match.group(1))
            if record is None or not record["published"]:
                return self.error(404, "The persistent identifier does not exist.")
            return json_reply(200, self._record_json(record))
        return self.error(404, "Not found.")

    @staticmethod
    def _file_json(key, file) -> dict:
        data = {"key": key, "status": file["status"]}
        if file["status"] == "completed":
            data.update(checksum=f"md5:{hashlib.md5(file['content']).hexdigest()}", size=len(file["content"]))
        return data

    def _files(self, request, record_id, key, action):
        record = self.records.get(record_id)
        if record is None or record["published"]:
            return self.error(404, "The draft does not exist.")
        files, key = record["files"], unquote(key) if key else key
        if key is None and request.method == "GET":
            return json_reply(200, {"entries": [self._file_json(k, f) for k, f in files.items()]})
        if key is None and request.method == "POST":
            entries = request.json()
            for entry in entries:
                if entry["key"] in files:
                    return self.error(400, f"File with key {entry['key']} already exists.")
                files[entry["key"]] = {"status": "pending", "content": None}
            return json_reply(201, {"entries": [{"key": e["key"], "status": "pending"} for e in entries]})
        if key not in files:
            return self.error(404, "File not found.")
        if action is None and request.method == "DELETE":
            del files[key]
            return Reply(204, b"")
        if action == "content" and request.method == "PUT":
            if request.content_type != "application/octet-stream":
                return self.error(415, "Content must be application/octet-stream.")
            files[key]["content"] = request.damaged(request.body)
            return json_reply(200, {"key": key, "status": "pending"})
        if action == "commit" and request.method == "POST":
            if files[key]["content"] is None:
                return self.error(400, "No content uploaded.")
            files[key]["status"] = "completed"
            return json_reply(200, self._file_json(key, files[key]))
        return Reply(405, b"")
