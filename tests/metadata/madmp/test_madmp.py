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
from django.urls import reverse
from django.utils import translation

from dmp.models import DMP, Project
from metadata.madmp.services import madmp_export, madmp_import
from metadata.services import managed_data_create
from tests.dmp.factories import make_dmp
from tests.factories import FundingProgramFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.schemas]


def standard() -> Path:
    return Path(str(settings.SCHEMA_DIR)) / "rda-dmp-common-standard"


@pytest.fixture
def validator():
    schema = json.loads((standard() / "JSON-schema/1.2/maDMP-schema-1.2.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_demo_dmp_exports_valid_madmp(demo, validator):
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


EXAMPLES = sorted(str(p.relative_to(standard())) for p in (*standard().glob("ex*.json"),
                                                            *standard().glob("v1.1-examples/ex*.json")))


def _again(document: dict, actor, program) -> DMP:
    """Import `document` after removing what an earlier import of it made."""
    grant = document["dmp"]["project"][0]["funding"][0]["grant_id"]["identifier"]
    project = Project.objects.get(grant_number__iexact=grant)
    project.managed_data.all().delete()
    DMP.objects.filter(project=project).delete()
    Project.objects.filter(pk=project.pk).delete()
    return madmp_import(data=copy.deepcopy(document), actor=actor, program=program)


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_of_both_versions_imports_and_round_trips_without_loss(templates, researcher, name,
                                                                             validator):
    data = json.loads((standard() / name).read_text())
    program = FundingProgramFactory()
    dmp = madmp_import(data=copy.deepcopy(data), actor=researcher, program=program, grant_number="JPEXAMPLE1")
    assert dmp.project.managed_data.count() == len(data["dmp"]["dataset"])
    assert dmp.display_title == data["dmp"]["title"]
    first = madmp_export(dmp=dmp, viewer=dmp.project.pi)
    assert list(validator.iter_errors(first)) == []
    for exported, original in zip(first["dmp"]["dataset"], data["dmp"]["dataset"], strict=True):
        for key in ("personal_data", "sensitive_data", "dataset_id", "description", "security_and_privacy",
                    "technical_resource", "metadata", "keyword"):
            assert exported.get(key) == original.get(key), key
        for dist, source in zip(exported.get("distribution", []), original.get("distribution", []), strict=True):
            assert (dist.get("format"), dist.get("available_until")) == (source.get("format"),
                                                                         source.get("available_until"))
    known = {c["mbox"].lower() for c in first["dmp"]["contributor"]}
    assert {c["mbox"].lower() for c in data["dmp"].get("contributor", [])} <= known
    if "description" in (data["dmp"].get("project") or [{}])[0]:
        assert first["dmp"]["project"][0]["description"] == data["dmp"]["project"][0]["description"]
    assert madmp_export(dmp=_again(first, researcher, program), viewer=researcher) == first


def test_every_demo_dmp_round_trips(demo, validator):
    for dmp in DMP.objects.select_related("project__pi", "project__program"):
        grant = dmp.project.grant_number
        # the demo project keeps its DMP's history: import the file as another project's
        first = json.loads(json.dumps(madmp_export(dmp=dmp, viewer=dmp.project.pi)).replace(grant, f"{grant.upper()}9"))
        again = madmp_import(data=copy.deepcopy(first), actor=dmp.project.pi, program=dmp.project.program)
        assert list(validator.iter_errors(first)) == []
        assert madmp_export(dmp=again, viewer=again.project.pi) == first, grant


def test_a_reimport_finds_the_project_whatever_the_case_of_its_grant_number(templates, researcher):
    data = json.loads((standard() / "ex3-dataset-finished.json").read_text())
    program = FundingProgramFactory()
    madmp_import(data=copy.deepcopy(data), actor=researcher, program=program, grant_number="JP21KM0908001")
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            madmp_import(data=data, actor=researcher, program=program, grant_number="jp21km0908001")
        assert "JP21KM0908001 already has a DMP" in str(error.value)
    assert Project.objects.filter(grant_number__iexact="JP21km0908001").count() == 1


@pytest.mark.parametrize(("body", "message"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 32 levels"),
    (b'{"dmp": {"title": ' + b"9" * 5000 + b"}}", "more than 30 digits"),
    (b'{"dmp": NaN}', "not a JSON number"),
    (b'{"dmp": {"title": "' + b"x" * 2_100_000 + b'"}}', "larger than 2000 kB"),
])
def test_uploads_that_would_cost_too_much_are_refused_clearly(client, templates, researcher, body, message):
    client.force_login(researcher)
    program = FundingProgramFactory()
    response = client.post(reverse("madmp:madmp-import") + f"?program={program.pk}&grant_number=JPB1", body,
                           content_type="application/json")
    assert response.status_code == 400 and message in response.json()["detail"]
    page = client.post(reverse("madmp:madmp-upload"), {"file": SimpleUploadedFile("x.json", body),
                                                        "program": program.pk})
    assert page.status_code == 200 and message in page.content.decode()
    assert not DMP.objects.exists()


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
