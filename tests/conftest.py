"""Shared fixtures. Tests that need PostgreSQL, a real Celery worker on Redis, Chromium or the official
schemas skip locally when those are absent (saying why) and fail in CI (CI=true), where .ci/run
provides all of them."""

import contextlib
import functools
import io
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.test.utils import override_settings

from portal.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def _unavailable(marker: str) -> str | None:
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if marker == "celery_worker":
        if not settings.CELERY_BROKER_URL:
            return "needs Redis: set CELERY_BROKER_URL=redis://..."
        if connection.vendor != "postgresql":
            return "a worker process needs a shared database: set DATABASE_URL=postgres://..."
    if marker == "browser" and not Path(CHROMIUM).exists():
        return f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if marker == "schemas" and not Path(settings.SCHEMA_DIR).is_dir():
        return f"needs the official schemas in SCHEMA_DIR ({settings.SCHEMA_DIR})"
    return None


def pytest_configure(config):
    config.addinivalue_line("markers", "schemas: validates output against the schemas in SCHEMA_DIR")


@pytest.fixture(autouse=True)
def _require_markers(request):
    for marker in ("postgres", "celery_worker", "browser", "schemas"):
        if request.node.get_closest_marker(marker):
            reason = _unavailable(marker)
            if reason:
                if IN_CI:
                    pytest.fail(f"CI must run this test, but it {reason}")
                pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_settings(settings, request):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks run in-process except in tests that start a real worker.
    eager = request.node.get_closest_marker("celery_worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@functools.cache
def _may_switch_triggers_off(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()[0]


def _delete_every_row(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """`flush` as DELETE with triggers off: what TRUNCATE does to the rows, without the new files TRUNCATE makes
    for every table and index (about a second per transactional test here, against a few milliseconds).
    Switching triggers off needs a superuser (CI's postgres is one); anyone else keeps Django's TRUNCATE."""
    if not tables or reset_sequences or not _may_switch_triggers_off(self.connection):
        return _truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    return ["SET LOCAL session_replication_role = replica",
            *(f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables),
            "SET LOCAL session_replication_role = origin"]


_truncate = PostgresOperations.sql_flush


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """Transactional tests (live server, worker, browser) end with a flush of every table; make it cheap."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PostgresOperations, "sql_flush", _delete_every_row)
        yield


def database_url() -> str:
    """A URL for the database the tests run on (the test database, once it exists)."""
    db = connection.settings_dict
    auth = db["USER"] or ""
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real `celery worker` process on Redis, sharing the test database, on a queue of its own."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    log = open(tmp_path / "worker.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield {"queue": queue, "mail_dir": tmp_path / "mail", "log": log, "process": proc}
    finally:
        celery_app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(predicate, *, timeout=30.0, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


_chromium = {}


@contextlib.contextmanager
def chromium():
    """Playwright driving Debian's Chromium (never a downloaded browser). One browser serves the whole session
    (launched on first use, closed when the session ends); the contexts opened inside the block are closed
    at its end, so each user of it starts with no cookies, pages or storage of another."""
    browser = _chromium.get("browser")
    if browser is None or not browser.is_connected():
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM is used beside Playwright's loop
        from playwright.sync_api import sync_playwright

        playwright = _chromium.get("playwright") or sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        _chromium.update(playwright=playwright, browser=browser)
    before = set(browser.contexts)
    try:
        yield browser
    finally:
        for context in browser.contexts:
            if context not in before:
                context.close()


def pytest_sessionfinish(session):
    if "playwright" in _chromium:
        if _chromium["browser"].is_connected():
            _chromium["browser"].close()
        _chromium.pop("playwright").stop()


@pytest.fixture
def browser(live_server):
    with chromium() as browser:
        yield browser



def _table_rows(cursor, table: str) -> bytes:
    with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
        return b"".join(bytes(chunk) for chunk in copy)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """`load_demo` run once per session, in a transaction rolled back at once, kept as the tables it changed so that
    `demo` can put them back with one COPY per table instead of running the command for every test."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        block = transaction.atomic()
        block._from_testcase = True  # the demo's durable services run as they do inside a test's transaction
        with block:
            cursor.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = current_schema() AND c.relkind = 'r'")
            tables = [table for (table,) in cursor.fetchall()]
            before = {table: _table_rows(cursor.cursor, table) for table in tables}
            eager = celery_app.conf.task_always_eager
            celery_app.conf.task_always_eager = True
            try:
                with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                    call_command("load_demo", stdout=io.StringIO())
            finally:
                celery_app.conf.task_always_eager = eager
            after = {table: _table_rows(cursor.cursor, table) for table in tables}
            cursor.execute("SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE table_schema = current_schema() "
                           "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')")
            serials = [(table, column) for table, column in cursor.fetchall() if after[table] != before[table]]
            transaction.set_rollback(True)
    return {"rows": {table: (before[table] != b"", rows) for table, rows in after.items() if rows != before[table]},
            "serials": serials}


@pytest.fixture
def demo(db, demo_snapshot):
    """The whole demo (`load_demo` on the empty test database), for tests that really need all of it. Tables the
    demo changed are put back as `demo_snapshot` holds them, triggers off as in a restore."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table, (replace, rows) in demo_snapshot["rows"].items():
            if replace:
                cursor.execute(f'DELETE FROM "{table}"')
            with cursor.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(rows)
        cursor.execute("SET LOCAL session_replication_role = origin")
        for table, column in demo_snapshot["serials"]:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', %s), "
                           f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"', [column])
    from metadata.models import ManagedData

    return ManagedData.objects.all()
