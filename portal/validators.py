"""Validators for identifiers used across the portal: e-Rad researcher numbers, ORCID iDs, ROR ids."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERAD_RE = re.compile(r"^[0-9]{8}$")
ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}[0-9]{2})$")


def validate_erad_researcher_number(value: str) -> None:
    if not ERAD_RE.match(value or ""):
        raise ValidationError(
            _("Enter the e-Rad researcher number as 8 half-width digits, e.g. 12345678."),
            code="invalid_erad",
        )


def orcid_checksum_ok(digits: str) -> bool:
    """ISO 7064 MOD 11-2 check used by ORCID; `digits` is the 16 characters without hyphens."""
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1].upper() == ("X" if check == 10 else str(check))


def normalize_orcid(value: str) -> str:
    """Return the ORCID iD as 0000-0000-0000-000X, or raise ValidationError."""
    match = ORCID_RE.match((value or "").strip())
    if not match:
        raise ValidationError(
            _("Enter an ORCID iD as 0000-0000-0000-0000 (or its https://orcid.org/ URL)."),
            code="invalid_orcid",
        )
    digits = "".join(match.groups()).upper()
    if not orcid_checksum_ok(digits):
        raise ValidationError(
            _("This ORCID iD has a wrong check digit; please check it for typing mistakes."),
            code="orcid_checksum",
        )
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def validate_orcid(value: str) -> None:
    normalize_orcid(value)


def normalize_ror(value: str) -> str:
    """Return the ROR id as its https://ror.org/ URL, or raise ValidationError."""
    match = ROR_RE.match((value or "").strip())
    if not match:
        raise ValidationError(
            _("Enter a ROR ID such as https://ror.org/04ksd4g47 or 04ksd4g47."), code="invalid_ror"
        )
    return f"https://ror.org/{match.group(1)}"


def validate_ror(value: str) -> None:
    normalize_ror(value)
