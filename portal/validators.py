"""Validators used across the portal: clean text for every text field, and identifiers (e-Rad researcher
numbers, ORCID iDs, ROR ids), which are compared in their NFKC form so that full-width input is accepted."""

import re
import unicodedata

import magic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERAD_RE = re.compile(r"^[0-9]{8}$")
ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)
ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}[0-9]{2})$")
# The Japan Grant Number (体系的番号) as the funders issue it: JP and ASCII letters and digits, case kept. JST
# writes JPMJCR24W9, JSPS JP24K00366, AMED JP21km0908001 (the first 11 characters of its 課題管理番号, lower-case
# letters included); tests/portal/test_identifiers.py lists the formats collected from the funders' guidance.
GRANT_NUMBER_RE = re.compile(r"^JP[A-Za-z0-9]+$")


def validate_erad_researcher_number(value: str) -> None:
    if not ERAD_RE.fullmatch(normalize_identifier(value or "")):
        raise ValidationError(
            _("Enter the e-Rad researcher number as 8 half-width digits, e.g. 12345678."),
            code="invalid_erad",
        )


def validate_grant_number(value: str) -> None:
    if not GRANT_NUMBER_RE.fullmatch(normalize_identifier(value or "")):
        raise ValidationError(
            _("Enter the Japan Grant Number as the funder issued it: JP followed by letters and digits, e.g. "
              "JPMJPF2101 (JST), JP24K00366 (KAKENHI) or JP21km0908001 (AMED)."),
            code="invalid_grant_number",
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
    match = ORCID_RE.match(normalize_identifier(value or ""))
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
    match = ROR_RE.match(normalize_identifier(value or ""))
    if not match:
        raise ValidationError(
            _("Enter a ROR ID such as https://ror.org/04ksd4g47 or 04ksd4g47."), code="invalid_ror"
        )
    return f"https://ror.org/{match.group(1)}"


def validate_ror(value: str) -> None:
    normalize_ror(value)


# Characters that XML 1.0 cannot carry and no one types on purpose: C0/C1 controls (tab, line feed and carriage
# return excepted), lone surrogates (from JSON such as "\ud800") and the noncharacters U+FFFE/U+FFFF. One pasted
# vertical tab (what Word writes for a soft return) would otherwise break every OAI-PMH harvest page.
CONTROL_NAMES = {"\x00": "NUL", "\x0b": "VT", "\x0c": "FF", "\x1b": "ESC", "\x7f": "DEL", "\x85": "NEL"}
ILLEGAL_TEXT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LINE_BREAK_RE = re.compile("[\r\n]")


def describe_character(char: str) -> str:
    """U+000B (VT): how an error names an invisible character."""
    code = f"U+{ord(char):04X}"
    name = CONTROL_NAMES.get(char)
    return f"{code} ({name})" if name else code


def validate_text(value) -> None:
    """Every text field whose value may leave the portal: no control characters but tab and line breaks."""
    match = ILLEGAL_TEXT_RE.search(value or "") if isinstance(value, str) else None
    if match:
        raise ValidationError(
            _("Remove the invisible character %(character)s at position %(position)d: it cannot be stored "
              "(it is often pasted from a word processor)."),
            code="control_character",
            params={"character": describe_character(match.group()), "position": match.start() + 1},
        )


def validate_line(value) -> None:
    """Single-line text: `validate_text`, and no line breaks."""
    validate_text(value)
    match = LINE_BREAK_RE.search(value or "") if isinstance(value, str) else None
    if match:
        raise ValidationError(
            _("Remove the line break at position %(position)d: this field holds a single line."),
            code="line_break",
            params={"position": match.start() + 1},
        )


def normalize_identifier(value):
    """Identifiers as issued, but half-width: NFKC turns ＪＰＭＪＣＲ２４Ｗ９ into JPMJCR24W9 and １２３４５６７８ into
    12345678. Case is kept (AMED's numbers are written with lower-case letters)."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def normalize_search_text(value: str) -> str:
    """The form in which text is searched: NFKC (full-width ＢＭＩ is BMI, half-width ｺｰﾊﾟｽ is コーパス), lower case."""
    return unicodedata.normalize("NFKC", value or "").lower()


def validate_pdf(value) -> None:
    """A newly uploaded file must be a PDF by its content (libmagic reads its first bytes: `%PDF-`), whatever
    its name says. A file already stored was checked when it came in."""
    if getattr(value, "_committed", False):
        return
    head = value.read(2048)
    value.seek(0)
    if magic.from_buffer(head, mime=True) != "application/pdf":
        raise ValidationError(_("The document must be a PDF file; this file is not one (its content was checked, "
                                "not its name)."), code="not_pdf")
