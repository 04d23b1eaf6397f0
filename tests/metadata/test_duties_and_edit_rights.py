"""Separation of duties and edit rights (issue #12): nobody decides on their own plan or curates their own
record, whatever other roles they hold (operators may, and it is recorded); only the PI and the members who
may edit write a project's managed data, on the pages, the API and the sheet import; and editing a record
keeps its people's links to their portal users."""

import csv
import io
from html import escape as html_escape

import lxml.html
import pytest
from django.urls import reverse

from dmp.models import DMPTransition, ProjectMember
from dmp.services import dmp_submit, template_load_shipped
from metadata.files.models import DataFile
from metadata.models import CurationEvent, ManagedData, RecordPerson
from metadata.services import managed_data_update
from metadata.sheet.selectors import sheet_records
from metadata.sheet.services import sheet_export_csv, sheet_import_file
from portal.models import Role, RoleAssignment
from tests.dmp.factories import complete, make_dmp
from tests.factories import InstitutionFactory, ProjectFactory, UserFactory, make_record, user_with_role

pytest.register_assert_rewrite("tests.metadata.files.fixtures")
pytest_plugins = ["tests.metadata.files.fixtures"]
from tests.metadata.files.fixtures import TUS, add_file, metadata_header  # noqa: E402

OVERRIDE = "operator override of the separation of duties"
WRITE_REFUSAL_EN = "Only the project's PI and the members who may edit can create and change its managed data."
WRITE_REFUSAL_JA = "このプロジェクトの管理データを登録・変更できるのは、研究代表者と編集を許可されたメンバーだけです。"


@pytest.fixture
def institution(db):
    template_load_shipped()
    return InstitutionFactory()


def as_user(client, user):
    client.logout()
    client.force_login(user)
    return client


def submitted_dmp(institution, *, pi=None, members=()):
    dmp = complete(make_dmp(pi=pi, institution=institution, members=members))
    dmp_submit(dmp_id=dmp.pk, actor=dmp.project.pi)
    return dmp


def decide(client, dmp, action, message="Looks fine."):
    name = {"approve": "dmp:dmp-api-approve", "request_changes": "dmp:dmp-api-request-changes"}[action]
    return client.post(reverse(name, args=[dmp.pk]), {"message": message}, content_type="application/json")


# --- Separation of duties: DMPs ---------------------------------------------------------------------------

DMP_REFUSALS = {
    ("approve", "en"): "You cannot approve a plan you are a member of.",
    ("request_changes", "en"): "You cannot request changes on a plan you are a member of.",
    ("approve", "ja"): "自分がメンバーである計画は承認できません。",
    ("request_changes", "ja"): "自分がメンバーである計画に修正を依頼することはできません。",
}


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("action", ["approve", "request_changes"])
@pytest.mark.parametrize("place", ["pi", "member"])
def test_a_reviewer_who_is_also_a_researcher_cannot_decide_on_their_own_plan(client, institution, place, action,
                                                                           language):
    both = user_with_role(Role.REVIEWER, institution=institution, preferred_language=language)
    RoleAssignment.objects.create(user=both, role=Role.RESEARCHER, institution=institution)
    dmp = submitted_dmp(institution, **({"pi": both} if place == "pi" else {"members": [both]}))
    as_user(client, both)

    response = decide(client, dmp, action)
    assert response.status_code == 403
    assert response.json()["detail"] == DMP_REFUSALS[action, language]

    page = client.get(dmp.get_absolute_url()).content.decode()
    assert "action-approve" not in page and "action-request_changes" not in page
    posted = client.post(reverse("dmp:dmp-transition", args=[dmp.pk]), {"action": action, "message": "Fine."})
    assert posted.status_code == 400 and DMP_REFUSALS[action, language] in posted.content.decode()
    dmp.refresh_from_db()
    assert dmp.status == "submitted" and not dmp.transitions.filter(action=action).exists()


