"""Dashboards at scale: generates 1 000 000 managed-data records over 100 000 projects, and a DMP for each
project (in every review state, with approvals and departments), on PostgreSQL (INSERT … SELECT
generate_series, in the database itself), then requests every dashboard page and prints
`<dashboard>_p50_ms`, `<dashboard>_p95_ms`, `<dashboard>_queries` and last `max_p95_ms`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python bench/dashboards.py

The data are generated once per database (a second run reuses them). Exits non-zero if it could not
measure (not PostgreSQL, or a page did not answer 200)."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dmp.models import DMP, DMPTemplate, Project  # noqa: E402
from metadata.models import ManagedData  # noqa: E402
from portal.models import Department, Funder, Institution, Role, RoleAssignment, User  # noqa: E402

RECORDS = int(os.environ.get("BENCH_RECORDS", 1_000_000))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", 100_000))
INSTITUTIONS = 200
USERS = 2_000
RUNS = int(os.environ.get("BENCH_RUNS", 30))
KINDS = [k for k, _ in Institution.Kind.choices]
PG_SETTINGS = {"random_page_cost": "1.1", "jit": "off"}
FIELDS = ["189", "289", "389", "489", "589", "689", "789", "889", "900", "1000", "9999"]


def _insert(model, count: int, overrides: dict, extra_from: str = "") -> None:
    """INSERT … SELECT FROM generate_series(1, count) g: `overrides` gives SQL per column; every other
    column gets NULL, false or '' as its type allows."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.generated:
            continue
        if field.column in overrides:
            expr = overrides[field.column]
        elif field.null:
            expr = "NULL"
        elif isinstance(field, models.BooleanField):
            expr = "false"
        elif isinstance(field, models.JSONField):
            expr = f"'{json.dumps(field.get_default())}'"
        elif isinstance(field, (models.CharField, models.TextField)):
            expr = "''"
        elif isinstance(field, models.DateTimeField):
            expr = "now()"
        elif isinstance(field, models.IntegerField) and field.has_default():
            expr = str(field.get_default())
        else:
            raise SystemExit(f"bench: no value for {model.__name__}.{field.column}")
        columns.append(connection.ops.quote_name(field.column))
        values.append(expr)
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} "
           f"FROM generate_series(1, {count}) g {extra_from}")
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _array(table: str, where: str) -> str:
    return f"(SELECT array_agg(id ORDER BY id) AS a FROM {table} WHERE {where})"


