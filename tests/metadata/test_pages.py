import json
import re

import pytest
from django.urls import reverse

from metadata.models import CurationEvent, ManagedData
from portal.models import Role
from tests.factories import ProjectFactory, make_record, user_with_role

pytestmark = pytest.mark.django_db

FORM = {
    "data_no": "1", "title_ja": "脳波データ", "title_en": "", "issued_date": "", "description_ja": "頭皮脳波",
    "description_en": "", "research_field": "project", "data_type": "dataset", "file_size": "10GB",
    "provision_policy": "free", "license": "CCBY", "citation_ja": "引用してください", "citation_en": "",
    "access_right": "open access", "embargo_until": "", "metadata_access": "open access",
    "repository_info_ja": "", "repository_info_en": "", "repository_url": "https://example.org/eeg",
    "hosting_institution_ja": "テスト大学", "hosting_institution_en": "", "hosting_institution_ror": "",
    "data_manager_type": "individual", "contact_org_ja": "", "contact_org_en": "", "contact_address_ja": "",
    "contact_address_en": "", "contact_phone": "", "contact_email": "rdm@example.ac.jp", "remarks_ja": "",
    "remarks_en": "",
    "people-TOTAL_FORMS": "2", "people-INITIAL_FORMS": "0", "people-MIN_NUM_FORMS": "0", "people-MAX_NUM_FORMS": "50",
    "people-0-kind": "creator", "people-0-name_ja": "山田 太郎", "people-0-name_en": "",
    "people-0-erad_researcher_number": "12345678", "people-0-orcid": "", "people-0-affiliation_ja": "",
    "people-0-affiliation_en": "",
    "people-1-kind": "data_manager", "people-1-name_ja": "山田 太郎", "people-1-name_en": "",
    "people-1-erad_researcher_number": "", "people-1-orcid": "", "people-1-affiliation_ja": "",
    "people-1-affiliation_en": "",
}


def _researcher(client, language="ja"):
    project = ProjectFactory()
    project.pi.preferred_language = language
    project.pi.save()
    client.force_login(project.pi)
    return project


def test_researcher_submits_a_complete_record_from_the_form_after_confirming(
        client, mailoutbox, django_capture_on_commit_callbacks):
    project = _researcher(client, "en")
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    response = client.post(reverse("metadata:managed-data-create"), {**FORM, "project": project.pk, "submit": "1"})
    record = ManagedData.objects.get()
    confirm_url = reverse("metadata:managed-data-transition", args=[record.pk, "submit"])
    assert response.status_code == 302 and response["Location"] == confirm_url
    assert record.status == "draft" and record.people.count() == 2 and not mailoutbox

    page = client.get(confirm_url).content.decode()
    assert "Submit this record for curation?" in page and "you cannot edit it meanwhile" in page
    assert f'<form method="post" action="{confirm_url}"' in page and "data-confirm" in page
    record.refresh_from_db()
    assert record.status == "draft"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url)
    record.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert record.status == "submitted"
    assert [m.to for m in mailoutbox] == [[librarian.email]]


def test_confirmation_of_an_incomplete_record_lists_what_is_missing_and_offers_no_button(client):
    project = _researcher(client, "en")
    record = make_record(project=project, status="draft", license="")
    page = client.get(reverse("metadata:managed-data-transition", args=[record.pk, "submit"])).content.decode()
    assert "Complete the record first:" in page and "Choose a license" in page and "data-confirm" not in page