def test_another_reviewer_still_decides_on_that_plan(client, institution):
    both = user_with_role(Role.REVIEWER, institution=institution)
    dmp = submitted_dmp(institution, members=[both])
    reviewer = user_with_role(Role.REVIEWER, institution=institution)
    as_user(client, reviewer)
    page = client.get(dmp.get_absolute_url()).content.decode()
    assert "action-approve" in page and "action-request_changes" in page
    assert decide(client, dmp, "approve").status_code == 200
    transition = DMPTransition.objects.get(dmp=dmp, action="approve")
    assert not transition.duty_override
    assert OVERRIDE not in client.get(dmp.get_absolute_url()).content.decode()


def test_an_operator_may_approve_their_own_plan_and_the_override_is_recorded(client, institution):
    operator = UserFactory(is_superuser=True, is_staff=True, preferred_language="en")
    dmp = submitted_dmp(institution, members=[operator])
    as_user(client, operator)
    assert "action-approve" in client.get(dmp.get_absolute_url()).content.decode()
    assert decide(client, dmp, "approve").status_code == 200
    transition = DMPTransition.objects.get(dmp=dmp, action="approve")
    assert transition.duty_override and transition.actor == operator
    page = client.get(dmp.get_absolute_url()).content.decode()
    assert OVERRIDE in page


# --- Separation of duties: managed-data records ---------------------------------------------------------

RECORD_REFUSALS = {
    "publish": "You cannot publish a record of which you are one of the people.",
    "return": "You cannot return a record of which you are one of the people.",
    "withdraw": "You cannot withdraw a record of which you are one of the people.",
}
STATE_BEFORE = {"publish": "submitted", "return": "submitted", "withdraw": "published"}


def own_record(institution, librarian, place, action):
    """A record in the state `action` applies to, of which the librarian is one of the people."""
    pi = librarian if place == "pi" else UserFactory()
    project = ProjectFactory(institution=institution, pi=pi)
    if place == "project_member":
        ProjectMember.objects.create(project=project, user=librarian, can_edit=True)
    people = [{"kind": "creator", "name_en": "Taro Yamada", "erad_researcher_number": "12345678"},
              {"kind": "data_manager", "name_en": "Hanako Sato", "user": librarian if place == "person" else None}]
    colleague = user_with_role(Role.LIBRARIAN, institution=institution)
    return make_record(project=project, status=STATE_BEFORE[action], librarian=colleague, people=people)