def generate() -> None:
    if ManagedData.objects.count() >= RECORDS:
        return
    started = time.monotonic()
    call_command("load_demo", stdout=open(os.devnull, "w"))  # funders, 141 programs, policies, demo users
    inst = _array("portal_institution", "code LIKE 'B%'")
    users = _array("portal_user", "email LIKE 'bench%'")
    programs = _array("policy_fundingprogram", "true")
    projects = _array("dmp_project", "grant_number LIKE 'JPBENCH%'")
    kinds = "ARRAY[" + ",".join(f"'{k}'" for k in KINDS) + "]"
    _insert(Institution, INSTITUTIONS, {
        "name_ja": "'ベンチ機関' || g", "name_en": "'Bench institution ' || g",
        "kind": f"({kinds})[1 + g % {len(KINDS)}]", "code": "'B' || lpad(g::text, 9, '0')"})
    _insert(User, USERS, {"email": "'bench' || g || '@bench.example.ac.jp'", "password": "'!'",
                          "preferred_language": "'ja'", "date_joined": "now()"})
    fields = "ARRAY[" + ",".join(f"'{f}'" for f in FIELDS) + "]"
    _insert(Project, PROJECTS, {
        "institution_id": f"i.a[1 + g % {INSTITUTIONS}]", "program_id": "p.a[1 + g % array_length(p.a, 1)]",
        "grant_number": "'JPBENCH' || lpad(g::text, 7, '0')", "name_ja": "'ベンチ課題' || g",
        "research_field": f"({fields})[1 + g % {len(FIELDS)}]", "pi_id": f"u.a[1 + g % {USERS}]",
        "created_at": "now()"},
        f", {inst} i, {programs} p, {users} u")
    access = "ARRAY['open access','restricted access','metadata only access','embargoed access','open access']"
    statuses = ("ARRAY['published','published','published','published','published','published','published',"
                "'draft','submitted','returned','withdrawn','published']")
    _insert(ManagedData, RECORDS - ManagedData.objects.count(), {
        "project_id": f"pr.a[1 + g % {PROJECTS}]",
        "institution_id": f"i.a[1 + (1 + g % {PROJECTS}) % {INSTITUTIONS}]",
        "title_ja": "'ベンチデータ' || g", "title_en": "'Bench dataset ' || g",
        "research_field": f"CASE WHEN g % 2 = 0 THEN 'project' ELSE ({fields})[1 + g % {len(FIELDS)}] END",
        "data_type": "'dataset'", "provision_policy": "'free'", "license": "'CCBY'",
        "access_right": f"({access})[1 + g % 5]",
        "embargo_until": "CASE WHEN g % 5 = 3 THEN current_date + (g % 500 - 100) END",
        "remarks_ja": "CASE WHEN g % 10 = 2 THEN '個人情報を含むため' ELSE '' END",
        "data_manager_type": "'individual'", "metadata_access": "'open access'",
        "status": f"({statuses})[1 + g % 12]", "created_by_id": f"u.a[1 + g % {USERS}]",
        "created_at": "now() - (g % 3000) * interval '1 day'", "updated_at": "now()", "datestamp": "now()",
        "doi": "CASE WHEN g % 5 < 2 THEN '10.99999/bench.' || g ELSE '' END",
    }, f", {projects} pr, {inst} i, {users} u")  # the dashboards' copies: the database's triggers fill them
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"generate_s={time.monotonic() - started:.1f}")


DEPARTMENTS_PER_INSTITUTION = 5
# Review states of the generated DMPs, cycled: 20 % draft, 20 % submitted, 10 % changes requested,
# 45 % approved, 5 % withdrawn.
DMP_STATES = ["draft", "draft", "draft", "draft", "submitted", "submitted", "submitted", "submitted",
              "changes_requested", "changes_requested", *["approved"] * 9, "withdrawn"]


def generate_dmps() -> None:
    """A DMP for every generated project (departments for the projects first), and an approval with its
    review round for every approved one."""
    if DMP.objects.filter(project__grant_number__startswith="JPBENCH").exists():
        return
    started = time.monotonic()
    inst = _array("portal_institution", "code LIKE 'B%'")
    _insert(Department, INSTITUTIONS * DEPARTMENTS_PER_INSTITUTION, {
        "institution_id": f"i.a[1 + g % {INSTITUTIONS}]", "name_ja": "'ベンチ部局' || g",
        "name_en": "'Bench department ' || g"}, f", {inst} i")
    template = DMPTemplate.objects.filter(status=DMPTemplate.Status.PUBLISHED).order_by("pk").first()
    states = "ARRAY[" + ",".join(f"'{s}'" for s in DMP_STATES) + "]"
    with connection.cursor() as cursor:
        cursor.execute(f"""UPDATE dmp_project p SET department_id = (SELECT d.id FROM portal_department d
            WHERE d.institution_id = p.institution_id ORDER BY d.id OFFSET p.id % {DEPARTMENTS_PER_INSTITUTION}
            LIMIT 1) WHERE p.grant_number LIKE 'JPBENCH%'""")
        cursor.execute(f"""INSERT INTO dmp_dmp (project_id, template_id, status, answers, title, external_id,
            external_id_type, madmp_extension, created_by_id, created_at, updated_at, submitted_at)
            SELECT p.id, {template.pk}, s.state, '{{}}', '', '', '', '{{}}', p.pi_id,
                   now() - (p.id % 700) * interval '1 day', now(),
                   CASE WHEN s.state IN ('submitted', 'changes_requested', 'approved')
                        THEN now() - (p.id % 200) * interval '1 day' END
            FROM dmp_project p,
                 LATERAL (SELECT ({states})[1 + p.id % {len(DMP_STATES)}] AS state) s
            WHERE p.grant_number LIKE 'JPBENCH%'""")
        cursor.execute("""INSERT INTO dmp_dmptransition (dmp_id, actor_id, action, from_status, to_status, message,
            at, round_started_at, duty_override)
            SELECT d.id, d.created_by_id, 'approve', 'submitted', 'approved', '',
                   d.submitted_at + (1 + d.id % 60) * interval '1 day', d.submitted_at - (d.id % 20) * interval '1 day',
                   false
            FROM dmp_dmp d WHERE d.status = 'approved'""")
        cursor.execute("VACUUM ANALYZE")
    print(f"generate_dmps_s={time.monotonic() - started:.1f}")


