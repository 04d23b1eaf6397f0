"""The main menu offers each person the areas their roles use, and English labels are English only."""

import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from portal.models import Role
from tests.factories import UserFactory, make_record, user_with_role

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def menu(client, user):
    client.force_login(user)
    html = client.get(reverse("portal:dashboards"), headers={"accept-language": "en"}).content.decode()
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.mark.parametrize(("role", "expected"), [
    (Role.FUNDER_OFFICER, ["Managed data", "Data policies", "Dashboards"]),
    (Role.RESEARCHER, ["Managed data", "My data", "DMPs", "Data policies", "Dashboards"]),
    (Role.REVIEWER, ["Managed data", "My data", "DMPs", "Data policies", "Dashboards"]),
    (Role.LIBRARIAN, ["Managed data", "My data", "Curation", "DMPs", "Deposits", "Data policies", "Dashboards"]),
])
def test_the_menu_shows_the_areas_each_role_uses(client, role, expected):
    user = user_with_role(role, preferred_language="en")
    assert menu(client, user) == expected


def test_someone_without_a_role_yet_may_start_a_project(client):
    assert "My data" in menu(client, UserFactory()) and "DMPs" in menu(client, UserFactory())


def test_every_choice_label_is_english_only_in_english():
    with translation.override("en"):
        mixed = [(f"{model._meta.label}.{field.name}", str(label))
                 for model in apps.get_models() for field in model._meta.get_fields()
                 for _value, label in (getattr(field, "flatchoices", None) or [])
                 if CJK.search(str(label))]
    assert mixed == []


def test_the_english_curation_page_shows_the_access_rights_in_english(client):
    record = make_record(status="submitted")
    librarian = user_with_role(Role.LIBRARIAN, institution=record.institution, preferred_language="en")
    client.force_login(librarian)
    page = client.get(reverse("metadata:curation-queue"), headers={"accept-language": "en"}).content.decode()
    assert record.title_en in page and "Open" in page and "公開" not in page


def test_a_funder_officers_home_page_offers_no_own_work_areas(client):
    client.force_login(user_with_role(Role.FUNDER_OFFICER, preferred_language="ja"))
    page = client.get(reverse("portal:home"), headers={"accept-language": "ja"}).content.decode()
    assert "ダッシュボード" in page and "自分のデータ" not in page
    assert reverse("dmp:dmp-list") not in page and reverse("metadata:managed-data-mine") not in page
