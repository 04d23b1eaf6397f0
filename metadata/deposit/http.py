"""A small HTTP client for the adapters (standard library only), which turns every failure into a
`TransientError` (retry later) or a `PermanentError` (a librarian must act), worded for a librarian.
Credentials go only into request headers and are redacted from anything kept or shown."""

import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from .credentials import redact

logger = logging.getLogger(__name__)

TRANSIENT_STATUSES = {408, 409, 423, 425, 429}  # and every 5xx
MAX_MESSAGE = 500


class DepositError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.message, self.retry_after = message, retry_after


class TransientError(DepositError):
    """Worth retrying later: timeouts, unreachable, 5xx, 429, conflicts, unreadable answers."""


class PermanentError(DepositError):
    """Retrying will not help until someone changes something: refused credentials, rejected metadata."""


@dataclass
class Response:
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise unreadable() from None

    def xml(self):
        try:
            return etree.fromstring(self.body)
        except etree.XMLSyntaxError:
            raise unreadable() from None


def unreadable() -> TransientError:
    return TransientError(_("The repository sent an answer we could not read."))


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds or as an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
    except (TypeError, ValueError):
        return None


def repository_message(body: bytes) -> str:
    """The human part of an error body: JSON `message` (+ field errors), or an XML summary / description."""
    text = ""
    try:
        data = json.loads(body)
        if isinstance(data, dict):
            text = str(data.get("message") or "")
            for error in data.get("errors") or []:
                if isinstance(error, dict):
                    text += f" {error.get('field', '')}: {' '.join(map(str, error.get('messages', [])))}"
    except ValueError:
        try:
            root = etree.fromstring(body)
            parts = root.xpath("//*[local-name()='summary']/text()") or root.xpath(
                "//*[local-name()='verboseDescription']/text()")
            text = " ".join(p.strip() for p in parts if p.strip())
        except etree.XMLSyntaxError:
            text = ""
    return " ".join(text.split())[:MAX_MESSAGE]


class Client:
    def __init__(self, *, repository_name: str, auth_headers: dict, secrets: tuple[str, ...], timeout: float):
        self.repository_name = repository_name
        self.auth_headers = auth_headers
        self.secrets = secrets
        self.timeout = timeout

    def request(self, method: str, url: str, *, body=None, length: int | None = None,
                headers: dict | None = None) -> Response:
        """`body`: bytes, or an iterable of byte chunks sent as they come (a file is never held in memory):
        with its `length` if known, else in chunked transfer encoding."""
        headers = {**(headers or {}), **self.auth_headers}
        if body is not None and not isinstance(body, bytes):
            headers.update({"Content-Length": str(length)} if length is not None else {"Transfer-Encoding": "chunked"})
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as exc:
            raise self._status_error(exc.code, exc.headers, exc.read()) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError):
                raise TransientError(_("The repository did not answer in time.")) from None
            logger.info("deposit: %s unreachable (%s)", self.repository_name, type(exc).__name__)
            raise TransientError(_("The repository could not be reached.")) from None

    def json(self, method: str, url: str, payload=None) -> dict:
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        data = self.request(method, url, body=body, headers=headers).json()
        if not isinstance(data, dict):
            raise unreadable()
        return data

    def _status_error(self, status: int, headers, body: bytes) -> DepositError:
        message = redact(repository_message(body), *self.secrets)
        if status in (401, 403):
            return PermanentError(
                _("The repository “%(repository)s” refused our credentials (HTTP %(status)s). Ask an operator "
                  "to check its token or password in the admin site, then retry.")
                % {"repository": self.repository_name, "status": status})
        if status == 429:
            return TransientError(_("The repository asked us to slow down (HTTP 429)."),
                                  retry_after=retry_after_seconds(headers.get("Retry-After")))
        if status >= 500 or status in TRANSIENT_STATUSES:
            text = _("The repository had a temporary problem (HTTP %(status)s).") % {"status": status}
            return TransientError(f"{text} {message}".strip(),
                                  retry_after=retry_after_seconds(headers.get("Retry-After")))
        return PermanentError(
            _("The repository rejected the deposit (HTTP %(status)s): %(message)s")
            % {"status": status, "message": message or _("no reason given")})
