import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from metadata.models import ManagedData
from portal.models import Role
from tests.factories import ProjectFactory, make_record, user_with_role

pytestmark = pytest.mark.django_db
LIST = reverse("metadata:managed-data-list")


def _titles(client, **params):
    html = client.get(LIST, params, headers={"accept-language": "ja"}).content.decode()
    return html


def test_japanese_substring_search_without_spaces(client):
    make_record(status="published", title_ja="BMI操作中の頭皮脳波データ", description_ja="脳波")
    make_record(status="published", title_ja="ロボット把持学習データ", description_ja="ロボット")
    html = _titles(client, q="頭皮脳波")
    assert "BMI操作中の頭皮脳波データ" in html and "ロボット把持学習データ" not in html


def test_search_is_case_insensitive_and_needs_every_word(client):
    make_record(status="published", title_ja="", title_en="Scalp EEG during BMI operation")
    make_record(status="published", title_ja="", title_en="EEG of sleeping mice")
    html = _titles(client, q="eeg bmi")
    assert "Scalp EEG during BMI operation" in html and "sleeping mice" not in html


def test_filters_by_access_right_and_research_field(client):
    make_record(status="published", title_ja="公開データ", access_right="open access")
    make_record(status="published", title_ja="非公開データ", access_right="metadata only access",
                research_field="189")
    assert "非公開データ" not in _titles(client, access_right="open access")
    html = _titles(client, research_field="189")
    assert "非公開データ" in html and '">公開データ</a>' not in html


def test_bad_filter_values_do_not_break_the_page(client):
    response = client.get(LIST, {"year": "abc", "institution": "999999", "sort": "nonsense", "page": "-3",
                                 "size": "9999"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_list_page_query_count_does_not_grow_with_the_page(client, size, django_assert_num_queries):
    project = ProjectFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    for _ in range(size):
        make_record(project=project, status="published", librarian=librarian)
    # count, page, people, and the four choice lists of the filter form (institution, department, funder, program)
    with django_assert_num_queries(7):
        response = client.get(LIST, {"size": 50})
    assert response.content.decode().count('class="badge') == size


def test_curation_queue_lists_oldest_submissions_of_the_librarians_institution(client):
    project = ProjectFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    first = make_record(project=project, status="submitted", title_ja="最初の提出", title_en="")
    second = make_record(project=project, status="submitted", title_ja="二番目の提出", title_en="")
    elsewhere = make_record(status="submitted", title_ja="他機関の提出", title_en="")
    client.force_login(librarian)
    html = client.get(reverse("metadata:curation-queue"), headers={"accept-language": "ja"}).content.decode()
    assert html.index(first.title_ja) < html.index(second.title_ja)
    assert elsewhere.title_ja not in html


def test_curation_queue_filters_by_waiting_time(client):
    project = ProjectFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    old = make_record(project=project, status="submitted", title_ja="古い提出", title_en="")
    make_record(project=project, status="submitted", title_ja="新しい提出", title_en="")
    ManagedData.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=10))
    client.force_login(librarian)
    html = client.get(reverse("metadata:curation-queue"), {"waiting_days": 7}).content.decode()
    assert "古い提出" in html and "新しい提出" not in html


def test_csv_export_follows_the_list_filters_and_opens_in_excel(client):
    make_record(status="published", title_ja="公開データ", access_right="open access")
    make_record(status="published", title_ja="非公開データ", access_right="metadata only access")
    response = client.get(reverse("metadata:managed-data-export", args=["csv"]), {"access_right": "open access"},
                          headers={"accept-language": "ja"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("資金配分機関情報,")
    assert "公開データ" in text and "非公開データ" not in text
