"""A fake ORCID on 127.0.0.1 speaking ORCID's three-legged OAuth 2.0: /oauth/authorize (the person is
already signed in and grants at once, redirecting back with a one-time code, or `deny` sends
error=access_denied) and /oauth/token (client credentials and code checked; the token response carries
`orcid` and `name`, as ORCID's does)."""

import secrets
from urllib.parse import parse_qs, urlencode

from .base import FakeServer, Reply, json_reply


class FakeOrcid(FakeServer):
    name = "ORCID"

    def __init__(self, *, client_id: str, client_secret: str, orcid: str, person_name: str, port: int = 0):
        super().__init__(port=port)
        self.client_id, self.client_secret = client_id, client_secret
        self.orcid, self.person_name = orcid, person_name
        self.deny = False
        self.codes: dict[str, str] = {}  # one-time code -> redirect_uri

    def authorized(self, request) -> bool:
        return True  # each endpoint checks the client itself

    def error(self, status: int, message: str, headers=None) -> Reply:
        return json_reply(status, {"error": "invalid_request", "error_description": message}, headers)

    def route(self, request) -> Reply:
        if request.method == "GET" and request.path == "/oauth/authorize":
            return self._authorize(request.query)
        if request.method == "POST" and request.path == "/oauth/token":
            return self._token({k: v[0] for k, v in parse_qs(request.body.decode()).items()})
        return self.error(404, "Not found")

    def _authorize(self, query) -> Reply:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return Reply(400, b"invalid client or response type", "text/plain")
        if query.get("scope") != "/authenticate" or not query.get("redirect_uri"):
            return Reply(400, b"invalid scope or redirect_uri", "text/plain")
        if self.deny:
            params = {"error": "access_denied", "error_description": "User denied access", "state": query.get("state")}
        else:
            code = secrets.token_urlsafe(6)
            self.codes[code] = query["redirect_uri"]
            params = {"code": code, "state": query.get("state", "")}
        return Reply(302, b"", "text/plain", {"Location": f"{query['redirect_uri']}?{urlencode(params)}"})

    def _token(self, form) -> Reply:
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            return json_reply(401, {"error": "invalid_client", "error_description": "Client not found"})
        redirect_uri = self.codes.pop(form.get("code", ""), None)  # a code works once
        if form.get("grant_type") != "authorization_code" or redirect_uri is None \
                or redirect_uri != form.get("redirect_uri"):
            return json_reply(400, {"error": "invalid_grant", "error_description": "Invalid authorization code"})
        return json_reply(200, {
            "access_token": secrets.token_hex(16), "token_type": "bearer", "refresh_token": secrets.token_hex(16),
            "expires_in": 631138518, "scope": "/authenticate", "name": self.person_name, "orcid": self.orcid,
        })