def test_withdrawal_is_confirmed_with_its_reason_at_the_field(client):
    record = make_record(status="published")
    client.force_login(user_with_role(Role.LIBRARIAN, institution=record.institution))
    url = reverse("metadata:managed-data-transition", args=[record.pk, "withdraw"])
    detail = client.get(record.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert f'<form method="get" action="{url}"' in detail
    response = client.post(url, {"message": ""}, headers={"accept-language": "en"})
    assert response.status_code == 400 and 'href="#id_message"' in response.content.decode()
    assert ManagedData.objects.get(pk=record.pk).status == "published"
    assert client.post(url, {"message": "Consent withdrawn."}).status_code == 302
    assert ManagedData.objects.get(pk=record.pk).status == "withdrawn"


def test_three_mistakes_get_three_japanese_field_errors_and_nothing_typed_is_lost(client):
    project = _researcher(client, "ja")
    data = {**FORM, "project": project.pk, "submit": "1", "access_right": "embargoed access",
            "repository_url": "10.99/not a doi", "people-0-erad_researcher_number": "1234"}
    response = client.post(reverse("metadata:managed-data-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not ManagedData.objects.exists()
    assert "リポジトリURL・DOIリンク: DOIの形式が正しくありません" in html
    assert "公開予定日（公開期間猶予の場合）: アクセス権が公開期間猶予の場合は必須です。" in html
    assert "e-Rad研究者番号: e-Rad研究者番号は半角数字8桁で入力してください" in html
    for typed in ('value="脳波データ"', "頭皮脳波</textarea>", 'value="rdm@example.ac.jp"', 'value="1234"'):
        assert typed in html


def test_incomplete_submit_saves_a_draft_and_lists_every_missing_element(client):
    project = _researcher(client, "en")
    response = client.post(reverse("metadata:managed-data-create"),
                           {**FORM, "project": project.pk, "submit": "1", "license": "", "contact_email": "",
                            "citation_ja": ""})
    html = response.content.decode()
    record = ManagedData.objects.get()
    assert record.status == "draft" and record.title_ja == "脳波データ"
    assert "Choose a license" in html and "contact e-mail" in html and "citation information" in html
    assert f'action="{reverse("metadata:managed-data-edit", args=[record.pk])}"' in html


def test_draft_save_keeps_an_incomplete_record(client):
    project = _researcher(client)
    client.post(reverse("metadata:managed-data-create"), {**FORM, "project": project.pk, "license": "", "save": "1"})
    assert ManagedData.objects.get().status == "draft"


def test_librarian_returns_with_a_comment_the_researcher_sees(client, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    record = make_record(status="submitted")
    librarian = user_with_role(Role.LIBRARIAN, institution=record.institution)
    client.force_login(librarian)
    queue = client.get(reverse("metadata:curation-queue")).content.decode()
    assert record.title in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("metadata:managed-data-transition", args=[record.pk, "return"]),
                    {"message": "英語の説明を追加してください"})
    record.refresh_from_db()
    assert record.status == "returned"
    assert mailoutbox[-1].to == [record.project.pi.email]
    client.force_login(record.project.pi)
    assert "英語の説明を追加してください" in client.get(record.get_absolute_url()).content.decode()


def test_return_without_a_comment_is_refused_with_a_message(client):
    record = make_record(status="submitted")
    client.force_login(user_with_role(Role.LIBRARIAN, institution=record.institution))
    response = client.post(reverse("metadata:managed-data-transition", args=[record.pk, "return"]), follow=True)
    assert "Say why" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "submitted"


def test_illegal_transition_gets_a_clear_message_not_an_error_page(client):
    record = make_record(status="published")
    client.force_login(user_with_role(Role.LIBRARIAN, institution=record.institution))
    response = client.post(reverse("metadata:managed-data-transition", args=[record.pk, "publish"]), follow=True)
    assert response.status_code == 200
    assert "so you cannot publish it now" in response.content.decode()
    response = client.post(reverse("metadata:managed-data-transition", args=[record.pk, "explode"]), follow=True)
    assert response.status_code == 200 and "Unknown action" in response.content.decode()


def test_researcher_cannot_publish_their_own_record(client):
    record = make_record(status="submitted")
    client.force_login(record.project.pi)
    client.post(reverse("metadata:managed-data-transition", args=[record.pk, "publish"]))
    record.refresh_from_db()
    assert record.status == "submitted"
    assert not CurationEvent.objects.filter(action="publish").exists()


def test_withdrawn_record_keeps_a_tombstone(client):
    record = make_record(status="withdrawn")
    html = client.get(record.get_absolute_url()).content.decode()
    assert "Withdrawn" in html or "取り下げ" in html
    assert record.repository_url not in html


def test_landing_page_has_json_ld_citation_and_access_statement(client):
    record = make_record(status="published", doi="", issued_date="2025-04-01")
    html = client.get(record.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    doc = json.loads(block)
    assert doc["@type"] == "Dataset" and doc["name"] == "Daily dialogue corpus"
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/deed.en"
    assert "Taro Yamada (2025). Daily dialogue corpus." in html
    assert "You may get the data" in html


def test_json_ld_cannot_be_broken_out_of(client):
    record = make_record(status="published", title_en="</script><script>alert(1)</script>")
    html = client.get(record.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert "<script>alert(1)" not in html


def test_closed_record_does_not_show_its_link_to_the_public(client):
    record = make_record(status="published", access_right="metadata only access")
    html = client.get(record.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert record.repository_url not in html
    assert "contact the data manager: rdm@example.ac.jp" in html


def test_history_is_shown_to_the_records_people_only(client):
    record = make_record(status="published")
    client.force_login(record.project.pi)
    html = client.get(record.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert "History of changes" in html
    client.logout()
    assert "History of changes" not in client.get(record.get_absolute_url()).content.decode()
