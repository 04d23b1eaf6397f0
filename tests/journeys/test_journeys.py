"""Acceptance 1, 2 and 3 of #16, in Chromium, in Japanese and in English: each role, from sign-in to its main job
done, with the inbox counts on the home page before and after each step; every Japanese page on the way
shows no English interface text (compared with the same page in English, the test's own data left out);
axe-core finds no WCAG 2.1 A/AA violation on any page on the way, at 1 280 px and at 375 px."""

import pytest
from django.utils import timezone, translation

from dmp.models import DMP, DMPTemplate, TemplateQuestion
from dmp.services import dmp_transition, template_load_shipped
from metadata.deposit.models import DepositJob
from metadata.models import ManagedData
from policy.models import DataPolicy
from policy.services import data_policy_create
from portal.models import Role
from tests.dmp.factories import complete, make_dmp
from tests.factories import FundingProgramFactory, InstitutionFactory, ProjectFactory, make_record, user_with_role
from tests.metadata.deposit.fixtures import fakes, make_repository  # noqa: F401

from .conftest import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSTITUTION = {"name_ja": "瀬戸内大学", "name_en": "Setouchi University"}


def person(role, institution=None, funder=None, *, ja, en, email, language):
    return user_with_role(role, institution=institution, funder=funder, email=email, preferred_language=language,
                          family_name_ja=ja[0], given_name_ja=ja[1], family_name_en=en[0], given_name_en=en[1])


@pytest.fixture
def journey(browser, live_server, language, request):
    role = request.node.originalname.removeprefix("test_").split("_")[0]
    journey = Journey(browser, live_server, role, language)
    # The test's own writes happen in the journey's language, as the users' own would (a policy's history
    # keeps its reasons in the language of the one who wrote it).
    with translation.override(language):
        yield journey
    journey.close()
    assert not journey.server_errors
    assert not journey.violations, "axe-core (WCAG 2.1 A/AA):\n" + "\n".join(journey.violations)


def test_researcher_writes_and_submits_a_dmp_then_submits_a_record(journey):
    template_load_shipped()
    template = DMPTemplate.objects.get(key="jsps-kakenhi")
    institution = InstitutionFactory(**INSTITUTION)
    program = FundingProgramFactory(funder=template.funder, name_ja="基盤研究(B)", name_en="Kiban B")
    researcher = person(Role.RESEARCHER, institution, ja=("研究", "花子"), en=("Kenkyu", "Hanako"),
                        email="hanako@setouchi.example.ac.jp", language=journey.language)
    journey.data += [*INSTITUTION.values(), "Kiban B", "Uzushio corpus", "Uzushio speech corpus", "JP24K01234"]
    page = journey.sign_in(researcher)
    assert journey.inbox() == {}
    journey.look()

    # A new DMP: the project first, then the answers, section by section.
    page.goto(journey.url("/dmps/new/"))
    journey.look()
    page.fill('[name="project-grant_number"]', "JP24K01234")
    page.fill('[name="project-name_ja"]', "渦潮話し言葉コーパス")
    page.fill('[name="project-name_en"]', "Uzushio speech corpus")
    page.select_option('[name="project-program"]', str(program.pk))
    page.select_option('[name="project-research_field"]', "900")
    page.fill('[name="project-start_date"]', "2024-04-01")
    page.fill('[name="project-end_date"]', "2027-03-31")
    journey.act("Create the DMP")
    dmp = DMP.objects.get(project__grant_number="JP24K01234")
    assert page.url.endswith(f"/dmps/{dmp.pk}/edit/1/")
    journey.look()
    for key, value in (("created_date", "2024-04-01"), ("updated_date", "2024-04-15")):
        question = TemplateQuestion.objects.get(section__template=template, key=key)
        page.get_by_label(question.label_ja if journey.language == "ja" else question.label_en).fill(value)
    journey.act("Save this section")
    # The data the plan lists, registered as a draft record of the project.
    make_record(project=dmp.project, title_ja="渦潮コーパス", title_en="Uzushio corpus", data_no="1")
    assert journey.inbox() == {"dmp-drafts": 1, "records-drafts": 1}
    journey.look("inbox")

    # Submit the DMP from the inbox's link.
    journey.follow(page.locator('[data-inbox="dmp-drafts"] li a').first)
    journey.look("dmp")
    journey.act("Submit for review")
    assert DMP.objects.get(pk=dmp.pk).status == "submitted"
    journey.look()
    assert journey.inbox() == {"records-drafts": 1}

    # Submit the record for curation (its form checked on the way).
    journey.follow(page.locator('[data-inbox="records-drafts"] li a').first)
    journey.look()
    record_url = page.url
    page.goto(f"{record_url}edit/")
    journey.look()
    page.goto(record_url)
    journey.act("Submit for curation")
    assert ManagedData.objects.get(project=dmp.project).status == "submitted"
    journey.look()
    assert journey.inbox() == {}
    for path in ("/data/mine/", "/dmps/"):
        page.goto(journey.url(path))
        journey.look()
    journey.assert_no_english_on_japanese_pages()


