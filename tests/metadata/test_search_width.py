"""Full-width and half-width forms find the same records (issue 13, acceptance 6), on the list page and in the
API: search text and query are both compared in NFKC, lower case."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from metadata.models import ManagedData
from metadata.selectors import managed_data_search
from tests.factories import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    return {
        "bmi": make_record(status="published", title_ja="BMI操作中の頭皮脳波データ", title_en=""),
        "corpus": make_record(status="published", title_ja="日常対話コーパス", title_en=""),
        "wide": make_record(status="published", title_ja="ＲＯＳ２ロボット把持データ", title_en=""),
    }


@pytest.mark.parametrize("query, expected", [
    ("BMI", {"bmi"}), ("ＢＭＩ", {"bmi"}), ("ｂｍｉ", {"bmi"}),
    ("コーパス", {"corpus"}), ("ｺｰﾊﾟｽ", {"corpus"}),
    ("ros2", {"wide"}), ("ＲＯＳ２ ロボット", {"wide"}), ("ROS2　把持", {"wide"}),  # ideographic space
])
def test_either_width_finds_the_same_records(records, query, expected):
    found = set(managed_data_search(ManagedData.objects.all(), query).values_list("pk", flat=True))
    assert found == {records[key].pk for key in expected}


def test_list_page_and_api_search_in_either_width(client, records):
    html = client.get(reverse("metadata:managed-data-list"), {"q": "ＢＭＩ"}).content.decode()
    assert "BMI操作中の頭皮脳波データ" in html and "日常対話コーパス" not in html
    api = APIClient().get(reverse("metadata:api-managed-data-list"), {"q": "ｺｰﾊﾟｽ"}).json()
    assert [row["id"] for row in api["results"]] == [records["corpus"].pk]


def test_the_stored_search_text_is_normalised(records):
    assert "ros2ロボット" in ManagedData.objects.get(pk=records["wide"].pk).search_text
