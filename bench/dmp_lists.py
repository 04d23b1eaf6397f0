"""Benchmark of the DMP list, the reviewers' queue and the DMP API list at 20 000 DMPs (design.md §6).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python bench/dmp_lists.py
Generates the DMPs once (idempotent), then prints name=value lines. Exits non-zero if it could not measure.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from dmp.models import DMP, DMPTemplate, Project  # noqa: E402
from dmp.services import template_load_shipped  # noqa: E402
from policy.models import FundingProgram  # noqa: E402
from portal.models import Department, Funder, Institution, Role, RoleAssignment, User  # noqa: E402

TOTAL = int(os.environ.get("BENCH_DMPS", "20000"))
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
STATES = ["draft", "submitted", "changes_requested", "approved", "submitted", "withdrawn"]


def generate() -> User:
    template_load_shipped()
    institution, _ = Institution.objects.get_or_create(code="BENCHDMP01", defaults={
        "name_ja": "DMPベンチ大学", "name_en": "DMP Bench University", "kind": "national_university"})
    departments = [Department.objects.get_or_create(institution=institution, name_ja=f"研究科{i}")[0]
                   for i in range(5)]
    funder, _ = Funder.objects.get_or_create(code="BENCHDMPF", defaults={"name_ja": "DMPベンチ機関"})
    programs = [FundingProgram.objects.get_or_create(funder=funder, name_ja=f"DMPベンチ事業{i}")[0] for i in range(5)]
    pi, _ = User.objects.get_or_create(email="bench-dmp-pi@example.ac.jp")
    reviewer, _ = User.objects.get_or_create(email="bench-dmp-reviewer@example.ac.jp")
    RoleAssignment.objects.get_or_create(user=reviewer, role=Role.REVIEWER, institution=institution)
    template = DMPTemplate.objects.get(key="cao-generic", version=1)
    have = DMP.objects.filter(project__institution=institution).count()
    now = timezone.now()
    for start in range(have, TOTAL, 2000):
        with transaction.atomic():
            projects = Project.objects.bulk_create([
                Project(institution=institution, department=departments[i % 5], program=programs[i % 5],
                        grant_number=f"JPBDMP{i:06d}", name_ja=f"ベンチ課題{i}", research_field="289", pi=pi)
                for i in range(start, min(start + 2000, TOTAL))])
            DMP.objects.bulk_create([
                DMP(project=p, template=template, created_by=pi, status=STATES[i % len(STATES)],
                    submitted_at=now - datetime.timedelta(hours=i) if i % len(STATES) else None)
                for i, p in enumerate(projects, start=start)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return reviewer


def measure(client, url) -> tuple[float, float, int]:
    client.get(url)
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18], len(queries)


def main() -> int:
    call_command("migrate", verbosity=0)
    reviewer = generate()
    client = Client()
    client.force_login(reviewer)
    print(f"dmps={DMP.objects.filter(project__institution__code='BENCHDMP01').count()}")
    print(f"database={connection.vendor}")
    for name, url in [("queue_page1", "/dmps/review/"), ("queue_page40", "/dmps/review/?page=40"),
                      ("queue_submitted_waiting3d", "/dmps/review/?status=submitted&waiting_days=3"),
                      ("list_page1", "/dmps/"), ("api_list_page1", "/api/v1/dmps/"),
                      ("api_list_page100", "/api/v1/dmps/?page=100")]:
        p50, p95, queries = measure(client, url)
        print(f"{name}_p50_ms={p50:.1f}")
        print(f"{name}_p95_ms={p95:.1f}")
        print(f"{name}_queries={queries}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