def test_reviewer_comments_requests_changes_and_approves(journey):
    template_load_shipped()
    institution = InstitutionFactory(**INSTITUTION)
    researcher = person(Role.RESEARCHER, institution, ja=("研究", "花子"), en=("Kenkyu", "Hanako"),
                        email="hanako@setouchi.example.ac.jp", language=journey.language)
    reviewer = person(Role.REVIEWER, institution, ja=("審査", "一郎"), en=("Shinsa", "Ichiro"),
                      email="ichiro@setouchi.example.ac.jp", language=journey.language)
    template = DMPTemplate.objects.get(key="jsps-kakenhi")
    program = FundingProgramFactory(funder=template.funder, name_ja="基盤研究(B)", name_en="Kiban B")
    dmp = complete(make_dmp(pi=researcher, institution=institution, template=template, program=program))
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=researcher)
    journey.data += [*INSTITUTION.values(), dmp.project.grant_number, dmp.project.program.name_en, "Test project",
                     "Test data", "テスト課題", "テストデータ"]
    page = journey.sign_in(reviewer)
    assert journey.inbox() == {"dmp-review": 1, "unread": 1}
    journey.look()
    page.goto(journey.url("/dmps/review/"))
    journey.look()
    page.goto(journey.url("/notifications/"))
    journey.look()

    # From the notification to the DMP; a comment beside one answer of the submitted version.
    journey.follow(page.locator(".notifications li.unread a").first)
    assert page.url.endswith(dmp.get_absolute_url())
    journey.look("dmp")
    # Beside the question on the DMP page where it offers a comment form there, else on the version's page.
    beside = page.locator('[data-question-comment="sharing_details"]')
    if beside.count():
        page.locator("#q-sharing_details summary").click()
    else:
        journey.follow(page.get_by_role("link", name=journey.t("Version %(number)s") % {"number": 1}))
        journey.look()
        beside = page.locator("#q-sharing_details .comment-form")
    beside.locator("textarea").fill("公開の時期を具体的に。 Say when the data is shared.")
    journey.data.append("公開の時期を具体的に。 Say when the data is shared.")
    journey.follow(beside.locator("button[type=submit]"))
    page.get_by_text(journey.t("Your comment was added.")).wait_for()
    assert dmp.versions.get().comments.get().question_key == "sharing_details"
    journey.look()
    assert journey.inbox() == {"dmp-review": 1}

    # Request changes: the DMP leaves the reviewer's inbox and reaches the researcher's.
    page.goto(journey.url(dmp.get_absolute_url()))
    page.locator("#message-request_changes").fill("公開方針を具体的に。 Make the sharing policy specific.")
    journey.data.append("公開方針を具体的に。 Make the sharing policy specific.")
    journey.act("Request changes")
    assert DMP.objects.get(pk=dmp.pk).status == "changes_requested"
    journey.look()
    assert journey.inbox() == {}

    # The researcher resubmits (a new notification); the reviewer approves.
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=researcher)
    assert journey.inbox() == {"dmp-review": 1, "unread": 1}
    journey.follow(page.locator('[data-inbox="dmp-review"] li a').first)
    journey.act("Approve")
    assert DMP.objects.get(pk=dmp.pk).status == "approved"
    journey.look()
    assert journey.inbox() == {"unread": 1}
    page.goto(journey.url("/dashboards/dmp-review/"))
    journey.look()
    journey.assert_no_english_on_japanese_pages()


def test_librarian_publishes_three_records_at_once_and_deposits_one(journey, fakes):  # noqa: F811
    institution = InstitutionFactory(**INSTITUTION)
    librarian = person(Role.LIBRARIAN, institution, ja=("司書", "良子"), en=("Shisho", "Yoshiko"),
                       email="yoshiko@setouchi.example.ac.jp", language=journey.language)
    records = [make_record(project=ProjectFactory(institution=institution, name_ja=f"渦潮研究{n}",
                                                  name_en=f"Uzushio study {n}"),
                           status="submitted", title_ja=f"渦潮観測データ{n}", title_en=f"Uzushio observations {n}")
               for n in "ABC"]
    repository = make_repository("inveniordm", fakes["inveniordm"], institution)
    journey.data += [*INSTITUTION.values(), "Test inveniordm",
                     *(s for r in records for s in (r.title_ja, r.title_en, r.project.name_ja, r.project.name_en,
                                                   r.project.grant_number)),
                     "Daily dialogue corpus", "Transcribed dialogues", "Cite as Yamada (2025).", "Taro Yamada",
                     "テスト大学", "Research program"]
    page = journey.sign_in(librarian)
    assert journey.inbox() == {"curation": 3, "unread": 3}  # a notification of each submission
    journey.look()

    # Bulk publish from the curation queue.
    journey.follow(page.locator('[data-inbox="curation"] h2 a'))
    journey.look("curation")
    page.locator("#select-all").check()
    page.select_option('[name="action"]', "publish")
    journey.act("Apply to the selected records")
    assert page.locator("tr.done").count() == 3
    journey.look(twin=False)
    assert set(ManagedData.objects.values_list("status", flat=True)) == {"published"}
    assert journey.inbox() == {"unread": 3}

    # Deposit one: the repository refuses the first attempt, the failure waits in the inbox, a retry succeeds.
    fakes["inveniordm"].fail_next(1, "401")
    page.goto(journey.url(records[0].get_absolute_url()))
    journey.look()
    page.select_option('[name="repository"]', str(repository.pk))
    journey.act("Deposit")
    job = DepositJob.objects.get()
    assert job.state == "failed"
    journey.look()
    assert journey.inbox() == {"deposits-failed": 1, "unread": 3}
    journey.follow(page.locator('[data-inbox="deposits-failed"] li a').first)
    journey.act("Retry the deposit")
    job.refresh_from_db()
    assert job.state == "succeeded"
    journey.look("deposit")
    assert journey.inbox() == {"unread": 3}
    page.goto(journey.url("/deposits/"))
    journey.look()
    journey.assert_no_english_on_japanese_pages()