def measure(client: Client, url: str) -> tuple[float, float, int]:
    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"bench: {url} answered {response.status_code}")
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)], len(queries)


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench: set DATABASE_URL=postgres://… (this benchmark needs PostgreSQL)")
    call_command("migrate", verbosity=0)
    generate()
    generate_dmps()
    # The PostgreSQL settings the README recommends for the dashboards: the data are in memory or on
    # SSD (so index-only scans are cheap), and JIT compilation costs more than it saves on these queries.
    with connection.cursor() as cursor:
        for setting, value in PG_SETTINGS.items():
            cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                           f"SET {setting} = {value}")
            cursor.execute(f"SET {setting} = {value}")
            print(f"pg_{setting}={value}")
    operator = User.objects.get(email="operator@demo.example.ac.jp")
    institution = Institution.objects.filter(code__startswith="B").order_by("code").first()
    admin, _ = User.objects.get_or_create(email="bench-admin@bench.example.ac.jp")
    RoleAssignment.objects.get_or_create(user=admin, role=Role.INSTITUTION_ADMIN, institution=institution)
    jst = Funder.objects.get(code="JST")
    officer, _ = User.objects.get_or_create(email="bench-officer@bench.example.jst.go.jp")
    RoleAssignment.objects.get_or_create(user=officer, role=Role.FUNDER_OFFICER, funder=jst)
    clients = {"anonymous": Client(), "operator": Client(), "admin": Client(), "officer": Client()}
    clients["operator"].force_login(operator)
    clients["admin"].force_login(admin)
    clients["officer"].force_login(officer)
    print(f"records={ManagedData.objects.count()}")
    print(f"projects={Project.objects.count()}")
    print(f"dmps={DMP.objects.count()}")
    pages = [
        ("policy_adoption", "anonymous", "/dashboards/policy-adoption/"),
        ("program_requirements", "anonymous", "/dashboards/program-requirements/"),
        *[(f"managed_data_by_{by}", "anonymous", f"/dashboards/managed-data/?by={by}")
          for by in ("year", "field", "funder", "program", "institution")],
        ("managed_data_filtered", "anonymous", "/dashboards/managed-data/?by=program&fiscal_year=2022&funder=JST"),
        ("compliance", "operator", "/dashboards/compliance/"),
        ("institution", "admin", f"/dashboards/institutions/{institution.pk}/"),
        ("institution_compliance", "admin", f"/dashboards/institutions/{institution.pk}/compliance/"),
        ("funder", "officer", "/dashboards/funders/JST/?by=program"),
        ("funder_compliance", "officer", "/dashboards/funders/JST/compliance/"),
        ("records_drilldown", "anonymous", "/dashboards/records/?access=open&by=year&value=2022"),
        ("dmp_review", "operator", "/dashboards/dmp-review/"),
        ("dmp_review_institution", "admin", "/dashboards/dmp-review/"),
        ("dmp_review_funder", "officer", "/dashboards/dmp-review/"),
        ("dmp_review_drilldown", "operator", "/dashboards/dmp-review/dmps/?state=submitted&age=gt90"),
    ]
    worst = 0.0
    for name, who, url in pages:
        p50, p95, queries = measure(clients[who], url)
        worst = max(worst, p95)
        print(f"{name}_p50_ms={p50:.1f}")
        print(f"{name}_p95_ms={p95:.1f}")
        print(f"{name}_queries={queries}")
        sys.stdout.flush()
    print(f"max_p95_ms={worst:.1f}")


if __name__ == "__main__":
    main()
