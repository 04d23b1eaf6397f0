"""Fake Dataverse native API: datasets in a collection, add files (multipart), publish, search, and
versions as Dataverse keeps them: one dataset (one persistent id) with numbered versions; editing the
metadata (`PUT …/versions/:draft`) or adding a file to a released dataset opens its next draft version,
which carries the files over; publishing with type=major releases it as the next major number."""

import hashlib
import json
import secrets
from email.parser import BytesParser
from email.policy import HTTP

from .base import FakeServer, json_reply


class FakeDataverse(FakeServer):
    name = "Dataverse"

    def __init__(self, *, token: str = "dataverse-test-token", collections=("root", "demo"), **kwargs):
        super().__init__(**kwargs)
        self.token, self.collections = token, set(collections)
        self.contents: dict[int, bytes] = {}  # file id -> bytes
        self.file_ids = 100

    def authorized(self, request):
        return request.headers.get("X-Dataverse-key") == self.token

    def presented_credentials(self, request):
        return request.headers.get("X-Dataverse-key", "")

    def error(self, status, message, headers=None):
        return json_reply(status, {"status": "ERROR", "message": message}, headers)

    def published(self) -> list[dict]:
        return [r for r in self.records.values() if r["state"] == "RELEASED"]

    def _dataset_json(self, record):
        latest = {"versionState": record["state"], "files": record["files"]}
        if record["state"] == "RELEASED":
            latest.update(versionNumber=record["released"][-1]["number"], versionMinorNumber=0)
        return {"id": record["db_id"], "persistentUrl": f"https://doi.org/{record['pid'].removeprefix('doi:')}",
                "protocol": "doi", "latestVersion": latest}

    @staticmethod
    def _upload(request):
        """The multipart part named "file", or None."""
        if request.content_type != "multipart/form-data":
            return None
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode() + request.body)
        return next((p for p in message.iter_parts() if p.get_param("name", header="content-disposition")
                     == "file"), None)

    def _store(self, record, upload, request) -> dict:
        """A new file id for the content (damaged when told to), with the MD5 of what was stored."""
        content = request.damaged(upload.get_payload(decode=True))
        self.file_ids += 1
        self.contents[self.file_ids] = content
        md5 = hashlib.md5(content).hexdigest()
        return {"label": upload.get_filename(), "dataFile": {
            "id": self.file_ids, "filesize": len(content), "md5": md5, "checksum": {"type": "MD5", "value": md5}}}

    def _replace(self, request, file_id):
        """Replace a file of a dataset's latest version (its next draft version is opened if released)."""
        record = next((r for r in self.records.values() if any(f["dataFile"]["id"] == file_id
                                                               for f in r["files"])), None)
        if record is None:
            return self.error(404, f"File not found for given id: {file_id}.")
        upload = self._upload(request)
        if upload is None:
            return self.error(400, "You must upload a file.")
        self._open_draft(record)
        entry = self._store(record, upload, request)
        record["files"] = [entry if f["dataFile"]["id"] == file_id else f for f in record["files"]]
        return json_reply(200, {"status": "OK", "data": {"files": [entry]}})

    def content(self, record, label) -> bytes:
        """The bytes stored for the file `label` in the dataset's latest version."""
        return self.contents[next(f["dataFile"]["id"] for f in record["files"] if f["label"] == label)]

    @staticmethod
    def _open_draft(record):
        """Editing a released dataset starts its next draft version (files carried over)."""
        if record["state"] == "RELEASED":
            record["state"], record["files"] = "DRAFT", [dict(entry) for entry in record["files"]]

    def route(self, request):
        path, method, pid = request.path, request.method, request.query.get("persistentId", "")
        parts = path.strip("/").split("/")
        if method == "POST" and parts[:2] == ["api", "dataverses"] and parts[3:] == ["datasets"]:
            if parts[2] not in self.collections:
                return self.error(404, f"Can't find dataverse with identifier='{parts[2]}'")
            if request.content_type != "application/json":
                return self.error(415, "Content-Type must be application/json.")
            fields = request.json()["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
            if not any(f["typeName"] == "title" and f["value"] for f in fields):
                return self.error(400, "Validation Failed: Title is required.")
            pid = f"doi:10.5072/FK2/{secrets.token_hex(3).upper()}"
            self.records[pid] = {"pid": pid, "db_id": len(self.records) + 1, "fields": fields, "files": [],
                                 "state": "DRAFT", "collection": parts[2], "released": []}
            return json_reply(201, {"status": "OK", "data": {"id": self.records[pid]["db_id"], "persistentId": pid}})
        if path == "/api/search" and method == "GET":
            value = request.query.get("q", "").split(":", 1)[-1].strip('"')
            items = [{"type": "dataset", "global_id": r["pid"], "versionState": r["state"]}
                     for r in self.records.values() if value and value in json.dumps(r["fields"])]
            return json_reply(200, {"status": "OK", "data": {"total_count": len(items), "items": items}})
        if parts[:2] == ["api", "files"] and parts[3:] == ["replace"] and method == "POST":
            return self._replace(request, int(parts[2]))
        if parts[:3] != ["api", "datasets", ":persistentId"]:
            return self.error(404, "API endpoint does not exist on this server.")
        record = self.records.get(pid)
        if record is None:
            return self.error(404, f"Dataset with Persistent ID {pid} not found.")
        action = "/".join(parts[3:])
        if action == "" and method == "GET":
            return json_reply(200, {"status": "OK", "data": self._dataset_json(record)})
        if action == "versions/:draft/files" and method == "GET":
            if record["state"] != "DRAFT":
                return self.error(404, "Dataset version :draft of dataset not found.")
            return json_reply(200, {"status": "OK", "data": record["files"]})
        if action == "versions/:draft" and method == "PUT":
            if request.content_type != "application/json":
                return self.error(415, "Content-Type must be application/json.")
            fields = request.json()["metadataBlocks"]["citation"]["fields"]
            if not any(f["typeName"] == "title" and f["value"] for f in fields):
                return self.error(400, "Validation Failed: Title is required.")
            self._open_draft(record)
            record["fields"] = fields
            return json_reply(200, {"status": "OK", "data": {"versionState": "DRAFT"}})
        if action == "add" and method == "POST":
            upload = self._upload(request)
            if upload is None:
                return self.error(400, "You must upload a file.")
            self._open_draft(record)
            entry = self._store(record, upload, request)
            record["files"].append(entry)
            return json_reply(200, {"status": "OK", "data": {"files": [entry]}})
        if action == "actions/:publish" and method == "POST":
            if request.query.get("type") not in ("major", "minor", "updatecurrent"):
                return self.error(400, "Missing 'type' parameter (either 'major','minor', or 'updatecurrent').")
            if record["state"] == "RELEASED":
                return self.error(400, "Dataset has no draft to publish.")
            record["state"] = "RELEASED"
            record["released"].append({"number": len(record["released"]) + 1, "fields": record["fields"],
                                       "files": record["files"]})
            return json_reply(200, {"status": "OK", "data": self._dataset_json(record)})
        return self.error(405, "Method not allowed.")
