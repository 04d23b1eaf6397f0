"""The dashboards' copies on managed-data records (program, funder, research field with the project's
resolved, latest version, DOI or not, fiscal year) and on DMPs (department, institution, funder) stay equal to
what they copy, whichever path writes: the services, and writes that call none (QuerySet.update, bulk_create,
a plain save), since the database keeps them (`metadata.db_triggers`)."""

import csv
import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from dmp.models import DMP, Project
from dmp.services import project_update, template_load_shipped
from metadata.models import ManagedData
from metadata.services import (
    managed_data_create,
    managed_data_new_version,
    managed_data_transition,
    managed_data_update,
)
from metadata.sheet.services import sheet_import_file
from policy.models import FundingProgram
from portal.models import Role
from tests.dmp.factories import make_dmp
from tests.factories import (
    DepartmentFactory,
    FunderFactory,
    FundingProgramFactory,
    ProjectFactory,
    make_record,
    user_with_role,
)
from tests.metadata.conftest import demo_user, sheet_csv, sheet_rows
from tests.metadata.dashboard_factories import bulk_records

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.metadata.oai.fixtures"]


def copies(record) -> tuple:
    record.refresh_from_db()
    return record.program_id, record.funder_id, record.effective_field


def expected(record, field=None) -> tuple:
    project = record.project
    project.refresh_from_db()
    return project.program_id, project.program.funder_id, field or project.research_field


def test_creating_and_editing_a_record_keeps_the_copies(db):
    record = make_record()  # research field: the project's
    assert copies(record) == expected(record)
    managed_data_update(record_id=record.pk, actor=record.project.pi, data={"research_field": "189"})
    assert copies(record) == expected(record, "189")
    managed_data_update(record_id=record.pk, actor=record.project.pi, data={"research_field": "project"})
    assert copies(record) == expected(record)


def test_changing_the_projects_program_or_field_updates_its_records(db):
    template_load_shipped()
    dmp = make_dmp()
    project, pi = dmp.project, dmp.project.pi
    own = managed_data_create(project=project, actor=pi, data={"title_ja": "独自分野", "research_field": "189"})
    inherited = managed_data_create(project=project, actor=pi, data={"title_ja": "課題の分野"})
    dmp.refresh_from_db()
    assert (dmp.department_id, dmp.institution_id, dmp.funder_id) == (
        None, project.institution_id, project.program.funder_id)
    other, department = FundingProgramFactory(), DepartmentFactory(institution=project.institution)
    project_update(dmp_id=dmp.pk, actor=pi, data={"program": other, "research_field": "900",
                                                  "department": department}, members=[])
    assert copies(inherited) == (other.pk, other.funder_id, "900")
    assert copies(own) == (other.pk, other.funder_id, "189")
    dmp.refresh_from_db()
    assert (dmp.department_id, dmp.institution_id, dmp.funder_id) == (
        department.pk, project.institution_id, other.funder_id)


def test_the_sheet_imports_bulk_path_sets_the_copies(demo):
    user = demo_user(language="en")
    draft = ManagedData.objects.filter(status="draft").select_related("project").first()
    rows = sheet_rows(2, grant=draft.project.grant_number)
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert result.ok and len(result.created) == 2
    for record in ManagedData.objects.filter(project=draft.project, data_no__startswith="new-"):
        assert copies(record) == expected(record, "289")  # 情報通信 in the sheet


def test_has_doi_follows_the_doi(db):
    record = make_record()
    assert ManagedData.objects.get(pk=record.pk).has_doi is False
    ManagedData.objects.filter(pk=record.pk).update(doi="10.9999/example")
    assert ManagedData.objects.get(pk=record.pk).has_doi is True


@pytest.mark.parametrize(("created", "fiscal_year"), [
    ("2025-03-31T14:59:59+00:00", 2024),  # 23:59:59 on 31 March, Japan time
    ("2025-03-31T15:00:00+00:00", 2025),  # 00:00 on 1 April, Japan time
    ("2026-01-15T03:00:00+00:00", 2025),
    ("2026-12-31T20:00:00+00:00", 2026),  # 1 January 2027, Japan time: still fiscal 2026
])
def test_the_fiscal_year_is_the_japanese_one_of_the_creation_time(db, created, fiscal_year):
    record = make_record()
    ManagedData.objects.filter(pk=record.pk).update(created_at=datetime.datetime.fromisoformat(created))
    assert ManagedData.objects.get(pk=record.pk).fiscal_year == fiscal_year


def dashboard(client, url_name, table, **params) -> dict[str, str]:
    """A dashboard table's CSV as {row label: records counted}."""
    response = client.get(reverse(url_name), {**params, "format": "csv", "table": table},
                          headers={"accept-language": "en"})
    assert response.status_code == 200
    return {row[0]: row[6] for row in list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]}


def by_program(client, **params) -> dict[str, str]:
    return dashboard(client, "dashboards:managed-data", "by-program", by="program", **params)


