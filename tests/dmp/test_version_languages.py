"""Review that reviewers trust (issue 16, acceptance 4): versions freeze language-neutral values, so two
versions submitted under different interface languages differ only where the plan changed; the diff
labels what changed and marks it within the text; each PDF speaks its own language."""

import io
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html as lxml_html
from pypdf import PdfReader

from dmp.services import dmp_save_answers, dmp_transition
from metadata.services import managed_data_update
from tests.factories import UserFactory

from .factories import complete, make_dmp

pytestmark = pytest.mark.django_db


def _switch_language(client, language):
    """The header's language switch, which a signed-in user's pages follow from then on."""
    assert client.post(reverse("set_language"), {"language": language, "next": "/"}).status_code == 302


def _submit(client, dmp):
    response = client.post(reverse("dmp:dmp-transition", args=[dmp.pk]), {"action": "submit"})
    assert response.status_code == 302, response.content.decode()[:2000]


def _resave_every_section(client, dmp):
    """Open each section of the editor and save it unchanged, as a researcher clicking "Save" does."""
    for number in range(1, dmp.template.sections.count() + 1):
        url = reverse("dmp:dmp-edit", args=[dmp.pk, number])
        form = client.get(url).context["form"]
        data = {name: form[name].value() for name in form.fields}
        if data:
            assert client.post(url, {k: v for k, v in data.items() if v is not None}).status_code == 302


@pytest.fixture
def colleague(db):
    return UserFactory(family_name_ja="佐藤", given_name_ja="花子", family_name_en="Sato", given_name_en="Hanako")


@pytest.fixture
def plan(templates, researcher, institution, colleague):
    """A complete DMP of `researcher` (山田 / Yamada) with a co-investigator, on the generic template."""
    return complete(make_dmp(pi=researcher, institution=institution, members=[colleague]))


@pytest.fixture
def two_languages(client, plan, reviewer):
    """Version 1 submitted with the Japanese interface, version 2 with the English one, nothing changed."""
    client.force_login(plan.project.pi)
    _switch_language(client, "ja")
    _submit(client, plan)
    dmp_transition(dmp_id=plan.pk, action="request_changes", actor=reviewer, message="確認のため再提出を")
    _switch_language(client, "en")
    _resave_every_section(client, plan)
    _submit(client, plan)
    return plan


def _diff(client, user, dmp, language, **query):
    client.force_login(user)
    _switch_language(client, language)
    response = client.get(reverse("dmp:dmp-diff", args=[dmp.pk]), query)
    assert response.status_code == 200
    return response


def _changed_rows(response):
    page = lxml_html.fromstring(response.content)
    return [(" ".join(row.xpath("string(th)").split()), row.xpath("string(td[@class='old'])"),
             row.xpath("string(td[@class='new'])"), lxml_html.tostring(row, encoding="unicode"))
            for row in page.xpath("//table[contains(@class, 'diff')]/tbody/tr[contains(@class, 'changed')]")]


@pytest.mark.parametrize("language,no_change", [("ja", "変更はありません"), ("en", "No changes")])
def test_versions_submitted_in_japanese_and_english_without_change_show_no_change(
        client, two_languages, reviewer, language, no_change):
    v1, v2 = two_languages.versions.order_by("number")
    def given(answers):  # saving a section stores its unanswered questions as ""
        return {key: value for key, value in answers.items() if value not in ("", [])}

    assert v1.project_snapshot == v2.project_snapshot and v1.datasets == v2.datasets
    assert given(v1.answers) == given(v2.answers)
    response = _diff(client, reviewer, two_languages, language)
    assert _changed_rows(response) == []
    assert response.context["changed"] == 0 and no_change in response.content.decode()
    # Every person is there, named in the reader's language.
    people = "山田 太郎" if language == "ja" else "Yamada"
    assert response.content.decode().count(people) >= 2 and ("佐藤 花子" if language == "ja" else "Hanako Sato") in (
        response.content.decode())


