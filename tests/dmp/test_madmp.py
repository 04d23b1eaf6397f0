"""Acceptance 3: maDMP export validates against RDA DMP Common Standard 1.2; export → import → export is
identical; every example of the standard imports; malformed files get errors naming the JSON path."""

import copy
import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from dmp.models import DMP, Project
from metadata.madmp import madmp_export, madmp_import
from metadata.services import managed_data_create
from tests.factories import FundingProgramFactory, UserFactory

from .factories import make_dmp

pytestmark = [pytest.mark.django_db, pytest.mark.schemas]


def standard() -> Path:
    return Path(str(settings.SCHEMA_DIR)) / "rda-dmp-common-standard"


@pytest.fixture
def validator():
    schema = json.loads((standard() / "JSON-schema/1.2/maDMP-schema-1.2.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_demo_dmp_exports_valid_madmp(validator):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    dmps = DMP.objects.select_related("project")
    assert dmps.count() >= 6
    for dmp in dmps:
        document = madmp_export(dmp=dmp, viewer=dmp.project.pi)
        assert list(validator.iter_errors(document)) == [], dmp.project.grant_number
        assert len(document["dmp"]["dataset"]) == dmp.project.managed_data.count()


def _rich_dmp(templates):
    colleague = UserFactory(email="steward@example.ac.jp", orcid="0000-0002-1825-0097")
    dmp = make_dmp(program=FundingProgramFactory(funder=templates["jst"].funder), members=[colleague])
    pi = dmp.project.pi
    people = [{"kind": "creator", "name_ja": "山田 太郎", "erad_researcher_number": "30413925"},
              {"kind": "creator", "name_en": "Jane Roe", "orcid": "0000-0002-1825-0097"}]
    for no, fields in enumerate([
        {"access_right": "open access", "license": "CCBY", "repository_url": "https://doi.org/10.1234/abcd",
         "repository_info_ja": "機関リポジトリ", "issued_date": datetime.date(2025, 4, 1), "file_size": "1.5GB",
         "data_type": "experimental data"},
        {"access_right": "embargoed access", "embargo_until": datetime.date.today() + datetime.timedelta(days=90),
         "license": "CC0"},
        {"access_right": "restricted access", "license": "NO_LICENSE", "file_size": "<10GB"},
        {"access_right": "metadata only access"},
        {},
    ], start=1):
        managed_data_create(project=dmp.project, actor=pi, people=people, data={
            "data_no": str(no), "title_ja": f"データ{no}", "description_ja": f"説明{no}", **fields})
    dmp.answers = {}
    return dmp


def test_export_import_export_is_identical(templates, validator):
    dmp = _rich_dmp(templates)
    pi, program = dmp.project.pi, dmp.project.program
    first = madmp_export(dmp=dmp, viewer=dmp.project.pi)
    assert list(validator.iter_errors(first)) == []
    assert {d["distribution"][0]["data_access"] for d in first["dmp"]["dataset"] if "distribution" in d} == {
        "open", "shared", "closed"}
    project = dmp.project
    project.managed_data.all().delete()
    DMP.objects.filter(pk=dmp.pk).delete()
    Project.objects.filter(pk=project.pk).delete()

    imported = madmp_import(data=copy.deepcopy(first), actor=pi, program=program, research_field="289")
    assert imported.status == "draft" and imported.project.managed_data.filter(status="draft").count() == 5
    assert madmp_export(dmp=imported, viewer=imported.project.pi) == first


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(str(settings.SCHEMA_DIR)) /
                                                         "rda-dmp-common-standard").glob("ex*.json")))
def test_every_example_of_the_standard_imports(templates, researcher, name, validator):
    data = json.loads((standard() / name).read_text())
    dmp = madmp_import(data=data, actor=researcher, program=FundingProgramFactory(), grant_number="JPEXAMPLE1")
    assert dmp.project.managed_data.count() == len(data["dmp"]["dataset"])
    assert dmp.display_title == data["dmp"]["title"]
    assert list(validator.iter_errors(madmp_export(dmp=dmp, viewer=dmp.project.pi))) == []


def test_malformed_file_gets_errors_naming_the_json_path(templates, researcher):
    data = json.loads((standard() / "ex8-dmp-minimal-content.json").read_text())
    del data["dmp"]["dmp_id"]
    data["dmp"]["ethical_issues_exist"] = "maybe"
    data["dmp"]["dataset"][0]["title"] = 42
    data["dmp"]["created"] = "yesterday"
    with pytest.raises(ValidationError) as error:
        madmp_import(data=data, actor=researcher, program=FundingProgramFactory(), grant_number="JPX1")
    assert set(error.value.message_dict) == {"dmp.dmp_id", "dmp.ethical_issues_exist", "dmp.dataset[0].title",
                                             "dmp.created"}
    assert not DMP.objects.exists()


def test_file_without_japan_grant_number_says_where(templates, researcher):
    data = json.loads((standard() / "ex1-header-fundedProject.json").read_text())
    with pytest.raises(ValidationError) as error:
        madmp_import(data=data, actor=researcher, program=FundingProgramFactory())
    assert list(error.value.message_dict) == ["dmp.project[0].funding[0].grant_id.identifier"]


def test_api_export_and_import(client, templates, researcher):
    dmp = make_dmp(pi=researcher, program=FundingProgramFactory())
    client.force_login(researcher)
    exported = client.get(reverse("madmp:madmp-export", args=[dmp.pk]))
    assert exported.status_code == 200 and exported.json()["dmp"]["project"][0]["title"] == "テスト課題"
    program = FundingProgramFactory()
    data = json.loads((standard() / "ex7-dataset-many.json").read_text())
    url = reverse("madmp:madmp-import") + f"?program={program.pk}&grant_number=JPAPI1"
    created = client.post(url, data, content_type="application/json")
    assert created.status_code == 201
    data["dmp"]["language"] = "klingon"
    bad = client.post(reverse("madmp:madmp-import") + f"?program={program.pk}&grant_number=JPAPI2", data,
                      content_type="application/json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["dmp.language"]


def test_upload_page(client, templates, researcher):
    client.force_login(researcher)
    program = FundingProgramFactory()
    upload = SimpleUploadedFile("x.json", (standard() / "ex3-dataset-finished.json").read_bytes())
    response = client.post(reverse("madmp:madmp-upload"), {"file": upload, "program": program.pk,
                                                            "grant_number": "JPUP1"})
    assert response.status_code == 302
    broken = SimpleUploadedFile("x.json", b'{"dmp": {"title": 1}}')
    response = client.post(reverse("madmp:madmp-upload"), {"file": broken, "program": program.pk,
                                                            "grant_number": "JPUP2"})
    assert response.status_code == 400 and "dmp.dmp_id" in response.content.decode()
    not_json = SimpleUploadedFile("x.json", b"{oops")
    response = client.post(reverse("madmp:madmp-upload"), {"file": not_json, "program": program.pk})
    assert response.status_code == 200 and "JSON" in response.content.decode()
