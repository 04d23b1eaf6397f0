"""Harvest the whole ListRecords in jpcoar_2.0 over HTTP through resumption tokens, on the database
DATABASE_URL names, with N published records that the bench generates itself (default 100 000).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_oai_bench python bench/oai_harvest.py [N]

Prints records_per_s, peak_rss_mb, queries_per_page, total_s (and a few more) as name=value lines."""

import datetime
import http.client
import os
import re
import sys
import time
import urllib.parse

from _server import cpu_s, django_setup, rss_mb, start_server

BENCH_GRANT = "JPBENCH0001"
BATCH = 5000


def ensure_records(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dmp.models import Project
    from metadata.models import ManagedData, RecordPerson
    from policy.models import FundingProgram
    from portal.models import Funder, Institution, User

    call_command("migrate", verbosity=0)
    institution, _ = Institution.objects.get_or_create(
        code="9999999999", defaults={"name_ja": "ベンチ大学", "name_en": "Bench University", "kind": "other"})
    funder, _ = Funder.objects.get_or_create(code="BENCHF", defaults={"name_ja": "ベンチ財団", "name_en": "Bench Fund",
                                                                      "erad_code": "9999"})
    program, _ = FundingProgram.objects.get_or_create(funder=funder, name_ja="ベンチ事業",
                                                      defaults={"name_en": "Bench program", "code": "BNCH"})
    user, _ = User.objects.get_or_create(email="bench@example.ac.jp")
    project, _ = Project.objects.get_or_create(
        grant_number=BENCH_GRANT, defaults={"institution": institution, "program": program, "pi": user,
                                            "name_ja": "ベンチマーク課題", "name_en": "Benchmark project",
                                            "research_field": "1000"})
    have = ManagedData.objects.filter(project=project).count()
    fields = ["189", "289", "project", "1000"]
    access = ["open access", "embargoed access", "restricted access", "metadata only access"]
    now = timezone.now()
    for start in range(have, n, BATCH):
        records = ManagedData.objects.bulk_create([
            ManagedData(
                project=project, institution=institution, created_by=user, data_no=str(i + 1),
                program=program, funder=funder,  # the copies the services keep (see metadata/models.py)
                effective_field=project.research_field if fields[i % 4] == "project" else fields[i % 4],
                title_ja=f"ベンチマーク用データ {i + 1}", title_en=f"Benchmark dataset {i + 1}",
                description_ja="性能測定のために生成した記録。" * 3,
                description_en="A record generated for the bench. " * 3,
                research_field=fields[i % 4], data_type="dataset", file_size=f"{i % 900 + 1}MB", license="CCBY",
                citation_en=f"Bench (2026) Dataset {i + 1}", access_right=access[i % 4],
                embargo_until=datetime.date(2030, 1, 1) if i % 4 == 1 else None,
                repository_url=f"https://repo.example.ac.jp/records/{i + 1}" if i % 3 else "",
                doi=f"10.99999/bench.{i + 1}" if i % 3 == 0 else "",
                hosting_institution_ja="ベンチ大学", hosting_institution_en="Bench University",
                hosting_institution_ror="https://ror.org/04ksd4g47", contact_org_ja="研究推進部",
                contact_email="rdm@bench.example.ac.jp", status="published", published_at=now,
                datestamp=now - datetime.timedelta(seconds=n - i), issued_date=datetime.date(2025, 4, 1),
            )
            for i in range(start, min(start + BATCH, n))
        ])
        RecordPerson.objects.bulk_create([
            RecordPerson(record=r, kind=kind, position=0, name_ja="計測 太郎", name_en="Taro Keisoku",
                         erad_researcher_number="12345678", affiliation_ja="ベンチ大学",
                         affiliation_en="Bench University")
            for r in records for kind in ("creator", "data_manager")
        ])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give a live database
            cursor.execute("ANALYZE")


def queries_per_page(requests: list[dict]) -> list[int]:
    """Queries of these requests, run in-process (the server runs the same code)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), []
    for params in requests:
        with CaptureQueriesContext(connection) as queries:
            client.get("/oai", params)
        counts.append(len(queries))
    return counts


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    django_setup()
    from django.conf import settings

    from metadata.models import ManagedData

    print(f"database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    ensure_records(n)
    public = ManagedData.objects.public().count()
    server, base = start_server()
    try:
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=120)
        query = "verb=ListRecords&metadataPrefix=jpcoar_2.0"
        harvested, times, rss, tokens = 0, [], [], []
        started, server_cpu = time.perf_counter(), cpu_s(server.pid)
        while True:
            t = time.perf_counter()
            connection.request("GET", f"/oai?{query}")
            body = connection.getresponse().read()
            times.append(time.perf_counter() - t)
            harvested += body.count(b"<record>")
            rss.append(rss_mb(server.pid)[0])
            token = re.search(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>", body)
            if not token:
                break
            tokens.append(token[1].decode())
            query = "verb=ListRecords&resumptionToken=" + urllib.parse.quote(tokens[-1])
        total = time.perf_counter() - started
        server_cpu = cpu_s(server.pid) - server_cpu
        peak = rss_mb(server.pid)[1]
    finally:
        server.terminate()
        server.wait(timeout=30)
    if harvested != public or not times:
        print(f"error=harvested {harvested} records of {public}", file=sys.stderr)
        return 1
    # the first page (with its count), the second, one in the middle and the last
    counts = queries_per_page([{"verb": "ListRecords", "metadataPrefix": "jpcoar_2.0"}] + [
        {"verb": "ListRecords", "resumptionToken": t} for t in (tokens[0], tokens[len(tokens) // 2], tokens[-1])])
    tenth = max(1, len(times) // 10)
    print(f"records={harvested}")
    print(f"pages={len(times)}")
    print(f"page_size={settings.OAI_PAGE_SIZE}")
    print(f"records_per_s={harvested / total:.0f}")
    print(f"total_s={total:.2f}")
    print(f"peak_rss_mb={peak:.1f}")
    print(f"rss_after_first_page_mb={rss[0]:.1f}")
    print(f"rss_at_half_mb={rss[len(rss) // 2]:.1f}")
    print(f"rss_after_last_page_mb={rss[-1]:.1f}")
    print(f"queries_per_page={counts[-1]}")
    print(f"queries_first_second_middle_last_page={','.join(map(str, counts))}")
    print(f"first_tenth_page_ms={1000 * sum(times[:tenth]) / tenth:.1f}")
    print(f"last_tenth_page_ms={1000 * sum(times[-tenth:]) / tenth:.1f}")
    print(f"server_cpu_s={server_cpu:.2f}")
    print(f"records_per_server_cpu_s={harvested / server_cpu:.0f}")  # what one free core would serve
    print(f"load_average_1m={os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
