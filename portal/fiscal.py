"""The Japanese fiscal year, defined once: it starts on 1 April in the portal's time zone
(`settings.TIME_ZONE`). `FiscalYear(datetime)` is the same rule as a database function, immutable, so a
generated column can hold it."""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Func, IntegerField
from django.utils import timezone

START_MONTH = 4


def fiscal_year_of(day: datetime.date) -> int:
    return day.year if day.month >= START_MONTH else day.year - 1


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def fiscal_year_end(year: int) -> datetime.date:
    """The last day of fiscal year `year`."""
    return fiscal_year_start(year + 1).date() - datetime.timedelta(days=1)


def fiscal_year_start(year: int) -> datetime.datetime:
    """The first moment of fiscal year `year`, in the portal's time zone."""
    return datetime.datetime(year, START_MONTH, 1, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


class FiscalYear(Func):
    output_field = IntegerField()
    arity = 1
    template = (f"CAST(EXTRACT(YEAR FROM ((%(expressions)s AT TIME ZONE %%s) - INTERVAL '{START_MONTH - 1} months'))"
                " AS integer)")

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return sql, (*params, settings.TIME_ZONE)

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite knows no time zones: the zone's offset now (fixed for Japan, which has no summer time).
        offset = timezone.now().astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).utcoffset()
        sql, params = super().as_sql(
            compiler, connection, template="CAST(SUBSTR(DATETIME(%(expressions)s, %%s, %%s), 1, 4) AS integer)",
            **extra_context)
        return sql, (*params, f"{offset.total_seconds() / 3600:+.0f} hours", f"-{START_MONTH - 1} months")
