"""Operators can turn e-mail/password sign-in off for everyone but staff."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_local_sign_in_can_be_limited_to_staff(client, settings):
    settings.LOCAL_SIGN_IN_STAFF_ONLY = True
    researcher, operator = UserFactory(), UserFactory(is_staff=True)
    refused = client.post(reverse("login"), {"username": researcher.email, "password": PASSWORD},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "is for operators only" in refused.content.decode()
    accepted = client.post(reverse("login"), {"username": operator.email, "password": PASSWORD})
    assert accepted.status_code == 302 and int(client.session["_auth_user_id"]) == operator.pk


def test_local_sign_in_works_for_everyone_by_default(client):
    researcher = UserFactory()
    response = client.post(reverse("login"), {"username": researcher.email, "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "operators only" not in page
