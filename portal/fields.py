"""Text fields for everything that may leave the portal (pages, API, exports, OAI-PMH). Every model's free text
uses one of them, so the forms, the API, the sheet and maDMP imports and the admin site all refuse characters
that XML and e-mail cannot carry (`portal.validators.validate_text`)."""

from django.db import models

from .validators import normalize_identifier, validate_line, validate_text


class LineField(models.CharField):
    """One line of text: no control characters, no line breaks."""

    default_validators = [validate_line]


class MultilineField(models.TextField):
    """Paragraphs: no control characters but tab and line breaks."""

    default_validators = [validate_text]


class IdentifierField(LineField):
    """An identifier (体系的番号, e-Rad number, program code, ORCID, ROR, DOI), kept in its NFKC form: full-width
    ＪＰＭＪＣＲ２４Ｗ９ is stored and looked up as JPMJCR24W9. Normalised on validation, on save and in lookups."""

    def to_python(self, value):
        return normalize_identifier(super().to_python(value))

    def get_prep_value(self, value):
        return normalize_identifier(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = normalize_identifier(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
