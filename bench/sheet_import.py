"""Import a generated 50 000-row metadata sheet (CSV) through the sheet import service, all or nothing,
on the database DATABASE_URL names: first as new records, then again with every row changed (a title and
the creators), so that both write paths are measured. Prints rows_per_s (new rows validated and saved per
second), update_rows_per_s, and for each the CPU seconds of this process and of its PostgreSQL backend (read
from /proc when the server runs on this machine) with the rows per CPU-second of both together: on a shared
machine compare CPU time, and wall time only under the same load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_oai_bench python bench/sheet_import.py [rows]"""

import csv
import io
import os
import sys
import time
import uuid
from pathlib import Path

from _server import django_setup


def sheet(columns, grant: str, rows: int, revision: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _key, header in columns])
    for i in range(rows):
        values = {key: "" for key, _header in columns}
        values.update(
            grant_number=grant, data_no=str(i + 1), title_ja=f"シートのデータ {i + 1}",
            title_en=f"Sheet dataset {i + 1}{revision}",
            issued_date="2026-01-15", description_en="Imported by the bench.", research_field="情報通信",
            data_type="データセット", file_size="10GB", provision_policy="無償", license="CC BY 4.0",
            citation_en=f"Bench (2026) Sheet dataset {i + 1}", access_right="公開",
            repository_url=f"https://repo.example.ac.jp/{i + 1}",
            creators="計測 太郎|Taro Keisoku" + (";計測 花子|Hanako Keisoku" if revision else ""),
            creator_numbers="12345678", hosting_institution_ja="シート大学", data_managers="計測 太郎|Taro Keisoku",
            contact_email="rdm@sheet.example.ac.jp", data_manager_type="個人", metadata_access="公開",
        )
        writer.writerow([values[key] for key, _header in columns])
    return "\ufeff".encode() + out.getvalue().encode()


def backend_cpu(connection) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend serving `connection`, 0 when it is not local."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    rows_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    django_setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import get_resolver

    from dmp.models import Project
    from metadata.models import ManagedData
    from metadata.sheet.columns import layout
    from metadata.sheet.services import sheet_import_file
    from policy.models import FundingProgram
    from portal.models import Funder, Institution, User

    print(f"database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    call_command("migrate", verbosity=0)
    institution, _ = Institution.objects.get_or_create(
        code="9999999998", defaults={"name_ja": "シート大学", "name_en": "Sheet University", "kind": "other"})
    funder, _ = Funder.objects.get_or_create(code="SHEETF", defaults={"name_ja": "シート財団", "name_en": "Sheet Fund"})
    program, _ = FundingProgram.objects.get_or_create(funder=funder, name_ja="シート事業")
    user, _ = User.objects.get_or_create(email="sheet-bench@example.ac.jp", defaults={"preferred_language": "en"})
    grant = "JPSHEET" + uuid.uuid4().hex[:10].upper()  # a fresh project: every row creates a record
    project = Project.objects.create(grant_number=grant, institution=institution, program=program, pi=user,
                                     name_en="Sheet bench", research_field="289")
    get_resolver().resolve("/")  # the URLs load once per process, as in a running server or worker
    columns = layout("portal", "ja")
    print(f"rows={rows_wanted}")
    for label, revision in (("", ""), ("update_", " (revised)")):
        content = sheet(columns, grant, rows_wanted, revision)
        started, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu(connection)
        result = sheet_import_file(user=user, content=content, filename="bench.csv", dry_run=False, language="en")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        db_cpu = backend_cpu(connection) - db_cpu
        saved = ManagedData.objects.filter(project=project, title_en__endswith=revision).count()
        done = len(result.updated if revision else result.created)
        if not result.ok or saved != rows_wanted or done != rows_wanted:
            print(f"error={label}saved {saved} of {rows_wanted}; first problems: {result.errors[:3]}", file=sys.stderr)
            return 1
        print(f"{label}file_mb={len(content) / 1e6:.1f}")
        print(f"{label}total_s={elapsed:.2f}")
        print(f"{label}rows_per_s={rows_wanted / elapsed:.0f}")
        print(f"{label}python_cpu_s={cpu:.2f}")  # this process only
        print(f"{label}rows_per_cpu_s={rows_wanted / cpu:.0f}")
        print(f"{label}db_cpu_s={db_cpu:.2f}")  # its PostgreSQL backend
        print(f"{label}rows_per_total_cpu_s={rows_wanted / (cpu + db_cpu):.0f}")
        print(f"{label}load_average_1m={os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