@pytest.mark.parametrize("language,expected", [
    ("ja", {"question": "研究フェーズ", "badge": "変更あり", "old": "計画時", "new": "研究中", "column": "アクセス権",
            "old_access": "公開", "new_access": "共有", "del": ["公開"], "ins": ["共有"]}),
    ("en", {"question": "Research phase", "badge": "changed", "old": "Planning", "new": "In progress",
            "column": "Access rights", "old_access": "Open", "new_access": "Shared",
            "del": ["Open"], "ins": ["Shared"]}),
])
def test_a_real_change_in_an_answer_and_a_dataset_row_shows_exactly_those_labelled(
        client, two_languages, reviewer, language, expected):
    dmp = two_languages
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="フェーズと公開範囲を")
    client.force_login(dmp.project.pi)
    _switch_language(client, "ja")
    url = reverse("dmp:dmp-edit", args=[dmp.pk, 1])
    form = client.get(url).context["form"]
    assert client.post(url, {**{n: form[n].value() for n in form.fields}, "research_phase": "in_progress"}
                       ).status_code == 302
    record = dmp.project.managed_data.get()
    managed_data_update(record_id=record.pk, actor=dmp.project.pi, data={"access_right": "restricted access"})
    _submit(client, dmp)

    response = _diff(client, reviewer, dmp, language, **{"from": 2, "to": 3})
    changed = _changed_rows(response)
    assert [row[0] for row in changed][:1] == [f"{expected['question']} {expected['badge']}"]
    assert len(changed) == 2
    (_, old, new, markup), (record_label, old_row, new_row, row_markup) = changed
    assert (old, new) == (expected["old"], expected["new"])
    assert f"<ins>{expected['new']}</ins>" in markup
    assert (("テストデータ" if language == "ja" else "Test data") in record_label)
    assert f"{expected['column']}: {expected['old_access']}" in old_row
    assert f"{expected['column']}: {expected['new_access']}" in new_row
    for raw in ("access_right", "restricted access", "open access", "title_ja", "in_progress"):
        assert raw not in row_markup + markup
    # The rest of the row is shared text: only the access right is marked.
    assert re.findall(r"<del>(.*?)</del>", row_markup) == expected["del"]
    assert re.findall(r"<ins>(.*?)</ins>", row_markup) == expected["ins"]
    # A reviewer can hide what stayed the same.
    only = _diff(client, reviewer, dmp, language, **{"from": 2, "to": 3, "changed": "1"})
    assert len(lxml_html.fromstring(only.content).xpath("//table[contains(@class, 'diff')]/tbody/tr")) == 2


def test_a_changed_paragraph_marks_only_the_changed_words(client, plan, reviewer):
    dmp = plan
    url = reverse("dmp:dmp-edit", args=[dmp.pk, 5])
    client.force_login(dmp.project.pi)
    form = client.get(url).context["form"]
    base = {n: form[n].value() for n in form.fields}
    base["classification"] = form["classification"].value()
    text = "Data are stored on the university server.\n観測データは大学のサーバーに保存する。"
    assert client.post(url, {**base, "scope": text}).status_code == 302
    _submit(client, dmp)
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="保存先を")
    new_text = "Data are stored on the university cloud.\n観測データは大学のクラウドに保存する。"
    assert client.post(url, {**base, "scope": new_text}).status_code == 302
    _submit(client, dmp)
    [(label, old, new, markup)] = _changed_rows(_diff(client, reviewer, dmp, "en"))
    assert label.startswith("Scope of the managed data") and (old, new) == (text, new_text)
    assert re.findall(r"<ins>(.*?)</ins>", markup) == ["cloud", "クラウド"]
    assert re.findall(r"<del>(.*?)</del>", markup) == ["server", "サーバー"]


