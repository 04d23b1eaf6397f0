"""Spreadsheet files the portal writes. Every CSV goes through `csv_writer`, which neutralises the cells a
spreadsheet program would run as a formula (OWASP "CSV injection"): text starting with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a leading `'`. A cell that starts with quotes before such a character gets
one more, so `csv_unescape` (what an import applies) gives back exactly what was written."""

import csv

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_escape(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


def csv_unescape(text: str) -> str:
    """The cell as it was before `csv_escape`."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START) else text


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([csv_escape(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> _SafeWriter:
    """`csv.writer(out, **kwargs)` whose rows are neutralised cell by cell."""
    return _SafeWriter(csv.writer(out, **kwargs))


def csv_response(filename: str) -> tuple[HttpResponse, _SafeWriter]:
    """A CSV download (UTF-8 with a byte-order mark, so spreadsheet programs read Japanese correctly) and the
    writer to fill it with."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv_writer(response)
