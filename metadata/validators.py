"""Format rules of single elements (metadata-elements.md §7.6). Cross-field and completeness rules live
on the model (`ManagedData.completeness_errors`)."""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

SIZE_RE = re.compile(r"^[><]?([0-9]+(\.[0-9]+)?-)?([0-9]+)(\.[0-9]+)? ?([A-Za-z]*B)$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{6,20}$")
DOI_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.[0-9]{4,}(?:\.[0-9]+)*/\S+)$", re.IGNORECASE)


def validate_file_size(value: str) -> None:
    if not SIZE_RE.match(value or ""):
        raise ValidationError(
            _("Enter an approximate size such as 852.95KB, <10GB or 100-200MB."), code="invalid_size"
        )


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(value or ""):
        raise ValidationError(
            _("Enter a phone number with digits, +, - and spaces only (6 to 20 characters)."), code="invalid_phone"
        )


def doi_from(value: str) -> str | None:
    """The bare DOI (10.xxxx/…) if `value` is a DOI or a doi.org URL, else None."""
    match = DOI_RE.match((value or "").strip())
    return match.group(1) if match else None


@lru_cache(maxsize=4096)  # a save normalises, then validates, the same value; refusals are not remembered
def normalize_repository_url(value: str) -> str:
    """A bare DOI becomes its https://doi.org/ URL; anything else must be an http(s) URL."""
    value = (value or "").strip()
    doi = doi_from(value)
    if doi:
        return f"https://doi.org/{doi}"
    if value.lower().startswith(("10.", "doi:", "https://doi.org/", "http://doi.org/")):
        raise ValidationError(
            _("This is not a valid DOI. A DOI looks like 10.1234/abcd (or https://doi.org/10.1234/abcd)."),
            code="invalid_doi",
        )
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(
            _("Enter a web address starting with https:// or a DOI such as 10.1234/abcd."), code="invalid_url"
        ) from None
    return value


def validate_repository_url(value: str) -> None:
    normalize_repository_url(value)
