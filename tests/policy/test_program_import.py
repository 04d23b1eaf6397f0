import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from policy.models import FundingProgram, ProgramRequirement
from policy.services import ProgramImportError, program_import_csv
from tests.factories import FunderFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "funder,program_name_ja,program_name_en,program_code,competitive,fiscal_year,dmp_required,metadata_required\n"
GOOD = HEADER + (
    "JST,ムーンショット型研究開発事業 目標1,Moonshot Goal 1,MJMS,yes,2023,yes,yes\n"
    "JST,ムーンショット型研究開発事業 目標1,Moonshot Goal 1,MJMS,yes,2024,yes,yes\n"
    "amed,革新的先端研究開発支援事業,AMED-CREST,,yes,2023,partly,no\n"
)


@pytest.fixture(autouse=True)
def funders():
    FunderFactory(code="JST")
    FunderFactory(code="AMED")


@pytest.fixture
def operator():
    return UserFactory(is_staff=True)


def test_import_creates_programs_and_requirements_and_reimport_updates_them(operator):
    result = program_import_csv(raw=GOOD.encode(), actor=operator)
    assert (result.programs_created, result.requirements_created) == (2, 3)
    goal1 = FundingProgram.objects.get(name_ja="ムーンショット型研究開発事業 目標1")
    assert goal1.code == "MJMS" and goal1.funder.code == "JST"
    assert ProgramRequirement.objects.get(program__funder__code="AMED").dmp_required == "partly"

    again = program_import_csv(raw=GOOD.replace("2024,yes,yes", "2024,no,no").encode(), actor=operator)
    assert (again.programs_created, again.programs_updated, again.requirements_updated) == (0, 2, 3)
    assert ProgramRequirement.objects.get(program=goal1, fiscal_year=2024).dmp_required == "no"


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(operator):
    bad = GOOD + (
        "XYZ,新規プログラム,,,yes,2023,yes,yes\n"  # row 5: unknown funder
        "JST,,,,yes,20x3,maybe,perhaps\n"  # row 6: name, year, level, flag
        "JST,長すぎるコード,,TOOLONG,yes,2023,yes,no\n"  # row 7: program code
        "JST,ムーンショット型研究開発事業 目標1,,,yes,2023,yes,yes\n"  # row 8: repeats row 2
    )
    with pytest.raises(ProgramImportError) as excinfo:
        program_import_csv(raw=bad.encode(), actor=operator)
    found = {(e.row, e.column) for e in excinfo.value.errors}
    assert found == {(5, "funder"), (6, "program_name_ja"), (6, "fiscal_year"), (6, "dmp_required"),
                     (6, "metadata_required"), (7, "program_code"), (8, "fiscal_year")}
    assert not FundingProgram.objects.exists() and not ProgramRequirement.objects.exists()


def test_header_problems_and_shift_jis_files(operator):
    with pytest.raises(ProgramImportError) as excinfo:
        program_import_csv(raw=b"funder,name\nJST,x\n", actor=operator)
    assert {e.column for e in excinfo.value.errors} >= {"program_name_ja", "fiscal_year", "dmp_required"}
    result = program_import_csv(raw=GOOD.encode("cp932"), actor=operator)
    assert result.rows == 3


def test_operator_imports_through_the_page_and_sees_row_errors(client, operator):
    operator.preferred_language = "ja"
    operator.save()
    client.force_login(operator)
    url = reverse("policy:program-import")
    response = client.post(url, {"file": SimpleUploadedFile("programs.csv", GOOD.encode())},
                           headers={"accept-language": "en"})
    assert response.status_code == 302 and FundingProgram.objects.count() == 2
    response = client.post(url, {"file": SimpleUploadedFile("programs.csv", (HEADER + "JST,x,,,yes,1999,yes,no\n")
                                                            .encode())}, headers={"accept-language": "ja"})
    html = response.content.decode()
    assert response.status_code == 200 and "<td>2</td><td>fiscal_year</td>" in html
    assert "「1999」は2023のような年度ではありません" in html  # in the operator's language


def test_only_operators_may_import(client):
    client.force_login(UserFactory())
    assert client.get(reverse("policy:program-import")).status_code == 403


def test_management_command_imports_or_lists_the_errors(tmp_path):
    path = tmp_path / "programs.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_programs", str(path), stdout=out)
    assert "rows=3" in out.getvalue()
    path.write_text(HEADER + "JST,x,,,yes,2023,sometimes,no\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_programs", str(path), stderr=err)
    assert "Row 2" in err.getvalue() and "dmp_required" in err.getvalue()