def test_admin_adopts_a_data_policy(journey):
    institution = InstitutionFactory(**INSTITUTION)
    admin = person(Role.INSTITUTION_ADMIN, institution, ja=("管理", "次郎"), en=("Kanri", "Jiro"),
                   email="jiro@setouchi.example.ac.jp", language=journey.language)
    policy = data_policy_create(institution=institution, actor=admin, data={
        "title_ja": "瀬戸内大学研究データポリシー", "title_en": "Setouchi University research data policy",
        "version": "2.0", "document_url": "https://www.setouchi.example.ac.jp/rdm/policy.pdf",
        "summary_ja": "研究データを適切に管理し、公開する。",
        "summary_en": "Manage research data well and share it."})
    journey.data += [*INSTITUTION.values(), policy.title_ja, policy.title_en, policy.summary_ja, policy.summary_en]
    page = journey.sign_in(admin)
    assert journey.inbox() == {}
    journey.look()
    page.goto(journey.url(f"/institutions/{institution.pk}/policies/"))
    journey.look()
    journey.follow(page.get_by_role("link", name=policy.title_ja if journey.language == "ja" else policy.title_en))
    journey.look("policy")
    page.locator('[name="adopted_on"]').fill(timezone.localdate().isoformat())
    journey.act("Adopt")
    policy.refresh_from_db()
    assert (policy.status, policy.adopted_on) == (DataPolicy.Status.ADOPTED, timezone.localdate())
    journey.look()
    page.goto(journey.url("/policies/"))
    assert page.get_by_role("link", name=policy.title_ja if journey.language == "ja" else policy.title_en).count()
    journey.look()
    assert journey.inbox() == {}
    journey.assert_no_english_on_japanese_pages()


def test_funder_officer_reads_the_dashboard_and_downloads_csv(journey):
    institution = InstitutionFactory(**INSTITUTION)
    program = FundingProgramFactory(name_ja="渦潮創発研究", name_en="Uzushio Frontier Program", code="MJUZ",
                                    funder__code="UZF", funder__name_ja="渦潮研究機構",
                                    funder__name_en="Uzushio Research Agency")
    officer = person(Role.FUNDER_OFFICER, funder=program.funder, ja=("配分", "三郎"), en=("Haibun", "Saburo"),
                     email="saburo@uzushio.example.go.jp", language=journey.language)
    project = ProjectFactory(institution=institution, program=program, name_ja="渦潮の観測", name_en="Uzushio watch")
    make_record(project=project, status="published", title_ja="渦潮観測データ", title_en="Uzushio observations")
    journey.data += [*INSTITUTION.values(), "Uzushio Frontier Program", "Uzushio Research Agency", "Uzushio watch",
                     "Uzushio observations", "UZF", "MJUZ", project.grant_number]
    page = journey.sign_in(officer)
    assert journey.inbox() == {}
    journey.look()
    page.goto(journey.url("/dashboards/"))
    journey.look()
    funder = program.funder.name_ja if journey.language == "ja" else program.funder.name_en
    journey.follow(page.get_by_role("link", name=journey.t("Funder dashboard: %(name)s") % {"name": funder}))
    journey.look()
    journey.follow(page.get_by_role("link", name=journey.t("DMP compliance")).first)
    journey.look("compliance")
    assert "渦潮の観測" in page.content() or "Uzushio watch" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name=journey.t("Download CSV")).last.click()  # the table of projects
    csv = download.value.path().read_text(encoding="utf-8-sig")
    assert project.grant_number in csv
    assert journey.inbox() == {}
    journey.assert_no_english_on_japanese_pages()

