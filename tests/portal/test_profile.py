import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post_profile(client, user, **changes):
    client.force_login(user)
    data = {
        "family_name_ja": "山田", "given_name_ja": "花子", "family_name_en": "Yamada", "given_name_en": "Hanako",
        "erad_researcher_number": "", "orcid": "", "preferred_language": user.preferred_language,
    }
    data.update(changes)
    return client.post(reverse("portal:profile"), data)


def test_invalid_erad_number_gets_a_japanese_field_error_naming_the_field(client):
    user = UserFactory(preferred_language="ja")
    response = _post_profile(client, user, erad_researcher_number="1234")
    assert response.status_code == 200
    html = response.content.decode()
    assert "e-Rad研究者番号: e-Rad研究者番号は半角数字8桁で入力してください" in html
    user.refresh_from_db()
    assert user.erad_researcher_number == ""


def test_orcid_with_bad_check_digit_gets_an_english_field_error_for_an_english_user(client):
    user = UserFactory(preferred_language="en")
    response = _post_profile(client, user, orcid="0000-0002-1825-0098")
    html = response.content.decode()
    assert "ORCID iD: This ORCID iD has a wrong check digit" in html
    # Everything typed stays in the form.
    assert 'value="0000-0002-1825-0098"' in html
    assert 'value="Hanako"' in html


def test_valid_identifiers_are_saved_normalised(client):
    user = UserFactory()
    response = _post_profile(
        client, user, erad_researcher_number="30413925", orcid="https://orcid.org/0000-0002-1825-0097"
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.erad_researcher_number, user.orcid) == ("30413925", "0000-0002-1825-0097")


def test_profile_needs_sign_in(client):
    response = client.get(reverse("portal:profile"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