@pytest.mark.parametrize("action", ["publish", "return", "withdraw"])
@pytest.mark.parametrize("place", ["pi", "project_member", "person"])
def test_a_librarian_who_is_also_a_researcher_cannot_curate_their_own_record(client, institution, place, action):
    librarian = user_with_role(Role.LIBRARIAN, institution=institution, preferred_language="en")
    RoleAssignment.objects.create(user=librarian, role=Role.RESEARCHER, institution=institution)
    record = own_record(institution, librarian, place, action)
    as_user(client, librarian)

    response = client.post(f"/api/v1/managed-data/{record.pk}/{action}/", {"message": "Because."},
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == RECORD_REFUSALS[action]

    button = reverse("metadata:managed-data-transition", args=[record.pk, action])
    assert button not in client.get(record.get_absolute_url()).content.decode()
    page = client.post(button, {"message": "Because."}, follow=True).content.decode()
    assert RECORD_REFUSALS[action] in page
    record.refresh_from_db()
    assert record.status == STATE_BEFORE[action]
    assert not record.curation_events.filter(action=action).exists()

    colleague = user_with_role(Role.LIBRARIAN, institution=institution)
    as_user(client, colleague)
    assert button in client.get(record.get_absolute_url()).content.decode()  # another librarian may


def test_the_refusal_is_in_japanese_for_a_japanese_librarian(client, institution):
    librarian = user_with_role(Role.LIBRARIAN, institution=institution, preferred_language="ja")
    record = own_record(institution, librarian, "pi", "publish")
    response = as_user(client, librarian).post(f"/api/v1/managed-data/{record.pk}/publish/", {},
                                               content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "自分が関係者であるレコードは公開できません。"


def test_an_operator_may_publish_their_own_record_and_the_override_is_recorded(client, institution):
    operator = UserFactory(is_superuser=True, is_staff=True, preferred_language="en")
    record = own_record(institution, operator, "person", "publish")
    as_user(client, operator)
    response = client.post(f"/api/v1/managed-data/{record.pk}/publish/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "published"
    event = CurationEvent.objects.get(record=record, action="publish")
    assert event.duty_override and event.actor == operator
    assert OVERRIDE in client.get(record.get_absolute_url()).content.decode()


def test_a_librarian_s_ordinary_publication_records_no_override(client, institution):
    record = make_record(project=ProjectFactory(institution=institution), status="published")
    event = CurationEvent.objects.get(record=record, action="publish")
    assert not event.duty_override
    as_user(client, UserFactory(is_superuser=True, is_staff=True))
    assert OVERRIDE not in client.get(record.get_absolute_url()).content.decode()


# --- Edit rights -------------------------------------------------------------------------------------------

class ReadOnlyMember:
    """A project with a draft record, a member who may not edit and one who may."""

    def __init__(self):
        self.project = ProjectFactory()
        self.reader = UserFactory(preferred_language="en")
        self.editor = UserFactory(preferred_language="en")
        ProjectMember.objects.create(project=self.project, user=self.reader, can_edit=False)
        ProjectMember.objects.create(project=self.project, user=self.editor, can_edit=True)
        self.record = make_record(project=self.project, data_no="D-77")


@pytest.fixture
def team(db):
    return ReadOnlyMember()


def api_writes(client, team, record):
    """Every write the API offers on the project's managed data, as (name, response)."""
    detail = f"/api/v1/managed-data/{record.pk}/"
    yield "create", client.post("/api/v1/managed-data/", {"project": team.project.pk, "data_no": "new",
                                                           "title_ja": "新しいデータ"}, content_type="application/json")
    yield "patch", client.patch(detail, {"title_ja": "変えた題名"}, content_type="application/json")
    yield "put", client.put(detail, {"project": team.project.pk, "data_no": "D-77", "title_ja": "変えた題名"},
                            content_type="application/json")
    yield "people", client.patch(detail, {"people": [{"kind": "creator", "name_en": "Someone Else"}]},
                                 content_type="application/json")
    yield "upload", client.post(reverse("files:api-uploads", args=[record.pk]), HTTP_UPLOAD_LENGTH="10",
                                HTTP_UPLOAD_METADATA=metadata_header(filename="extra.csv"), **TUS)
    data_file = DataFile.objects.get(record=record)
    yield "delete file", client.delete(reverse("files:api-files-detail", args=[record.pk, data_file.pk]))
    complete_draft = make_record(project=team.project, data_no=f"S-{record.pk}")
    yield "submit", client.post(f"/api/v1/managed-data/{complete_draft.pk}/submit/", {},
                                content_type="application/json")


def test_a_member_without_may_edit_gets_403_with_the_reason_for_every_api_write(client, team):
    add_file(team.record, team.project.pi)
    as_user(client, team.reader)
    before = (team.record.title_ja, list(team.record.people.values_list("name_en")))
    for name, response in api_writes(client, team, team.record):
        assert response.status_code == 403, name
        assert response.json()["detail"] == WRITE_REFUSAL_EN, name
    team.record.refresh_from_db()
    assert (team.record.title_ja, list(team.record.people.values_list("name_en"))) == before
    assert not ManagedData.objects.filter(data_no="new").exists()
    assert not ManagedData.objects.exclude(status="draft").exists()
    assert DataFile.objects.filter(record=team.record).count() == 1


def test_a_member_without_may_edit_cannot_start_a_new_version(client, team):
    published = make_record(project=team.project, status="published", data_no="P-1")
    response = as_user(client, team.reader).post(f"/api/v1/managed-data/{published.pk}/new-version/")
    assert response.status_code == 403
    assert as_user(client, team.editor).post(f"/api/v1/managed-data/{published.pk}/new-version/").status_code == 201


def test_a_member_who_may_edit_makes_the_same_writes(client, team):
    add_file(team.record, team.project.pi)
    as_user(client, team.editor)
    statuses = {name: response.status_code for name, response in api_writes(client, team, team.record)}
    assert statuses == {"create": 201, "patch": 200, "put": 200, "people": 200, "upload": 201, "delete file": 204,
                        "submit": 200}


def test_a_member_without_may_edit_gets_no_form_on_the_pages(client, team):
    add_file(team.record, team.project.pi)
    as_user(client, team.reader)
    edit_url = reverse("metadata:managed-data-edit", args=[team.record.pk])
    detail = client.get(team.record.get_absolute_url()).content.decode()
    assert team.record.title_ja in detail  # they read it
    assert edit_url not in detail
    assert reverse("metadata:managed-data-transition", args=[team.record.pk, "submit"]) not in detail
    mine = client.get(reverse("metadata:managed-data-mine")).content.decode()
    assert reverse("metadata:managed-data-create") not in mine

    for url in (edit_url, reverse("metadata:managed-data-create") + f"?project={team.project.pk}"):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert html_escape(WRITE_REFUSAL_EN) in html
        assert 'name="title_ja"' not in html  # no form
    client.post(edit_url, {"title_ja": "変えた題名", "save": "1"})
    client.post(reverse("metadata:managed-data-create"), {"project": team.project.pk, "title_ja": "新", "save": "1"})
    client.post(reverse("metadata:managed-data-transition", args=[team.record.pk, "submit"]))
    client.post(reverse("files:delete", args=[team.record.pk, DataFile.objects.get().pk]))
    team.record.refresh_from_db()
    assert team.record.title_ja == "日常対話コーパス" and team.record.status == "draft"
    assert ManagedData.objects.count() == 1 and DataFile.objects.count() == 1

    as_user(client, team.editor)
    assert edit_url in client.get(team.record.get_absolute_url()).content.decode()
    assert 'name="title_ja"' in client.get(edit_url).content.decode()


def sheet_with_change_and_new_row(team) -> bytes:
    """The record's row as exported, its title changed, and a second row for a new record."""
    exported = sheet_export_csv(records=sheet_records(user=team.editor).filter(pk=team.record.pk), language="ja")
    header, row = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    changed = [("変えた題名" if cell == "日常対話コーパス" else cell) for cell in row]
    new = [("D-78" if cell == "D-77" else cell) for cell in row]
    out = io.StringIO()
    csv.writer(out).writerows([header, changed, new])
    return "\ufeff".encode() + out.getvalue().encode()


def test_a_member_without_may_edit_gets_a_row_error_for_every_row_of_a_sheet_import(team):
    content = sheet_with_change_and_new_row(team)
    result = sheet_import_file(user=team.reader, content=content, filename="s.csv", dry_run=False, language="ja")
    assert [error["row"] for error in result.errors] == [2, 3]
    assert all(WRITE_REFUSAL_JA in error["reason"] for error in result.errors)
    team.record.refresh_from_db()
    assert team.record.title_ja == "日常対話コーパス" and ManagedData.objects.count() == 1

    result = sheet_import_file(user=team.editor, content=content, filename="s.csv", dry_run=False, language="ja")
    assert result.errors == [] and len(result.updated) == 1 and len(result.created) == 1
    team.record.refresh_from_db()
    assert team.record.title_ja == "変えた題名" and ManagedData.objects.count() == 2


# --- Editing keeps the people's links to their portal users ---------------------------------------------

@pytest.fixture
def linked(db):
    """A draft whose data manager is linked to a portal user who is not a member of the project."""
    project = ProjectFactory()
    person = UserFactory()
    record = make_record(project=project, people=[
        {"kind": "creator", "name_ja": "山田 太郎", "name_en": "Taro Yamada", "erad_researcher_number": "12345678"},
        {"kind": "data_manager", "name_en": "Hanako Sato", "user": person},
    ])
    return record, person


def form_values(html: str) -> dict:
    form = next(f for f in lxml.html.fromstring(html).forms if f.get("data-warn-unsaved") is not None)
    return dict(form.form_values())


def test_saving_the_edit_form_unchanged_keeps_the_user_link(client, linked):
    record, person = linked
    assert ManagedData.objects.visible_to(person).filter(pk=record.pk).exists()
    edit_url = reverse("metadata:managed-data-edit", args=[record.pk])
    as_user(client, record.project.pi)
    data = form_values(client.get(edit_url).content.decode())
    response = client.post(edit_url, {**data, "save": "1"})
    assert response.status_code == 302
    assert RecordPerson.objects.get(record=record, kind="data_manager").user == person
    assert ManagedData.objects.visible_to(person).filter(pk=record.pk).exists()
    assert as_user(client, person).get(record.get_absolute_url()).status_code == 200


def test_an_api_patch_with_people_keeps_the_user_link(client, linked):
    record, person = linked
    as_user(client, record.project.pi)
    detail = f"/api/v1/managed-data/{record.pk}/"
    people = client.get(detail).json()["people"]
    response = client.patch(detail, {"people": people}, content_type="application/json")
    assert response.status_code == 200
    assert RecordPerson.objects.get(record=record, kind="data_manager").user == person
    assert ManagedData.objects.visible_to(person).filter(pk=record.pk).exists()


def test_people_are_matched_by_identifier_then_name_then_position(linked):
    record, person = linked
    creator_user = UserFactory()
    RecordPerson.objects.filter(record=record, kind="creator").update(user=creator_user)
    managed_data_update(record_id=record.pk, actor=record.project.pi, people=[
        {"kind": "data_manager", "name_en": "Hanako Sato (renamed)"},  # by position among the data managers
        {"kind": "creator", "name_ja": "新人", "name_en": "New Comer"},  # a new person: no link
        {"kind": "creator", "name_ja": "山田 太郎", "name_en": "T. Yamada", "erad_researcher_number": "12345678"},
    ], data={})
    links = {p.name_en: p.user for p in RecordPerson.objects.filter(record=record)}
    assert links == {"Hanako Sato (renamed)": person, "New Comer": None, "T. Yamada": creator_user}


def test_removing_a_linked_person_does_not_pass_the_link_to_the_next_one(linked):
    record, person = linked
    managed_data_update(record_id=record.pk, actor=record.project.pi, people=[
        {"kind": "data_manager", "name_en": "Hanako Sato"},
        {"kind": "data_manager", "name_en": "Someone Else"},
    ], data={})
    managed_data_update(record_id=record.pk, actor=record.project.pi, people=[
        {"kind": "data_manager", "name_en": "Someone Else"},  # Hanako Sato removed: her link goes with her
    ], data={})
    assert RecordPerson.objects.get(record=record).user is None
    assert not ManagedData.objects.with_person(person).filter(pk=record.pk).exists()


def test_a_link_given_explicitly_is_changed(linked):
    record, person = linked
    other = UserFactory()
    managed_data_update(record_id=record.pk, actor=record.project.pi, data={}, people=[
        {"kind": "creator", "name_en": "Taro Yamada", "erad_researcher_number": "12345678"},
        {"kind": "data_manager", "name_en": "Hanako Sato", "user": other},
    ])
    assert RecordPerson.objects.get(record=record, kind="data_manager").user == other
    assert not ManagedData.objects.with_person(person).filter(pk=record.pk).exists()

