import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dmp.models import DMPTemplate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_published_template_is_read_only_in_the_admin_and_a_new_version_is_editable(client, templates, operator):
    jsps = templates["jsps-kakenhi"]
    page = client.get(reverse("admin:dmp_dmptemplate_change", args=[jsps.pk])).content.decode()
    assert 'name="title_ja"' not in page
    client.post(reverse("admin:dmp_dmptemplate_changelist"), {"action": "new_version", "_selected_action": [jsps.pk]})
    new = DMPTemplate.objects.get(key="jsps-kakenhi", version=2)
    assert 'name="title_ja"' in client.get(reverse("admin:dmp_dmptemplate_change", args=[new.pk])).content.decode()


def test_admin_exports_and_imports_template_json(client, templates, operator):
    amed = templates["amed"]
    exported = client.post(reverse("admin:dmp_dmptemplate_changelist"),
                           {"action": "export_json", "_selected_action": [amed.pk]})
    data = json.loads(exported.content)
    assert data["key"] == "amed" and len(data["sections"]) == 3
    data["key"] = "amed-local"
    upload = SimpleUploadedFile("t.json", json.dumps(data).encode())
    assert client.post(reverse("admin:dmp_dmptemplate_import"), {"file": upload}).status_code == 302
    assert DMPTemplate.objects.get(key="amed-local").status == "draft"
    del data["sections"][0]["questions"][0]["key"]
    data["key"] = "amed-broken"
    upload = SimpleUploadedFile("t.json", json.dumps(data).encode())
    response = client.post(reverse("admin:dmp_dmptemplate_import"), {"file": upload})
    assert "$.sections[0].questions[0].key" in response.content.decode()


def test_admin_lists_dmps(client, dmp, operator):
    assert client.get(reverse("admin:dmp_dmp_changelist")).status_code == 200
    assert client.get(reverse("admin:dmp_dmp_change", args=[dmp.pk])).status_code == 200
