"""Benchmark of the managed-data list page, API list and search at 100 000 records (anonymous), and of
the list page for a reviewer of the records' institution (who reads its DMPs, so every record's metadata).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python bench/managed_data.py
Generates the records once (idempotent), then prints name=value lines. Exits non-zero if it could not measure.
"""

import os
import random
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

from dmp.models import Project  # noqa: E402
from metadata.models import ManagedData, RecordPerson  # noqa: E402
from policy.models import FundingProgram  # noqa: E402
from portal.models import Funder, Institution, Role, RoleAssignment, User  # noqa: E402

TOTAL = int(os.environ.get("BENCH_RECORDS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "40"))
WORDS_JA = ["日常対話コーパス", "頭皮脳波データ", "ロボット把持学習", "土壌微生物叢", "温室効果ガス", "臨床炎症",
            "書き言葉コーパス"]
WORDS_EN = ["dialogue corpus", "scalp EEG", "robot grasping", "soil microbiome", "greenhouse gas", "clinical", "corpus"]


def generate():
    institution, _ = Institution.objects.get_or_create(code="BENCH00001", defaults={
        "name_ja": "ベンチ大学", "name_en": "Bench University", "kind": "national_university"})
    have = ManagedData.objects.filter(institution=institution).count()
    if have >= TOTAL:
        return institution
    funder, _ = Funder.objects.get_or_create(code="BENCHF", defaults={"name_ja": "ベンチ機関", "name_en": "Bench"})
    program, _ = FundingProgram.objects.get_or_create(funder=funder, name_ja="ベンチ事業",
                                                      defaults={"name_en": "Bench"})
    pi, _ = User.objects.get_or_create(email="bench-pi@example.ac.jp")
    projects = []
    for i in range(1000):
        project, _ = Project.objects.get_or_create(
            grant_number=f"JPBENCH{i:05d}",
            defaults={"institution": institution, "program": program, "name_ja": f"ベンチ課題{i}",
                      "research_field": random.choice(["189", "289", "389", "900"]), "pi": pi})
        projects.append(project)
    rng = random.Random(7)
    now = timezone.now()
    batch = 5000
    for start in range(have, TOTAL, batch):
        rows = []
        for n in range(start, min(start + batch, TOTAL)):
            k = rng.randrange(len(WORDS_JA))
            title_ja, title_en = f"{WORDS_JA[k]} 第{n}版", f"{WORDS_EN[k]} no. {n}"
            description = f"{WORDS_JA[(k + 1) % len(WORDS_JA)]}に関するデータ {n}"
            status = "published" if n % 10 < 8 else rng.choice(["draft", "submitted", "returned", "withdrawn"])
            project = projects[n % len(projects)]
            rows.append(ManagedData(
                project=project, institution=institution, data_no=str(n), title_ja=title_ja,
                title_en=title_en, description_ja=description, license="CCBY", citation_en="Bench",
                access_right=rng.choice(["open access", "restricted access", "metadata only access"]),
                metadata_access="open access" if n % 20 else "restricted access", status=status,
                hosting_institution_ja="ベンチ大学", contact_email="rdm@example.ac.jp", created_by=pi,
                datestamp=now, published_at=now if status == "published" else None,
                search_text=f"{title_ja} {title_en} {description} {n}".lower()))
        with transaction.atomic():
            created = ManagedData.objects.bulk_create(rows)
            RecordPerson.objects.bulk_create(
                RecordPerson(record=r, kind="creator", name_ja="ベンチ 太郎", name_en="Taro Bench") for r in created)
    return institution


def settle():
    """What autovacuum does on a live system after a bulk load: statistics and the visibility map (so that
    counts are index-only scans)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE metadata_manageddata")
            cursor.execute("VACUUM ANALYZE metadata_recordperson")


def measure(client, url, params):
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def main():
    call_command("migrate", verbosity=0)
    institution = generate()
    settle()
    client = Client(headers={"accept-language": "ja"})
    reviewer, _ = User.objects.get_or_create(email="bench-reviewer@example.ac.jp")
    RoleAssignment.objects.get_or_create(user=reviewer, role=Role.REVIEWER, institution=institution)
    signed_in = Client(headers={"accept-language": "ja"})
    signed_in.force_login(reviewer)
    figures = {}
    for name, as_client, url, params in (
        ("list_page", client, "/data/", {"page": "1"}),
        ("api_list", client, "/api/v1/managed-data/", {"page": "1"}),
        ("search", client, "/data/", {"q": "対話コーパス"}),
        ("list_page_reviewer", signed_in, "/data/", {"page": "1"}),
    ):
        p50, p95, queries = measure(as_client, url, params)
        figures[f"{name}_p50_ms"] = round(p50, 1)
        figures[f"{name}_p95_ms"] = round(p95, 1)
        if name != "search":
            figures[f"{name}_queries"] = queries
    figures["records"] = ManagedData.objects.count()
    for key, value in figures.items():
        print(f"{key}={value}")


if __name__ == "__main__":
    main()
