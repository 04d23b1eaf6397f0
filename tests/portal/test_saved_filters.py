"""Saved filters of the DMP review queue and the curation queue: a reviewer or librarian saves the queue's
current filter under a name, picks it again later from above the list, and deletes it; the queue's defaults
still apply when no filter is picked."""

import pytest
from django.urls import reverse

from dmp.services import dmp_transition, template_load_shipped
from portal.models import Role, SavedFilter
from tests.dmp.factories import complete, make_dmp
from tests.factories import InstitutionFactory, user_with_role
from tests.journeys.conftest import sign_in

pytestmark = pytest.mark.django_db

SAVE = "/saved-filters/"


def test_a_librarian_saves_picks_and_deletes_a_curation_filter(client):
    librarian = user_with_role(Role.LIBRARIAN, preferred_language="en")
    other = user_with_role(Role.LIBRARIAN, institution=librarian.role_assignments.get().institution)
    client.force_login(librarian)
    response = client.post(SAVE, {"queue": "curation", "name": "Published, oldest", "query": "status=published"})
    assert response.status_code == 302
    assert response.url == "/data/curation/?status=published"
    page = client.get(response.url).content.decode()
    assert "The filter was saved as “Published, oldest”." in page
    assert 'href="?status=published" aria-current="true">Published, oldest</a>' in page
    # Saving under the same name replaces the filter; another librarian does not see it.
    client.post(SAVE, {"queue": "curation", "name": "Published, oldest", "query": "status=published&sort=-updated"})
    saved = SavedFilter.objects.get(user=librarian)
    assert saved.query == "status=published&sort=-updated"
    client.force_login(other)
    assert ">Published, oldest</a>" not in client.get("/data/curation/").content.decode()
    assert client.post(f"/saved-filters/{saved.pk}/delete/").status_code == 404
    client.force_login(librarian)
    response = client.post(f"/saved-filters/{saved.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("metadata:curation-queue")
    assert "The saved filter was deleted." in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_bad_input_is_refused_with_a_message_in_the_users_language(client):
    reviewer = user_with_role(Role.REVIEWER, preferred_language="ja")
    client.force_login(reviewer)
    response = client.post(SAVE, {"queue": "dmp-review", "name": " ", "query": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dmp:dmp-review-queue")
    assert "名前: この項目は必須です。" in response.content.decode()
    response = client.post(SAVE, {"queue": "nowhere", "name": "x", "query": ""}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/"
    assert client.post(SAVE, {"name": "x" * 101, "queue": "dmp-review"}).status_code == 302
    assert client.get(SAVE).status_code == 405
    assert not SavedFilter.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_saved_filter_round_trip_in_the_browser(browser, live_server):
    """Save the review queue's filter, reload the queue (its default again), pick the filter, delete it."""
    template_load_shipped()
    institution = InstitutionFactory()
    researcher = user_with_role(Role.RESEARCHER, institution=institution)
    reviewer = user_with_role(Role.REVIEWER, institution=institution, email="reviewer@example.ac.jp")
    submitted = complete(make_dmp(pi=researcher, institution=institution))
    dmp_transition(dmp_id=submitted.pk, action="submit", actor=researcher)
    draft = make_dmp(pi=researcher, institution=institution)
    page = sign_in(browser, live_server, reviewer, "en")
    page.goto(f"{live_server.url}/dmps/review/")
    rows = page.locator("table.dmp-table tbody tr")
    assert rows.count() == 1  # the default: submitted DMPs only
    page.select_option('[name="status"]', "draft")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert rows.count() == 1 and draft.project.grant_number in rows.first.inner_text()
    page.get_by_label("Save this filter as").fill("Drafts")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{live_server.url}/dmps/review/")  # the queue's default again
    assert submitted.project.grant_number in rows.first.inner_text()
    saved = page.get_by_role("region", name="Saved filters")
    with page.expect_navigation():
        saved.get_by_role("link", name="Drafts").click()
    assert page.locator('[name="status"]').input_value() == "draft"
    assert rows.count() == 1 and draft.project.grant_number in rows.first.inner_text()
    with page.expect_navigation():
        saved.get_by_role("button", name="Delete Drafts").click()
    assert page.get_by_text("The saved filter was deleted.").is_visible()
    assert saved.get_by_role("link", name="Drafts").count() == 0
    page.context.close()
