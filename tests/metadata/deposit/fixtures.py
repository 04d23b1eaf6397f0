"""Fixtures for the deposit tests: the three fake repositories on 127.0.0.1, a published record built
through our services, a repository per protocol pointing at its fake, and a real worker tuned for
quick retries. Test modules import what they use from here."""

import itertools
import os
import subprocess
import sys

import pytest
from django.conf import settings

from metadata.deposit.models import Repository
from metadata.models import ManagedData
from portal.models import Role
from tests.conftest import database_url
from tests.factories import InstitutionFactory, ProjectFactory, make_record, user_with_role
from tests.fakes.dataverse import FakeDataverse
from tests.fakes.inveniordm import FakeInvenioRDM
from tests.fakes.sword import FakeSword

# Distinctive so that a leak anywhere is found by a plain substring search.
SECRETS = {"inveniordm": "inv-SECRET-7f3a9c", "dataverse": "dv-SECRET-41b2e8", "sword2": "sw-SECRET-c05d17"}
KINDS = tuple(SECRETS)
_numbers = itertools.count(1)


@pytest.fixture
def fakes():
    servers = {
        "inveniordm": FakeInvenioRDM(token=SECRETS["inveniordm"], slow_seconds=2.5).start(),
        "dataverse": FakeDataverse(token=SECRETS["dataverse"], slow_seconds=2.5).start(),
        "sword2": FakeSword(password=SECRETS["sword2"], slow_seconds=2.5).start(),
    }
    yield servers
    for server in servers.values():
        server.stop()


def make_repository(kind: str, fake, institution, **fields) -> Repository:
    defaults = {"inveniordm": {}, "dataverse": {"collection": "root"},
                "sword2": {"collection": "sword/collection/data", "username": "depositor"}}[kind]
    repository = Repository(institution=institution, kind=kind, name_ja=f"テスト{kind}", name_en=f"Test {kind}",
                            base_url=fake.url, **{**defaults, **fields})
    repository.set_secret(SECRETS[kind])
    repository.full_clean()
    repository.save()
    return repository


@pytest.fixture
def institution(db):
    return InstitutionFactory()


@pytest.fixture
def librarian(institution):
    return user_with_role(Role.LIBRARIAN, institution=institution)


def published_record(institution, librarian, **fields) -> ManagedData:
    """A record of a new project of `institution`, published by `librarian` through our services."""
    return make_record(project=ProjectFactory(institution=institution), status="published", librarian=librarian,
                       **{"title_en": f"Test data {next(_numbers)}", **fields})


@pytest.fixture
def record(institution, librarian):
    return published_record(institution, librarian)


@pytest.fixture
def deposit_worker(transactional_db, monkeypatch, settings, request):
    """A real worker with short timeouts, backoff and lease (its settings read the environment at start;
    this process, which plays Celery beat in some tests, gets the same values)."""
    for name, value in {"DEPOSIT_HTTP_TIMEOUT": 1, "DEPOSIT_BACKOFF_SECONDS": 0.2, "DEPOSIT_LEASE_SECONDS": 3,
                        "DEPOSIT_MAX_ATTEMPTS": 4}.items():
        monkeypatch.setenv(name, str(value))
        setattr(settings, name, value)
    return request.getfixturevalue("celery_worker")


def start_worker(queue: str, log) -> subprocess.Popen:
    """One more worker like the `celery_worker` fixture's, on the same queue (to take over from a killed one)."""
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "CELERY_TASK_DEFAULT_QUEUE": queue}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
         "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
