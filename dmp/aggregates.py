"""Database functions for the DMP review dashboard, one query on PostgreSQL and on SQLite alike.

`Percentile(expr, fraction)` is the continuous percentile (linear interpolation between the two nearest
values): PostgreSQL's ordered-set aggregate `percentile_cont(fraction) WITHIN GROUP (ORDER BY expr)`; on
SQLite, which has no such aggregate, the same computation registered on each new connection
(`register_sqlite_functions`, connected in `DmpConfig.ready`), like Django's own SQLite functions.
`DaysBetween(end, start)` is the time between two datetimes in (fractional) days."""

import math

from django.db.models import Aggregate, FloatField, Func


class Percentile(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="%(function)s(%(expressions)s, %(fraction)s)",
                           **extra_context)


class DaysBetween(Func):
    output_field = FloatField()
    arity = 2
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(JULIANDAY(%(expressions)s))",
                           arg_joiner=") - JULIANDAY(", **extra_context)


class _SQLitePercentile:
    def __init__(self):
        self.values, self.fraction = [], None

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        position = (len(values) - 1) * self.fraction
        low, high = math.floor(position), math.ceil(position)
        return values[low] + (values[high] - values[low]) * (position - low)


def register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("PERCENTILE_CONT", 2, _SQLitePercentile)
