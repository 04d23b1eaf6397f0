"""The dashboards' copies on managed-data records (program, funder, research field with the project's
resolved, DOI or not, fiscal year) and on DMPs (department, institution, funder) stay equal to what they
copy, whichever service writes."""

import datetime

import pytest

from dmp.services import project_update, template_load_shipped
from metadata.models import ManagedData
from metadata.services import managed_data_create, managed_data_update
from metadata.sheet.services import sheet_import_file
from tests.dmp.factories import make_dmp
from tests.factories import DepartmentFactory, FundingProgramFactory, make_record
from tests.metadata.conftest import demo_user, sheet_csv, sheet_rows

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