def test_a_very_long_answer_is_compared_quickly_and_still_marks_the_change(client, plan, reviewer):
    """Long-text answers have no length limit; matching is quadratic, so only the part between the shared
    beginning and end is matched, and a long changed middle is shown changed as a whole."""
    pi = plan.project.pi
    paragraph = "".join(f"第{i}項：観測データは研究室のサーバーに保存し、毎週バックアップを取る。\n"
                        for i in range(2000))
    dmp_save_answers(dmp_id=plan.pk, actor=pi, answers={"scope": paragraph, "acquisition_method": paragraph})
    dmp_transition(dmp_id=plan.pk, action="submit", actor=pi)
    dmp_transition(dmp_id=plan.pk, action="request_changes", actor=reviewer, message="直してください")
    rewritten = "".join(f"{i}. Data are kept on the laboratory server.\n" for i in range(2000))
    dmp_save_answers(dmp_id=plan.pk, actor=pi, answers={"scope": paragraph.replace("第1000項：観測", "第1000項：実験"),
                                                        "acquisition_method": rewritten})
    dmp_transition(dmp_id=plan.pk, action="submit", actor=pi)
    started = time.monotonic()
    rows = _changed_rows(_diff(client, reviewer, plan, "ja"))
    assert time.monotonic() - started < 10
    scope = next(row for row in rows if row[0].startswith("管理対象データの範囲"))
    assert re.findall(r"<del>(.*?)</del>", scope[3]) == ["観測"]
    assert re.findall(r"<ins>(.*?)</ins>", scope[3]) == ["実験"]
    method = next(row for row in rows if row[0].startswith("データの取得または収集方法"))
    assert (method[1], method[2]) == (paragraph.strip(), rewritten.strip())  # stored without the last line break


def _pdf_text(client, dmp, language, number):
    response = client.get(reverse("dmp:dmp-pdf", args=[dmp.pk]), {"lang": language, "version": number})
    assert response["Content-Type"] == "application/pdf"
    return re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))


def test_each_pdf_names_people_and_choices_in_its_own_language(client, two_languages):
    """Version 2 was submitted with the English interface; its Japanese PDF is Japanese throughout."""
    dmp, pi = two_languages, two_languages.project.pi
    client.force_login(pi)
    ja, en = _pdf_text(client, dmp, "ja", 2), _pdf_text(client, dmp, "en", 2)
    for phrase in ("山田太郎", "佐藤花子", "計画時", "新規", "情報通信", "公開"):
        assert phrase in ja, phrase
    for phrase in (pi.name_en, "HanakoSato", "Planning", "Informatics"):
        assert phrase.replace(" ", "") not in ja, phrase
    for phrase in (pi.name_en, "HanakoSato", "Planning", "New", "Informatics"):
        assert phrase.replace(" ", "") in en, phrase
    for phrase in ("山田太郎", "佐藤花子", "計画時"):
        assert phrase not in en, phrase


def _visible_text(content) -> set[str]:
    """The text of the page's main part (the shared header and footer are tested with the layout)."""
    page = lxml_html.fromstring(content)
    for node in page.xpath("//script|//style|//template"):
        node.drop_tree()
    texts = {" ".join(t.split()) for t in page.xpath("//main//text()")}
    texts |= {" ".join(v.split()) for v in page.xpath("//main//@title|//main//@aria-label|//main//@placeholder")}
    return {t for t in texts if re.search(r"[A-Za-z]{2,}", t)}


def test_version_and_diff_pages_show_no_english_interface_text_in_japanese(client, two_languages, reviewer):
    """Text that reads the same on the Japanese and the English page is untranslated, unless it is data."""
    dmp = two_languages
    data = {dmp.project.grant_number, dmp.project.pi.email, *dmp.project.members.values_list("user__email", flat=True)}
    client.force_login(reviewer)
    for url in (reverse("dmp:dmp-diff", args=[dmp.pk]), reverse("dmp:dmp-version", args=[dmp.pk, 2])):
        pages = {}
        for language in ("ja", "en"):
            _switch_language(client, language)
            pages[language] = _visible_text(client.get(url).content)
        shared = {t for t in pages["ja"] & pages["en"] if not any(d in t for d in data)}
        assert shared == set(), url


def test_version_list_costs_the_same_queries_with_more_versions(client, plan, reviewer, django_assert_num_queries):
    client.force_login(reviewer)
    url = plan.get_absolute_url()

    def resubmit(times):
        for _ in range(times):
            dmp_transition(dmp_id=plan.pk, action="submit", actor=plan.project.pi)
            dmp_transition(dmp_id=plan.pk, action="request_changes", actor=reviewer, message="もう一度")

    resubmit(2)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    resubmit(6)
    with django_assert_num_queries(len(queries)):
        response = client.get(url)
    assert len(response.context["versions"]) == 8
