"""Figures of dashboard 4, DMP review, over the DMPs a viewer follows (`querysets.review_scope_of`):
DMPs by state, days from submission to approval (median and 90th percentile), the open backlog by age,
per department. Every figure is an aggregate query; drill-downs list DMPs through `DMP.objects.visible_to`.

Definitions: the days to approval of one approval run from the first submission of its review round (the
first submission since the previous approval; resubmissions after requested changes continue the round) to
the approval. The open backlog is the DMPs submitted and waiting for a reviewer, aged from their last
submission. The fiscal-year filter means DMPs created and approvals given by the end of that fiscal year."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from portal.dashboards import DashboardLink
from portal.dashboards.charts import Chart, Column, Table
from portal.fiscal import fiscal_year_start
from portal.models import Department

from ..aggregates import DaysBetween, Percentile
from ..models import DMP, DMPStatus, DMPTransition
from ..querysets import ReviewScope, review_scope_of

# (key, label, lower bound in days, upper bound in days)
BACKLOG_AGES = (
    ("lt7", pgettext_lazy("backlog age", "Under 7 days"), None, 7),
    ("7to30", pgettext_lazy("backlog age", "7–30 days"), 7, 30),
    ("30to90", pgettext_lazy("backlog age", "30–90 days"), 30, 90),
    ("gt90", pgettext_lazy("backlog age", "Over 90 days"), 90, None),
)
AGE_KEYS = tuple(key for key, *_rest in BACKLOG_AGES)
STATE_KEYS = tuple(DMPStatus.values)
NO_DEPARTMENT = "none"
DEPARTMENTS_PER_PAGE = 30


def review_filters(*, fiscal_year=None, kind=None, funder=None, prefix="") -> Q:
    """The dashboard's filters as a condition on DMPs (or through `prefix`)."""
    condition = Q()
    if fiscal_year:
        condition &= Q(**{f"{prefix}created_at__lt": fiscal_year_start(fiscal_year + 1)})
    if kind:
        condition &= Q(**{f"{prefix}institution__kind": kind})
    if funder:
        condition &= Q(**{f"{prefix}funder": funder})
    return condition


def age_condition(key: str, now) -> Q:
    _key, _label, low, high = next(age for age in BACKLOG_AGES if age[0] == key)
    condition = Q(status=DMPStatus.SUBMITTED)
    if low is not None:
        condition &= Q(submitted_at__lte=now - datetime.timedelta(days=low))
    if high is not None:
        condition &= Q(submitted_at__gt=now - datetime.timedelta(days=high))
    return condition


def _approvals(scope: ReviewScope, filters: dict):
    """The approvals of the DMPs in scope with their days to approval (a condition on the transitions'
    own columns and their DMPs', no subquery; operators' overall figures read the transitions alone)."""
    fiscal_year = filters.get("fiscal_year")
    approvals = DMPTransition.objects.filter(scope.condition("dmp__"), review_filters(**filters, prefix="dmp__"),
                                             action="approve", round_started_at__isnull=False)
    if fiscal_year:
        approvals = approvals.filter(at__lt=fiscal_year_start(fiscal_year + 1))
    return approvals.annotate(days=DaysBetween(F("at"), F("round_started_at")))


def _turnaround() -> dict:
    return {"approvals": Count("*"), "median": Percentile("days", 0.5), "p90": Percentile("days", 0.9)}


