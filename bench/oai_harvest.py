"""OAI-PMH harvests against the machine's raw limit, measured in the same run on the same data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_oai_bench python bench/oai_harvest.py [N [ROUNDS]]

Generates N published records (default 100 000) and renders them (`oai_render`), then:
- the raw limit: the same public rows read with psycopg in keyset pages of OAI_PAGE_SIZE and serialised
  to an oai_dc ListRecords page with lxml, in-process (no HTTP, no Django) — what the database and lxml
  alone can do on this machine, measured before and after the harvests (the mean is used);
- the full ListRecords harvest over HTTP (one gunicorn worker, one client following resumption tokens)
  in each format, a set harvest (`set=field:189`, a quarter of the records) and an incremental one
  (`from=` the datestamp that leaves the newest 10 %).
The raw limit and the harvests run in ROUNDS interleaved rounds (default 3) on a machine that others
share; rates are the medians over the rounds, ratios those of the medians.
Prints name=value lines: records_per_s_<format>, raw_limit_records_per_s, ratio_<format>_to_raw,
server_cpu_ms_per_page, peak_rss_mb, queries_per_page, first/last tenth page times, and the load."""

import datetime
import http.client
import os
import re
import statistics
import sys
import time
import urllib.parse

from _server import cpu_s, django_setup, rss_mb, start_server

BENCH_GRANT = "JPBENCH0001"
BATCH = 5000
FORMATS = ("jpcoar_2.0", "oai_dc", "oai_datacite")


