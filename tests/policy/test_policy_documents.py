"""Policy documents are PDFs (checked by their content) kept out of every public path: a view hands them out
as downloads to those who may see the policy."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policy.models import DataPolicy
from policy.services import data_policy_adopt, data_policy_create
from portal.models import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DATA = {"title_ja": "研究データポリシー", "title_en": "Research Data Policy", "version": "1.0"}


@pytest.fixture(autouse=True)
def private_folder(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "policy_documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "policies"), "base_url": None}}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def upload(client, admin, institution, name, content, language="en"):
    admin.preferred_language = language  # a signed-in user's own language wins over the browser's
    admin.save(update_fields=["preferred_language"])
    client.force_login(admin)
    return client.post(reverse("policy:data-policy-create", args=[institution.pk]),
                       {**DATA, "document": SimpleUploadedFile(name, content)}, headers={"accept-language": language})


@pytest.mark.parametrize(("name", "content"), [
    ("policy.html", b"<!doctype html><html><script>alert(1)</script></html>"),
    ("policy.pdf", b"<html><body>not a pdf</body></html>"),  # the name lies
    ("policy.pdf", b"MZ\x90\x00"),
])
@pytest.mark.parametrize(("language", "message"), [
    ("en", "The document must be a PDF file"), ("ja", "PDF ファイル"),
])
def test_only_pdf_content_is_accepted_with_the_error_at_the_field(client, admin, institution, name, content,
                                                                   language, message):
    response = upload(client, admin, institution, name, content, language)
    assert response.status_code == 200 and not DataPolicy.objects.exists()
    assert list(response.context["form"].errors) == ["document"]
    assert message in response.content.decode()


def test_a_pdf_is_stored_outside_the_public_media_folder(client, admin, institution, private_folder):
    assert upload(client, admin, institution, "policy.pdf", PDF).status_code == 302
    policy = DataPolicy.objects.get()
    assert (private_folder / "policies" / policy.document.name).read_bytes() == PDF
    assert not (private_folder / "media").exists()
    assert client.get(f"/media/{policy.document.name}").status_code == 404


def test_a_draft_policys_document_goes_only_to_those_who_see_the_draft(client, admin, institution):
    upload(client, admin, institution, "policy.pdf", PDF)
    policy = DataPolicy.objects.get()
    url = reverse("policy:data-policy-document", args=[policy.pk])
    detail = client.get(policy.get_absolute_url()).content.decode()
    assert url in detail  # the page links the download view
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    for viewer in (None, UserFactory(), user_with_role(Role.INSTITUTION_ADMIN)):
        client.logout()
        if viewer:
            client.force_login(viewer)
        assert client.get(url).status_code == 404


def test_an_adopted_policys_document_goes_to_everyone_as_a_download(client, admin, institution):
    upload(client, admin, institution, "policy.pdf", PDF)
    policy = DataPolicy.objects.get()
    data_policy_adopt(policy_id=policy.pk, actor=admin, adopted_on=datetime.date(2025, 4, 1))
    client.logout()
    response = client.get(reverse("policy:data-policy-document", args=[policy.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_policy_without_an_uploaded_document_has_no_download(client, admin, institution):
    policy = data_policy_create(institution=institution, actor=admin,
                                data={**DATA, "document_url": "https://www.example.ac.jp/policy.pdf"})
    data_policy_adopt(policy_id=policy.pk, actor=admin, adopted_on=datetime.date(2025, 4, 1))
    assert client.get(reverse("policy:data-policy-document", args=[policy.pk])).status_code == 404
    assert "https://www.example.ac.jp/policy.pdf" in client.get(policy.get_absolute_url()).content.decode()


def test_the_edit_form_links_the_stored_document_through_the_view(client, admin, institution):
    upload(client, admin, institution, "policy.pdf", PDF)
    policy = DataPolicy.objects.get()
    html = client.get(reverse("policy:data-policy-edit", args=[policy.pk])).content.decode()
    assert f'href="{reverse("policy:data-policy-document", args=[policy.pk])}"' in html
    assert "/media/" not in html
