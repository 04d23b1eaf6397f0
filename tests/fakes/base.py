"""A fake remote service: a ThreadingHTTPServer on 127.0.0.1 in a daemon thread, with real authentication
checks, content types and status codes, which can be told to misbehave for its next N calls."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FAILURES = ("500", "503", "429", "401", "409", "leaky", "timeout", "malformed", "slow", "corrupt")


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler):
        parts = urlsplit(handler.path)
        self.method, self.path = handler.command, parts.path
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.headers = handler.headers
        self.corrupt = False  # told to damage the file content it stores (see `FakeServer.fail_next`)
        if (handler.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            self.body = self._read_chunked(handler.rfile)
        else:
            length = int(handler.headers.get("Content-Length") or 0)
            self.body = handler.rfile.read(length) if length else b""

    @staticmethod
    def _read_chunked(stream) -> bytes:
        parts = []
        while size := int(stream.readline().split(b";")[0].strip() or b"0", 16):
            parts.append(stream.read(size))
            stream.readline()
        while stream.readline() not in (b"\r\n", b"\n", b""):  # trailers
            pass
        return b"".join(parts)

    def damaged(self, content: bytes) -> bytes:
        """The content as stored: one byte flipped when told to corrupt."""
        if not self.corrupt or not content:
            return content
        return content[:-1] + bytes([content[-1] ^ 0xFF])

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def json(self):
        return json.loads(self.body or b"null")


class Reply:
    def __init__(self, status: int, body: bytes = b"", content_type: str = "application/json", headers=None):
        self.status, self.body, self.content_type, self.headers = status, body, content_type, headers or {}


def json_reply(status: int, data, headers=None) -> Reply:
    return Reply(status, json.dumps(data).encode(), "application/json", headers)


class FakeServer:
    """Subclasses implement `authorized(request)`, `error(status, message)` and `route(request)`."""

    name = "fake"

    def __init__(self, *, port: int = 0, slow_seconds: float = 3.0):
        self.lock = threading.Lock()
        self.slow_seconds = slow_seconds
        self.failures: list[tuple[str, float | None]] = []
        self.calls: list[tuple[str, str]] = []
        self.records: dict[str, dict] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                fake._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, count: int, mode: str, *, after: int = 0, retry_after: float | None = None) -> None:
        """Misbehave on `count` calls, after `after` normal ones: an HTTP status ("500", "503", "429",
        "401", "409"; with Retry-After if given), "leaky" (a 400 whose message echoes the credentials),
        "timeout" (no answer for `slow_seconds`, then the connection drops, nothing done), "malformed" (200
        with an unreadable body, nothing done), "slow" (does the work, then answers after `slow_seconds`,
        as an overloaded server does) or "corrupt" (stores a file's content with one byte changed, as if
        damaged on the way, and reports the checksum of what it stored)."""
        assert mode in FAILURES, mode
        with self.lock:
            self.failures.extend([(None, None)] * after + [(mode, retry_after)] * count)

    def _serve(self, handler):
        request = Request(handler)
        with self.lock:
            self.calls.append((request.method, request.path))
            mode, retry_after = self.failures.pop(0) if self.failures else (None, None)
        if mode == "timeout":
            time.sleep(self.slow_seconds)
            handler.close_connection = True
            return
        if mode == "malformed":
            reply = Reply(200, b'{"id": "trunc', "application/json")
        elif mode in ("500", "503", "429", "409"):
            headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            reply = self.error(int(mode), "Simulated failure", headers)
        elif mode == "leaky":
            reply = self.error(400, f"Cannot accept a deposit from {self.presented_credentials(request)}")
        elif mode == "401" or not self.authorized(request):
            reply = self.unauthorized(request)
        else:
            request.corrupt = mode == "corrupt"
            try:
                with self.lock:
                    reply = self.route(request)
            except (ValueError, KeyError) as exc:
                reply = self.error(400, f"Bad request: {exc}")
            if mode == "slow":
                time.sleep(self.slow_seconds)
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(reply.body)
        except OSError:  # the client gave up waiting (a "slow" answer after its timeout)
            handler.close_connection = True

    def presented_credentials(self, request) -> str:
        return request.headers.get("Authorization", "")

    def unauthorized(self, request) -> Reply:
        # Careless servers echo what they were sent; the portal must never pass it on.
        return self.error(401, f"Invalid credentials: {self.presented_credentials(request)}")

    # For subclasses
    def authorized(self, request) -> bool:
        raise NotImplementedError

    def error(self, status: int, message: str, headers=None) -> Reply:
        raise NotImplementedError

    def route(self, request) -> Reply:
        raise NotImplementedError


def serve_until_interrupted(servers) -> None:
    """Keep started fakes running for a demo until Ctrl-C, then stop them all."""
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.stop()
