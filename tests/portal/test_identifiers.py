import pytest
from django.core.exceptions import ValidationError

from portal.validators import normalize_orcid, normalize_ror, validate_erad_researcher_number


@pytest.mark.parametrize("value", ["12345678", "00000001", "１２３４５６７８"])
def test_eight_digit_erad_number_is_accepted(value):
    validate_erad_researcher_number(value)


@pytest.mark.parametrize("value", ["1234567", "123456789", "1234567a", "１２３４５６７", ""])
def test_erad_number_that_is_not_eight_half_width_digits_is_rejected(value):
    with pytest.raises(ValidationError):
        validate_erad_researcher_number(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
    ],
)
def test_valid_orcid_is_normalised(value, expected):
    assert normalize_orcid(value) == expected


def test_orcid_with_wrong_check_digit_is_rejected():
    with pytest.raises(ValidationError) as exc:
        normalize_orcid("0000-0002-1825-0098")
    assert exc.value.code == "orcid_checksum"


def test_ror_id_is_stored_as_url():
    assert normalize_ror("04ksd4g47") == "https://ror.org/04ksd4g47"
    with pytest.raises(ValidationError):
        normalize_ror("https://ror.org/not-a-ror")
