import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from policy.models import DataPolicy
from policy.services import data_policy_adopt, data_policy_create, data_policy_update
from portal.models import Role
from tests.factories import InstitutionFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

DATA = {"title_ja": "研究データポリシー", "title_en": "Research Data Policy", "version": "1.0",
        "document_url": "https://www.example.ac.jp/policy.pdf"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_adopting_a_new_version_supersedes_the_adopted_one_and_keeps_history(institution, admin):
    first = data_policy_create(institution=institution, actor=admin, data=DATA)
    data_policy_adopt(policy_id=first.pk, actor=admin, adopted_on=datetime.date(2021, 4, 1))
    second = data_policy_create(institution=institution, actor=admin, data={**DATA, "version": "2.0"})
    data_policy_adopt(policy_id=second.pk, actor=admin, adopted_on=datetime.date(2024, 4, 1))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (DataPolicy.Status.SUPERSEDED, DataPolicy.Status.ADOPTED)
    assert first.adopted_on == datetime.date(2021, 4, 1)  # a superseded policy keeps its adoption date
    assert DataPolicy.objects.adopted().filter(institution=institution).get() == second
    reasons = list(first.history.order_by("history_date").values_list("history_change_reason", "history_user"))
    assert reasons == [("created", admin.pk), ("adopted", admin.pk), ("superseded:2.0", admin.pk)]


def history_reasons(client, user, policy, language):
    client.force_login(user)
    page = client.get(reverse("policy:data-policy-detail", args=[policy.pk]), headers={"accept-language": language})
    table = page.content.decode().split("</h2>")[-1]
    return [re.findall(r"<td>(.*?)</td>", f"<td>{row}")[2] for row in re.findall(r"<tr><td>(.*?)</tr>", table)]


def test_the_history_reads_in_the_readers_language_whoever_wrote_it(client, institution, admin):
    """An English-speaking admin's changes read in Japanese to a Japanese reader, and the other way round."""
    admin.preferred_language = "en"
    admin.save()
    first = data_policy_create(institution=institution, actor=admin, data=DATA)
    data_policy_adopt(policy_id=first.pk, actor=admin)
    second = data_policy_create(institution=institution, actor=admin, data={**DATA, "version": "2.0"})
    data_policy_adopt(policy_id=second.pk, actor=admin)
    reader = user_with_role(Role.INSTITUTION_ADMIN, institution=institution, preferred_language="ja")
    with translation.override("ja"):
        ja = history_reasons(client, reader, first, "ja")
    assert set(ja) == {"案を作成", "策定済み", "版2.0により改定"}
    assert set(history_reasons(client, admin, first, "en")) == {"Draft created", "Adopted",
                                                                 "Superseded by version 2.0"}


def test_only_the_institutions_own_admins_may_write_or_adopt(institution, admin):
    other_admin = user_with_role(Role.INSTITUTION_ADMIN)  # admin of another institution
    librarian = user_with_role(Role.LIBRARIAN, institution=institution)
    for user in (other_admin, librarian):
        with pytest.raises(PermissionDenied):
            data_policy_create(institution=institution, actor=user, data=DATA)
    draft = data_policy_create(institution=institution, actor=admin, data=DATA)
    with pytest.raises(PermissionDenied):
        data_policy_adopt(policy_id=draft.pk, actor=other_admin)
    assert DataPolicy.objects.get(pk=draft.pk).status == DataPolicy.Status.DRAFT


def test_adoption_needs_a_document_and_only_drafts_are_adopted_or_edited(institution, admin):
    draft = data_policy_create(institution=institution, actor=admin, data={**DATA, "document_url": ""})
    with pytest.raises(ValidationError) as excinfo:
        data_policy_adopt(policy_id=draft.pk, actor=admin)
    assert "document_url" in excinfo.value.message_dict
    data_policy_update(policy_id=draft.pk, actor=admin, data={"document_url": DATA["document_url"]})
    data_policy_adopt(policy_id=draft.pk, actor=admin)
    with pytest.raises(ValidationError, match="only a draft"):
        data_policy_adopt(policy_id=draft.pk, actor=admin)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        data_policy_update(policy_id=draft.pk, actor=admin, data={"title_en": "Changed"})


def test_public_page_lists_every_institution_with_its_adopted_policy_or_none(client, institution, admin):
    without = InstitutionFactory(name_en="Policyless University")
    adopted = data_policy_create(institution=institution, actor=admin, data=DATA)
    data_policy_adopt(policy_id=adopted.pk, actor=admin)
    data_policy_create(institution=institution, actor=admin, data={**DATA, "title_en": "Secret draft"})

    html = client.get(reverse("policy:data-policy-list"), headers={"accept-language": "en"}).content.decode()
    assert "Research Data Policy" in html and institution.name_en in html
    assert "Policyless University" in html and "None adopted" in html
    assert "Secret draft" not in html
    only_without = client.get(reverse("policy:data-policy-list") + "?adopted=no").content.decode()
    assert without.name_ja in only_without and institution.name_ja not in only_without


def test_draft_is_404_to_the_public_and_shown_with_history_to_its_admin(client, institution, admin):
    draft = data_policy_create(institution=institution, actor=admin, data=DATA)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(user_with_role(Role.INSTITUTION_ADMIN))
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(admin)
    html = client.get(draft.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert "History" in html and "Draft created" in html and "Adopt this policy" in html


def test_admin_writes_and_adopts_a_policy_through_the_pages(client, institution, admin, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "policy_documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    client.force_login(admin)
    url = reverse("policy:data-policy-create", args=[institution.pk])
    response = client.post(url, {**DATA, "document": SimpleUploadedFile("policy.pdf", b"%PDF-1.4 demo")})
    policy = DataPolicy.objects.get(institution=institution)
    assert response.status_code == 302 and policy.document.name.endswith(".pdf")
    response = client.post(reverse("policy:data-policy-edit", args=[policy.pk]), {**DATA, "title_en": "Revised"})
    assert response.status_code == 302
    response = client.post(reverse("policy:data-policy-adopt", args=[policy.pk]), {"adopted_on": "2025-04-01"})
    policy.refresh_from_db()
    assert response.status_code == 302 and policy.status == "adopted" and policy.title_en == "Revised"
    assert policy.adopted_on == datetime.date(2025, 4, 1)
    manage = client.get(reverse("policy:institution-policies", args=[institution.pk])).content.decode()
    assert "Revised" in manage


def test_policy_form_reports_bad_input_in_the_users_language(client, institution, admin):
    client.force_login(admin)
    url = reverse("policy:data-policy-create", args=[institution.pk])
    response = client.post(url, {"version": "1.0", "document_url": "not a url",
                                 "document": SimpleUploadedFile("policy.exe", b"MZ")},
                           headers={"accept-language": "ja"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title_ja", "document_url", "document"}
    assert not DataPolicy.objects.exists()


def test_other_users_cannot_reach_the_edit_pages(client, institution, admin):
    url = reverse("policy:data-policy-create", args=[institution.pk])
    assert client.get(url).status_code == 302  # to sign-in
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.INSTITUTION_ADMIN))
    assert client.get(url).status_code == 403
    assert client.get(reverse("policy:institution-policies", args=[institution.pk])).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_adoptions_leave_exactly_one_adopted_policy(institution, admin):
    import threading

    from django.db import connection

    drafts = [data_policy_create(institution=institution, actor=admin, data={**DATA, "version": str(v)})
              for v in range(4)]
    barrier = threading.Barrier(len(drafts))

    def adopt(policy_id):
        barrier.wait()
        try:
            data_policy_adopt(policy_id=policy_id, actor=admin)
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt, args=(d.pk,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(DataPolicy.objects.values_list("status", flat=True))
    assert statuses == ["adopted", "superseded", "superseded", "superseded"]


def test_a_policy_cannot_be_adopted_with_a_future_date(client, institution, admin):
    current = data_policy_create(institution=institution, actor=admin, data=DATA)
    data_policy_adopt(policy_id=current.pk, actor=admin, adopted_on=datetime.date(2021, 4, 1))
    draft = data_policy_create(institution=institution, actor=admin, data={**DATA, "version": "2.0"})
    client.force_login(admin)
    response = client.post(reverse("policy:data-policy-adopt", args=[draft.pk]), {"adopted_on": "2031-01-01"},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "later than today" in response.content.decode()
    assert DataPolicy.objects.adopted().filter(institution=institution).get() == current
    assert DataPolicy.objects.get(pk=draft.pk).status == DataPolicy.Status.DRAFT


def test_adoption_is_confirmed_on_a_page_that_names_the_policy_it_supersedes(client, institution, admin):
    current = data_policy_create(institution=institution, actor=admin, data=DATA)
    data_policy_adopt(policy_id=current.pk, actor=admin, adopted_on=datetime.date(2021, 4, 1))
    draft = data_policy_create(institution=institution, actor=admin, data={**DATA, "version": "2.0"})
    client.force_login(admin)
    url = reverse("policy:data-policy-adopt", args=[draft.pk])
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert f'<form method="get" action="{url}"' in detail
    page = client.get(url, {"adopted_on": "2025-04-01"}).content.decode()
    assert "Adopt this data policy?" in page and "data-confirm" in page and 'value="2025-04-01"' in page
    assert "“Research Data Policy” (version 1.0), becomes superseded" in page
    assert DataPolicy.objects.get(pk=draft.pk).status == DataPolicy.Status.DRAFT
    response = client.post(url, {"adopted_on": ""}, headers={"accept-language": "en"})
    assert response.status_code == 400 and 'href="#id_adopted_on"' in response.content.decode()
    assert client.post(url, {"adopted_on": "2025-04-01"}).status_code == 302
    assert DataPolicy.objects.adopted().get(institution=institution) == DataPolicy.objects.get(pk=draft.pk)
    assert client.get(url).status_code == 302  # adopted: nothing left to confirm
    client.force_login(UserFactory())
    assert client.get(url).status_code in (403, 404)