def _days(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _url_maker(filters: dict):
    base = reverse("dmp:dashboard-review-dmps")
    common = {"fiscal_year": filters.get("fiscal_year"), "kind": filters.get("kind"),
              "funder": filters["funder"].code if filters.get("funder") else None}
    common = {k: v for k, v in common.items() if v not in (None, "")}
    return lambda **params: base + "?" + urlencode({**common, **params})


def review_tables(*, scope: ReviewScope, page_number=None, fiscal_year=None, kind=None, funder=None) -> list[Table]:
    """Dashboard 4 in four queries whatever the number of DMPs: counts by department (states and backlog
    ages), approvals' days by department, approvals' days overall, and the departments' names. The
    per-department table shows one page of departments (every department for the CSV when `page_number`
    is None)."""
    filters = {"fiscal_year": fiscal_year, "kind": kind, "funder": funder}
    dmps = DMP.objects.filter(scope.condition(), review_filters(**filters))
    review_dmps_url = _url_maker(filters)
    now = timezone.now()
    # One row per department, state and backlog age (a handful per department), summed up here.
    age = Case(*(When(age_condition(key, now), then=Value(key)) for key in AGE_KEYS), default=Value(""))
    counts = (*STATE_KEYS, *AGE_KEYS, "total")
    groups: dict = {}
    for row in (dmps.annotate(age=age).values("department_id", "status", "age").order_by()
                .annotate(n=Count("*"))):
        into = groups.setdefault(row["department_id"], dict.fromkeys(counts, 0))
        for key in (row["status"], row["age"], "total"):
            if key in into:
                into[key] += row["n"]
    times = {row["dmp__department_id"]: row for row in
             _approvals(scope, filters).values("dmp__department_id").order_by().annotate(**_turnaround())}
    overall = _approvals(scope, filters).aggregate(**_turnaround())
    departments = Department.objects.select_related("institution").in_bulk(
        [key for key in {*groups, *times} if key])
    rows = []
    for department_id in {*groups, *times}:
        group = groups.get(department_id, {})
        department = departments.get(department_id)
        time = times.get(department_id, {})
        rows.append({
            "key": department_id or NO_DEPARTMENT,
            "department": str(department) if department else _("No department"),
            "institution": department.institution.name if department else "",
            "sort": (department.institution.code, department.name_ja) if department else ("~", ""),
            **{key: group.get(key, 0) for key in counts},
            "backlog": group.get(DMPStatus.SUBMITTED, 0),
            "approvals": time.get("approvals", 0), "median": _days(time.get("median")),
            "p90": _days(time.get("p90")),
        })
    rows.sort(key=lambda r: r["sort"])
    totals = {key: sum(r[key] for r in rows) for key in (*counts, "backlog")}
    page = None
    if page_number is not None:
        page = Paginator(rows, DEPARTMENTS_PER_PAGE).get_page(page_number)
        rows = list(page.object_list)
    totals.update(approvals=overall["approvals"], median=_days(overall["median"]), p90=_days(overall["p90"]))
    state_labels = dict(DMPStatus.choices)

    by_state = Table(
        name="by-state",
        caption=_("DMPs by review state"),
        columns=[Column("state", _("State"), "text"), Column("count", _("DMPs"))],
        rows=[{"state": str(state_labels[state]), "count": totals[state]} for state in STATE_KEYS],
        footer={"state": _("All DMPs"), "count": totals["total"]},
        chart=Chart(label="state", series=("count",)),
        links={(i, "count"): review_dmps_url(state=state) for i, state in enumerate(STATE_KEYS)},
        note=_("Days from submission to approval, over %(approvals)s approvals: median %(median)s, "
               "90th percentile %(p90)s.") % {"approvals": totals["approvals"], **{
                   key: "—" if totals[key] is None else totals[key] for key in ("median", "p90")}},
    )
    backlog = Table(
        name="backlog",
        caption=_("Open backlog: submitted DMPs waiting for review, by days waiting"),
        columns=[Column("age", _("Waiting"), "text"), Column("count", _("DMPs"))],
        rows=[{"age": str(label), "count": totals[key]} for key, label, *_rest in BACKLOG_AGES],
        footer={"age": _("All waiting"), "count": totals["backlog"]},
        chart=Chart(label="age", series=("count",)),
        links={(i, "count"): review_dmps_url(age=key) for i, key in enumerate(AGE_KEYS)},
    )
    by_department = Table(
        name="by-department",
        caption=_("DMP review per department"),
        columns=[
            Column("department", _("Department"), "text"), Column("institution", _("Institution"), "text"),
            *(Column(state, str(state_labels[state])) for state in STATE_KEYS), Column("total", _("DMPs")),
            *(Column(key, _("Waiting %(age)s") % {"age": str(label).lower()}) for key, label, *_r in BACKLOG_AGES),
            Column("approvals", _("Approvals")), Column("median", _("Median days to approval")),
            Column("p90", _("90th percentile of days to approval")),
        ],
        rows=rows,
        footer={"department": _("All departments"), "institution": "", **totals},
        chart=Chart(label="department", series=STATE_KEYS),
        links={
            **{(i, "total"): review_dmps_url(department=r["key"]) for i, r in enumerate(rows)},
            **{(i, DMPStatus.SUBMITTED): review_dmps_url(department=r["key"], state=DMPStatus.SUBMITTED)
               for i, r in enumerate(rows)},
        },
        page=page,
        note=_("Days to approval run from the first submission of a review round (resubmissions after requested "
               "changes continue it) to the approval. The backlog ages from the last submission."),
    )
    return [by_state, backlog, by_department]


def review_dmps(*, user, scope: ReviewScope):
    """The DMPs behind dashboard 4's figures (narrowed by `filters.ReviewDMPFilterSet`), through the
    visibility rule, newest change first."""
    return (DMP.objects.visible_to(user).filter(scope.condition())
            .select_related("project__department", "project__institution", "project__program__funder")
            .defer("answers").order_by("-updated_at", "-pk"))


def dashboard_links(user) -> list[DashboardLink]:
    if review_scope_of(user=user) is None:
        return []
    return [DashboardLink(50, _("DMP review"), reverse("dmp:dashboard-review"),
                          _("DMPs by state, days from submission to approval, the open backlog by days waiting, "
                            "per department."))]