def ensure_records(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dmp.models import Project
    from metadata.models import HarvestRecord, ManagedData, RecordPerson
    from metadata.oai.rendering import harvest_refresh_all
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
        RecordPerson.objects.bulk_create([  # bulk: no signals, rendered below
            RecordPerson(record=r, kind=kind, position=0, name_ja="計測 太郎", name_en="Taro Keisoku",
                         erad_researcher_number="12345678", affiliation_ja="ベンチ大学",
                         affiliation_en="Bench University")
            for r in records for kind in ("creator", "data_manager")
        ])
    if HarvestRecord.objects.count() < ManagedData.objects.public().count():
        t = time.perf_counter()
        rendered = harvest_refresh_all(initial=True)
        print(f"render_s={time.perf_counter() - t:.1f}")
        print(f"render_records_per_s={rendered / (time.perf_counter() - t):.0f}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give a live database
            cursor.execute("VACUUM ANALYZE")


RAW_COLUMNS = ("id", "datestamp", "title_ja", "title_en", "description_ja", "description_en", "research_field",
               "data_type", "file_size", "doi", "repository_url", "access_right", "citation_en", "issued_date")


def raw_limit(size: int) -> tuple[float, int]:
    """(records/s, records): the public rows in keyset pages with psycopg, each page an oai_dc ListRecords
    document built and serialised with lxml; the floor any provider on this machine is measured against."""
    import psycopg
    from lxml import etree

    oai, dc, oai_dc = ("http://www.openarchives.org/OAI/2.0/", "http://purl.org/dc/elements/1.1/",
                       "http://www.openarchives.org/OAI/2.0/oai_dc/")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    query = (f"SELECT {', '.join(RAW_COLUMNS)} FROM metadata_manageddata WHERE status IN ('published', 'withdrawn') "
             "AND metadata_access = 'open access' AND id > %s ORDER BY id LIMIT %s")
    started, after, count = time.perf_counter(), 0, 0
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        while True:
            rows = connection.execute(query, (after, size)).fetchall()
            if not rows:
                break
            root = etree.Element(f"{{{oai}}}OAI-PMH", nsmap={None: oai})
            etree.SubElement(root, f"{{{oai}}}responseDate").text = "2026-01-01T00:00:00Z"
            body = etree.SubElement(root, f"{{{oai}}}ListRecords")
            for (pk, stamp, title_ja, title_en, description_ja, description_en, field, data_type, size_, doi, url,
                 access, citation, issued) in rows:
                record = etree.SubElement(body, f"{{{oai}}}record")
                header = etree.SubElement(record, f"{{{oai}}}header")
                etree.SubElement(header, f"{{{oai}}}identifier").text = f"oai:bench:{pk}"
                etree.SubElement(header, f"{{{oai}}}datestamp").text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
                etree.SubElement(header, f"{{{oai}}}setSpec").text = f"field:{field}"
                metadata = etree.SubElement(record, f"{{{oai}}}metadata")
                element = etree.SubElement(metadata, f"{{{oai_dc}}}dc", nsmap={"oai_dc": oai_dc, "dc": dc})
                for tag, value, language in (("title", title_ja, "ja"), ("title", title_en, "en"),
                                             ("description", description_ja, "ja"),
                                             ("description", description_en, "en"), ("subject", field, None),
                                             ("date", issued.isoformat(), None), ("type", data_type, None),
                                             ("format", size_, None), ("identifier", doi or url, None),
                                             ("rights", access, None), ("rights", citation, "en")):
                    if value:
                        child = etree.SubElement(element, f"{{{dc}}}{tag}")
                        child.text = value
                        if language:
                            child.set(lang, language)
            etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            after, count = rows[-1][0], count + len(rows)
    return count / (time.perf_counter() - started), count


def harvest(connection, server, query: str) -> dict:
    """Follow resumption tokens to the end; per-page times, RSS after each page, server CPU."""
    harvested, times, rss, tokens = 0, [], [], []
    started, cpu = time.perf_counter(), cpu_s(server.pid)
    while True:
        t = time.perf_counter()
        connection.request("GET", f"/oai?{query}")
        body = connection.getresponse().read()
        times.append(time.perf_counter() - t)
        harvested += body.count(b"<record>") or body.count(b"<header")
        rss.append(rss_mb(server.pid)[0])
        token = re.search(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>", body)
        if not token:
            break
        tokens.append(token[1].decode())
        query = "verb=ListRecords&resumptionToken=" + urllib.parse.quote(tokens[-1])
    total = time.perf_counter() - started
    return {"records": harvested, "seconds": total, "times": times, "rss": rss, "tokens": tokens,
            "cpu": cpu_s(server.pid) - cpu}


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


def tenths(times: list[float]) -> tuple[float, float]:
    tenth = max(1, len(times) // 10)
    return 1000 * statistics.mean(times[:tenth]), 1000 * statistics.mean(times[-tenth:])


def page_ms(results: list[dict]) -> float:
    """The median over these harvests of their mean page time."""
    return 1000 * statistics.median(statistics.mean(r["times"]) for r in results)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    django_setup()
    from django.conf import settings

    from metadata.models import HarvestRecord, ManagedData
    from metadata.oai.rendering import datestamp

    print(f"database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    ensure_records(n)
    public = ManagedData.objects.public().count()
    size = settings.OAI_PAGE_SIZE
    stamps = HarvestRecord.objects.order_by("-datestamp").values_list("datestamp", flat=True)
    newest_tenth = datestamp(stamps[public // 10 - 1])
    in_field = HarvestRecord.objects.filter(field="189").count()
    from_count = HarvestRecord.objects.filter(datestamp__gte=stamps[public // 10 - 1].replace(microsecond=0)).count()
    queries = {**{prefix: f"verb=ListRecords&metadataPrefix={prefix}" for prefix in FORMATS},
               "set": "verb=ListRecords&metadataPrefix=jpcoar_2.0&set=field:189",
               "from": "verb=ListRecords&metadataPrefix=jpcoar_2.0&from=" + urllib.parse.quote(newest_tenth)}
    expected = {**{prefix: public for prefix in FORMATS}, "set": in_field, "from": from_count}
    raw, rounds = [], {name: [] for name in queries}
    server, base = start_server()
    try:
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc, timeout=120)
        for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3):
            raw.append(raw_limit(size)[0])
            for name, query in queries.items():
                result = harvest(connection, server, query)
                if result["records"] != expected[name]:
                    print(f"error={name}: harvested {result['records']} records of {expected[name]}", file=sys.stderr)
                    return 1
                rounds[name].append(result)
        peak = rss_mb(server.pid)[1]
    finally:
        server.terminate()
        server.wait(timeout=30)
    raw_rate = statistics.median(raw)

    def median_rate(name: str) -> float:
        return statistics.median(r["records"] / r["seconds"] for r in rounds[name])

    first = rounds["jpcoar_2.0"][0]
    counts = queries_per_page([{"verb": "ListRecords", "metadataPrefix": "jpcoar_2.0"}] + [
        {"verb": "ListRecords", "resumptionToken": t}
        for t in (first["tokens"][0], first["tokens"][len(first["tokens"]) // 2], first["tokens"][-1])])
    full = [r for prefix in FORMATS for r in rounds[prefix]]
    print(f"records={public}")
    print(f"page_size={size}")
    print(f"rounds={len(raw)}")
    print(f"raw_limit_records_per_s={raw_rate:.0f}")
    print(f"raw_limit_per_round={','.join(f'{rate:.0f}' for rate in raw)}")
    for prefix in FORMATS:
        print(f"records_per_s_{prefix}={median_rate(prefix):.0f}")
        print(f"ratio_{prefix}_to_raw={median_rate(prefix) / raw_rate:.2f}")
        print(f"records_per_s_{prefix}_per_round="
              + ",".join(f"{r['records'] / r['seconds']:.0f}" for r in rounds[prefix]))
    print(f"server_cpu_ms_per_page={1000 * sum(r['cpu'] for r in full) / sum(len(r['times']) for r in full):.1f}")
    for name in ("set", "from"):
        print(f"{name}_harvest_records={expected[name]}")
        print(f"{name}_harvest_records_per_s={median_rate(name):.0f}")
        print(f"{name}_harvest_page_ms={page_ms(rounds[name]):.1f}")
    print(f"full_harvest_page_ms={page_ms(full):.1f}")
    print(f"peak_rss_mb={peak:.1f}")
    print(f"rss_after_first_page_mb={first['rss'][0]:.1f}")
    print(f"rss_after_last_page_mb={rounds['from'][-1]['rss'][-1]:.1f}")
    print(f"queries_per_page={counts[-1]}")
    print(f"queries_first_second_middle_last_page={','.join(map(str, counts))}")
    # first and last tenth of every full harvest's pages, medians over the harvests
    heads, tails = zip(*(tenths(r["times"]) for r in full), strict=True)
    print(f"first_tenth_page_ms={statistics.median(heads):.1f}")
    print(f"last_tenth_page_ms={statistics.median(tails):.1f}")
    print(f"load_average_1m={os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
