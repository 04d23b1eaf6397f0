"""Fake InvenioRDM REST API: drafts, draft files (init / content / commit), publish, DOI, user search."""

import json
import re
import secrets

from .base import FakeServer, Reply, json_reply

FILES = re.compile(r"^/api/records/([\w-]+)/draft/files(?:/([^/]+)/(content|commit))?$")
PUBLISH = re.compile(r"^/api/records/([\w-]+)/draft/actions/publish$")
RECORD = re.compile(r"^/api/records/([\w-]+)$")
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

    def _record_json(self, record):
        links = {"self": f"{self.url}/api/records/{record['id']}", "self_html": f"{self.url}/records/{record['id']}"}
        data = {"id": record["id"], "metadata": record["metadata"], "is_published": record["published"],
                "status": "published" if record["published"] else "draft", "links": links}
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
            record_id = f"{secrets.token_hex(3)[:5]}-{secrets.token_hex(3)[:5]}"
            self.records[record_id] = {"id": record_id, "metadata": metadata, "access": body.get("access"),
                                       "files": {}, "published": False, "doi": ""}
            return json_reply(201, self._record_json(self.records[record_id]))
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
            record["published"], record["doi"] = True, f"10.80000/{record['id']}"
            return json_reply(202, self._record_json(record))
        if (match := RECORD.match(path)) and method == "GET":
            record = self.records.get(match.group(1))
            if record is None or not record["published"]:
                return self.error(404, "The persistent identifier does not exist.")
            return json_reply(200, self._record_json(record))
        return self.error(404, "Not found.")

    def _files(self, request, record_id, key, action):
        record = self.records.get(record_id)
        if record is None or record["published"]:
            return self.error(404, "The draft does not exist.")
        files = record["files"]
        if action is None and request.method == "GET":
            return json_reply(200, {"entries": [{"key": k, "status": f["status"]} for k, f in files.items()]})
        if action is None and request.method == "POST":
            entries = request.json()
            for entry in entries:
                if entry["key"] in files:
                    return self.error(400, f"File with key {entry['key']} already exists.")
                files[entry["key"]] = {"status": "pending", "content": None}
            return json_reply(201, {"entries": [{"key": e["key"], "status": "pending"} for e in entries]})
        if key not in files:
            return self.error(404, "File not found.")
        if action == "content" and request.method == "PUT":
            if request.content_type != "application/octet-stream":
                return self.error(415, "Content must be application/octet-stream.")
            files[key]["content"] = request.body
            return json_reply(200, {"key": key, "status": "pending"})
        if action == "commit" and request.method == "POST":
            if files[key]["content"] is None:
                return self.error(400, "No content uploaded.")
            files[key]["status"] = "completed"
            return json_reply(200, {"key": key, "status": "completed"})
        return Reply(405, b"")
