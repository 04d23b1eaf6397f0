"""With DEBUG off the portal refuses to start insecure, passes Django's deployment checks, and serves its
own static files (WhiteNoise), so `gunicorn portal.wsgi` alone serves a working site. Each case runs the
real process with the environment an operator would set."""

import os
import re
import secrets
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.conftest import database_url, wait_for

PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,portal.example.ac.jp"}


def environment(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return {**env, **PRODUCTION, **extra}


def manage(*args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment(**extra),
                          capture_output=True, text=True, timeout=300)


def test_without_a_secret_key_the_process_stops_with_a_clear_message():
    result = manage("check")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_the_deployment_check_has_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_the_deployment_check_warns_about_the_development_key():
    """The check above can fail: the same run with a weak key does warn."""
    result = manage("check", "--deploy", DJANGO_SECRET_KEY="short")
    assert "security.W009" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db
def test_gunicorn_alone_serves_the_site_and_its_css_with_debug_off(tmp_path):
    key = secrets.token_urlsafe(50)
    extra = {"DJANGO_SECRET_KEY": key, "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
             "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO", "DATABASE_URL": database_url()}
    # The API-docs bundles and the admin's files are left out only to keep the test quick (their compression
    # takes minutes here); the sign-in page needs the portal's own.
    collected = manage("collectstatic", "--noinput", "-i", "drf_spectacular_sidecar", "-i", "admin", **extra)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR, env=environment(**extra), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _port_open(port), timeout=60, message="gunicorn to listen")
        status, headers, _body = _get(f"{base}/accounts/login/")
        assert status == 301 and headers["Location"].startswith("https://")  # plain HTTP goes to HTTPS
        status, headers, body = _get(f"{base}/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200, body[:2000]
        assert "max-age=" in headers["Strict-Transport-Security"]
        assert "Secure" in headers["Set-Cookie"]
        stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/portal\.[0-9a-f]+\.css)"', body.decode())[1]
        status, headers, css = _get(f"{base}{stylesheet}", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and headers["Content-Type"].startswith("text/css") and b"{" in css
        assert "immutable" in headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
