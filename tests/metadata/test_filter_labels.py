"""Filter forms speak the page's language: selects offer "All" / 「すべて」, and sort orders have labels of
their own instead of django-filter's untranslated "(descending)"."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "everything", "newest"), [
    ("ja", "すべて", "最終更新（新しい順）"), ("en", "All", "Last changed, newest first")])
def test_list_filters_read_in_the_page_language(client, language, everything, newest):
    page = client.get(reverse("metadata:managed-data-list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f">{everything}</option>" in page and f">{newest}</option>" in page
    assert "descending" not in page and "---------" not in page


def test_history_speaks_labels_not_codes(client):
    from tests.factories import make_record

    record = make_record(status="submitted")
    pi = record.project.pi
    pi.preferred_language = "ja"
    pi.save()
    client.force_login(pi)
    page = client.get(record.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "draft" not in page and "作成された" not in page
    assert "<del>下書き</del> → <ins>キュレーション待ち</ins>" in page