def test_writes_that_call_no_service_keep_the_dashboards_right(client):
    jst, other_funder = FunderFactory(code="JST"), FunderFactory(code="OTHER")
    program = FundingProgramFactory(funder=jst, name_en="Program A")
    moved_to = FundingProgramFactory(funder=jst, name_en="Program B")
    project = ProjectFactory(program=program, research_field="289")
    records = bulk_records([project], 4)  # bulk_create: no service, no copies given
    assert by_program(client)["JST Program A"] == "4"
    assert dashboard(client, "dashboards:managed-data", "by-field", by="field") == {
        "Informatics": "2", "Life Science": "2", "All records": "4"}

    Project.objects.filter(pk=project.pk).update(program=moved_to, research_field="900")
    assert "JST Program A" not in by_program(client) and by_program(client)["JST Program B"] == "4"
    assert dashboard(client, "dashboards:managed-data", "by-field", by="field") == {
        "Humanities & Social Sciences": "2", "Life Science": "2", "All records": "4"}

    FundingProgram.objects.filter(pk=moved_to.pk).update(funder=other_funder)
    assert by_program(client)["OTHER Program B"] == "4"
    assert by_program(client, funder="JST") == {"All records": "0"}

    record = records[0]  # a plain save that sends stale or wrong copies
    ManagedData.objects.filter(pk=record.pk).update(program=program, funder=jst, effective_field="189",
                                                    latest_version=False)
    record = ManagedData.objects.get(pk=record.pk)
    record.program, record.funder, record.effective_field = program, jst, "999"
    record.save()
    record.refresh_from_db()
    assert (record.program_id, record.funder_id, record.effective_field, record.latest_version) == (
        moved_to.pk, other_funder.pk, "189", True)
    assert by_program(client)["OTHER Program B"] == "4"


def test_a_version_published_by_a_plain_update_stands_for_its_record(client):
    first = make_record(status="published")
    librarian = user_with_role(Role.LIBRARIAN, institution=first.project.institution)
    second = managed_data_new_version(record_id=first.pk, actor=first.project.pi)
    family = ManagedData.objects.filter(pk__in=[first.pk, second.pk])
    assert set(family.filter(latest_version=True).values_list("pk", flat=True)) == {first.pk}
    ManagedData.objects.filter(pk=second.pk).update(status="published")  # no service
    assert set(family.filter(latest_version=True).values_list("pk", flat=True)) == {second.pk}
    ManagedData.objects.filter(pk=second.pk).update(status="withdrawn")
    assert set(family.filter(latest_version=True).values_list("pk", flat=True)) == {first.pk}
    third = managed_data_new_version(record_id=first.pk, actor=first.project.pi)
    managed_data_transition(record_id=third.pk, action="submit", actor=first.project.pi)
    managed_data_transition(record_id=third.pk, action="publish", actor=librarian)
    family = ManagedData.objects.filter(pk__in=[first.pk, second.pk, third.pk])
    assert set(family.filter(latest_version=True).values_list("pk", flat=True)) == {third.pk}
    ManagedData.objects.filter(pk=third.pk).delete()
    assert set(family.filter(latest_version=True).values_list("pk", flat=True)) == {first.pk}
    assert by_program(client)["All records"] == "1"


def test_a_dmp_follows_its_project_whatever_writes(db):
    template_load_shipped()
    dmp = make_dmp()
    project = dmp.project
    department = DepartmentFactory(institution=project.institution)
    other = FundingProgramFactory()
    Project.objects.filter(pk=project.pk).update(department=department, program=other)
    dmp.refresh_from_db()
    assert (dmp.department_id, dmp.institution_id, dmp.funder_id) == (
        department.pk, project.institution_id, other.funder_id)
    new_funder = FunderFactory()
    FundingProgram.objects.filter(pk=other.pk).update(funder=new_funder)
    DMP.objects.filter(pk=dmp.pk).update(funder=None, department=None)  # a write that forgets the copies
    assert DMP.objects.filter(pk=dmp.pk, funder=new_funder, department=department).exists()


@pytest.mark.skipif(connection.vendor != "postgresql" or os.environ.get("PORTAL_TRIGGER_CHECK") == "sqlite",
                    reason="runs the tests above on SQLite when they run on PostgreSQL")
def test_the_same_holds_on_sqlite(tmp_path):
    """The demo database is SQLite: run this module's tests there too (a fresh migrated database)."""
    env = {**os.environ, "PORTAL_TRIGGER_CHECK": "sqlite", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    tests = [f"{__file__}::{name}" for name in (
        "test_writes_that_call_no_service_keep_the_dashboards_right",
        "test_a_version_published_by_a_plain_update_stands_for_its_record",
        "test_a_dmp_follows_its_project_whatever_writes", "test_creating_and_editing_a_record_keeps_the_copies")]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                            cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_triggers_name_the_state_and_field_code_the_models_use():
    """The trigger bodies are SQL text: if the published state's or "the project's field" code changed in
    the models, the triggers would silently stop counting; this fails first."""
    from metadata import db_triggers
    from metadata.vocabularies import PROJECT_FIELD, Status

    for sql in ("\n".join(db_triggers.POSTGRESQL), "\n".join(db_triggers.SQLITE)):
        assert f"status = '{Status.PUBLISHED.value}'" in sql
        assert f"research_field = '{PROJECT_FIELD}'" in sql
