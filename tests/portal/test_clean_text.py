"""Clean text at the door: no path saves a character that XML or e-mail cannot carry (issue 13, acceptance 1)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from metadata.models import ManagedData
from metadata.services import managed_data_create, managed_data_update
from portal.fields import LineField, MultilineField
from portal.models import User
from portal.validators import validate_line, validate_text
from tests.factories import COMPLETE_PEOPLE, COMPLETE_RECORD, ProjectFactory, make_record

OUR_APPS = ("portal", "dmp", "metadata", "policy", "files")


@pytest.mark.parametrize("value, character, position", [
    ("脳波\x0bデータ", "U+000B (VT)", 3),
    ("a\x00b", "U+0000 (NUL)", 2),
    ("abc\x1b", "U+001B (ESC)", 4),
    ("x\x85", "U+0085 (NEL)", 2),
    ("x\x9f", "U+009F", 2),
    ("lone \ud800 surrogate", "U+D800", 6),
    ("\ufffe", "U+FFFE", 1),
])
def test_text_validator_names_the_character_and_its_position(value, character, position):
    with pytest.raises(ValidationError) as error:
        validate_text(value)
    with translation.override("en"):
        assert error.value.messages == [
            f"Remove the invisible character {character} at position {position}: it cannot be stored (it is "
            "often pasted from a word processor)."
        ]


def test_text_validator_speaks_japanese():
    with pytest.raises(ValidationError) as error:
        validate_text("脳波\x0bデータ")
    with translation.override("ja"):
        assert "U+000B (VT)" in error.value.messages[0] and "3文字目" in error.value.messages[0]


@pytest.mark.parametrize("value", ["tab\tinside", "日本語と English", "emoji 🧪", ""])
def test_ordinary_text_passes_both_validators(value):
    validate_text(value)
    validate_line(value)


def test_line_breaks_only_where_the_field_holds_paragraphs():
    validate_text("first\r\nsecond\nthird")
    with pytest.raises(ValidationError) as error:
        validate_line("title\nsecond line")
    with translation.override("en"):
        assert error.value.messages == ["Remove the line break at position 6: this field holds a single line."]


def test_every_text_field_that_leaves_the_portal_is_checked():
    """A new CharField or TextField without the check fails here: choices and internal columns excepted."""
    unchecked = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model.__name__.startswith("Historical")  # copies
        and model._meta.label != "oai.HarvestRecord"  # the portal's own renderings, never typed
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not isinstance(field, models.EmailField)
        and not isinstance(field, models.URLField | models.SlugField)
        and field.editable and not field.choices
        and not isinstance(field, LineField | MultilineField)
        and field.name not in ("password", "history_change_reason")
    ]
    assert unchecked == []


@pytest.mark.django_db
def test_service_refuses_a_vertical_tab_and_keeps_the_record():
    record = make_record()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        managed_data_update(record_id=record.pk, actor=record.project.pi,
                            data={"description_ja": "一行目\x0b二行目", "title_en": "New\ntitle"})
    assert set(error.value.message_dict) == {"description_ja", "title_en"}
    record.refresh_from_db()
    assert record.description_ja == COMPLETE_RECORD["description_ja"]


@pytest.mark.django_db
@pytest.mark.parametrize("language, expected", [("en", "U+000B (VT) at position 4"), ("ja", "U+000B (VT)")])
def test_api_answers_400_with_the_field_error(language, expected):
    project = ProjectFactory()
    client = APIClient(headers={"accept-language": language})
    client.force_authenticate(project.pi)
    response = client.post(reverse("metadata:api-managed-data-list"),
                           {"project": project.pk, **COMPLETE_RECORD, "description_en": "One\x0btwo"}, format="json")
    assert response.status_code == 400
    assert expected in response.json()["description_en"][0]
    assert not ManagedData.objects.exists()


@pytest.mark.django_db
def test_api_refuses_a_lone_surrogate_and_a_nul_in_people():
    project = ProjectFactory()
    client = APIClient(headers={"accept-language": "en"})
    client.force_authenticate(project.pi)
    body = ('{"project": PK, "title_en": "Half \\ud800 pair", '
            '"people": [{"kind": "creator", "name_en": "A\\u0000B"}]}').replace("PK", str(project.pk))
    response = client.post(reverse("metadata:api-managed-data-list"), body, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert "U+D800" in errors["title_en"][0] and "name_en" in errors["people"]["0"]


@pytest.mark.django_db
def test_form_shows_the_field_error(client):
    project = ProjectFactory()
    client.force_login(project.pi)
    response = client.post(reverse("metadata:managed-data-create"),
                           {"project": project.pk, **COMPLETE_RECORD, "description_ja": "説明\x0b続き",
                            "research_field": "project", "data_type": "dataset", "provision_policy": "free",
                            "data_manager_type": "individual", "metadata_access": "open access",
                            "people-TOTAL_FORMS": "0", "people-INITIAL_FORMS": "0"},
                           headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "U+000B (VT) at position 3" in response.content.decode()
    assert not ManagedData.objects.exists()


@pytest.mark.django_db
def test_admin_refuses_it_too(admin_client):
    user = User.objects.create_user("someone@example.ac.jp", "pw")
    url = reverse("admin:portal_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"email": user.email, "family_name_ja": "山\x0b田", "preferred_language": "ja",
                 "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "role_assignments-TOTAL_FORMS": "0",
                 "role_assignments-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data, headers={"accept-language": "en"})
    assert response.status_code == 200 and "U+000B (VT)" in response.content.decode()
    user.refresh_from_db()
    assert user.family_name_ja == ""


@pytest.mark.django_db
def test_create_with_people_errors_is_refused_whole():
    project = ProjectFactory()
    people = [{**COMPLETE_PEOPLE[0], "affiliation_ja": "大学\x0c"}]
    with pytest.raises(ValidationError):
        managed_data_create(project=project, actor=project.pi, data=COMPLETE_RECORD, people=people)
    assert not ManagedData.objects.exists()
