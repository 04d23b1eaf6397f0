"""Figures of the managed-data dashboards. Counts come from aggregate queries over a scope (national:
published records; an institution's or a funder's: every record but withdrawn ones), a record with several
versions once, as its latest version (`ManagedData.latest_version`). Drill-downs list
records through `ManagedData.objects.visible_to(user)`, so they never show a record the viewer may not see.

Definitions (per project, dashboard 5): planned — every record of the project's data list but withdrawn
ones; registered — submitted, returned or published; published; closed with a stated reason — closed
records whose remarks (備考) say why; embargo past due — embargoed, date passed, not yet lifted. The e-Rad
metadata counts (メタデータ件数) are the registered records by access right."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dmp.models import Project, ResearchField
from policy.models import FundingProgram
from policy.selectors import funders_of, managed_institutions
from portal.dashboards import DashboardLink
from portal.dashboards.charts import Chart, Column, Table, percent
from portal.models import Funder, Institution

from ..models import ManagedData
from ..vocabularies import ACCESS_RIGHT_SLUG, AccessRight, Status

ACCESS_KEYS = tuple(ACCESS_RIGHT_SLUG.values())  # open, shared, closed, embargoed
SLUG_ACCESS = {slug: value for value, slug in ACCESS_RIGHT_SLUG.items()}
REGISTERED = (Status.SUBMITTED, Status.RETURNED, Status.PUBLISHED)
BREAKDOWNS = {
    "year": gettext_lazy("Fiscal year registered"),
    "field": gettext_lazy("Research field"),
    "funder": gettext_lazy("Funder"),
    "program": gettext_lazy("Funding program"),
    "institution": gettext_lazy("Institution"),
}
UPCOMING_EMBARGO_MONTHS = 12


@dataclass(frozen=True)
class Scope:
    """Whose figures: national (neither given), one institution's, or one funder's programs'."""

    institution: Institution | None = None
    funder: Funder | None = None

    def records(self, records=None):
        """`records` (all by default) narrowed to the scope (`ManagedDataQuerySet.in_dashboard_scope`)."""
        records = ManagedData.objects.all() if records is None else records
        return records.in_dashboard_scope(institution=self.institution, funder=self.funder)

    def project_records(self, user):
        """Every record (but withdrawn ones) of the projects `user` may see in the scope. The viewers of a
        scoped dashboard (its institution's admins, its funder's officers) see every project in it, and
        operators see all, so only the national view of other users needs the projects' rule."""
        if self.institution or self.funder:
            return self.records()
        return ManagedData.objects.of_projects_visible_to(user)

    def projects(self, user):
        projects = Project.objects.visible_to(user)
        if self.institution:
            projects = projects.filter(institution=self.institution)
        if self.funder:
            projects = projects.filter(program__funder=self.funder)
        return projects

    @property
    def param(self) -> str:
        """The scope as a query parameter of the drill-down page."""
        if self.institution:
            return f"institution:{self.institution.pk}"
        return f"funder:{self.funder.code}" if self.funder else ""


def dashboard_links(user) -> list[DashboardLink]:
    """Dashboards 3 and 5 on the index, and the institution and funder dashboards (6) `user` may open."""
    links = [DashboardLink(30, _("Managed data"), reverse("dashboards:managed-data"), _(
        "Published records by access right, research field, funder, program, institution and year; DOIs; "
        "embargo ends."))]
    if not user.is_authenticated:
        return links
    links.append(DashboardLink(40, _("DMP compliance"), reverse("dashboards:compliance"), _(
        "Per project: planned, registered and published data, closed data with reasons, embargoes past due, "
        "e-Rad metadata counts.")))
    links += [DashboardLink(60, _("Institution dashboard: %(name)s") % {"name": institution.name},
                            reverse("dashboards:institution", args=[institution.pk]),
                            _("Your institution's own figures."))
              for institution in managed_institutions(user=user)[:50]]
    links += [DashboardLink(70, _("Funder dashboard: %(name)s") % {"name": funder.name},
                            reverse("dashboards:funder", args=[funder.code]), _("Figures of your funder's programs."))
              for funder in funders_of(user=user)]
    return links


def filter_records(records, *, fiscal_year=None, kind=None, funder=None):
    """The dashboards' filters on records: registered by the end of `fiscal_year`, at institutions of
    `kind`, under programs of `funder`."""
    if fiscal_year:
        records = records.filter(fiscal_year__lte=fiscal_year)
    if kind:
        records = records.filter(institution__kind=kind)
    if funder:
        records = records.filter(funder=funder)
    return records


COUNTS = (*ACCESS_KEYS, "total", "doi")
# The column each breakdown groups by: plain columns of the record (the project's program, funder and field
# are copied onto it), so that each count reads one narrow partial index alone (see ManagedData.Meta).
GROUP_COLUMNS = {"year": "fiscal_year", "field": "effective_field", "funder": "program_id",
                 "program": "program_id", "institution": "institution_id"}


def _counts(records, column: str) -> dict:
    """One aggregate query: the number of records per value of `column`, access right and DOI or not
    (a handful of rows per value), folded into the counts by access right, total and DOIs per value."""
    counts: dict = {}
    for row in records.values(column, "access_right", "has_doi").order_by().annotate(n=Count("*")):
        into = counts.setdefault(row[column], dict.fromkeys(COUNTS, 0))
        if row["access_right"] in ACCESS_RIGHT_SLUG:
            into[ACCESS_RIGHT_SLUG[row["access_right"]]] += row["n"]
        into["total"] += row["n"]
        into["doi"] += row["n"] if row["has_doi"] else 0
    return counts


def _fold(counts: dict, key) -> dict:
    """Counts per value summed into groups named by `key(value)`."""
    groups: dict = {}
    for value, figures in counts.items():
        into = groups.setdefault(key(value), dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            into[name] += figures[name]
    return groups


def _with_shares(row: dict) -> dict:
    row["unset"] = row["total"] - sum(row[k] for k in ACCESS_KEYS)
    row["doi_share"] = percent(row["doi"], row["total"])
    return row


def _group(records, by: str) -> list[dict]:
    """One aggregate query: counts by access right and DOI per value of the breakdown `by` (and one
    query naming the programs or institutions found)."""
    counts = _counts(records, GROUP_COLUMNS[by])
    if by == "year":
        return [{"key": y, "label": _("FY%(year)s") % {"year": y}, **counts[y]} for y in sorted(counts)]
    if by == "field":
        labels = dict(ResearchField.choices)
        return [{"key": f, "label": labels.get(f, f), **counts[f]} for f in sorted(counts)]
    if by in ("funder", "program"):
        # Name the programs and roll them up to funders in one small query (every record has its program
        # copy: the database keeps it, `metadata.db_triggers`).
        programs = FundingProgram.objects.select_related("funder").in_bulk(list(counts))
        if by == "program":
            named = [{"key": pk, "label": f"{programs[pk].funder.code} {programs[pk].name}", **counts[pk]}
                     for pk in counts]
            return sorted(named, key=lambda r: r["label"])
        funders = _fold(counts, lambda pk: programs[pk].funder)
        return [{"key": f.code, "label": f.name, **funders[f]} for f in sorted(funders, key=lambda f: f.code)]
    institutions = Institution.objects.in_bulk(list(counts))
    named = [{"key": pk, "label": institutions[pk].name, **counts[pk]} for pk in counts]
    return sorted(named, key=lambda r: institutions[r["key"]].code)


def _access_columns() -> list[Column]:
    return [Column(slug, str(AccessRight(value).label)) for value, slug in ACCESS_RIGHT_SLUG.items()]


def records_url(scope: Scope, filters: dict, **params) -> str:
    query = {"scope": scope.param, "fiscal_year": filters.get("fiscal_year"), "kind": filters.get("kind"),
             "funder": filters["funder"].code if filters.get("funder") else None, **params}
    return reverse("dashboards:records") + "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})


def managed_data_tables(*, scope: Scope, by: str = "year", fiscal_year=None, kind=None, funder=None) -> list[Table]:
    """Dashboard 3: totals by access right with the share carrying a DOI; the breakdown `by` year, field,
    funder, program or institution; embargo ends in the coming months."""
    filters = {"fiscal_year": fiscal_year, "kind": kind, "funder": funder}
    records = filter_records(scope.records(), **filters)
    groups = [_with_shares(g) for g in _group(records, by)]
    totals = _with_shares({k: sum(g[k] for g in groups) for k in COUNTS})
    access_rows = [{"access": str(AccessRight(value).label), "count": totals[slug],
                    "share": percent(totals[slug], totals["total"])} for value, slug in ACCESS_RIGHT_SLUG.items()]
    summary = Table(
        name="by-access-right",
        caption=_("Managed data by access right"),
        columns=[Column("access", _("Access rights"), "text"), Column("count", _("Records")),
                 Column("share", _("Share"), "percent")],
        rows=access_rows,
        footer={"access": _("All records"), "count": totals["total"], "share": None},
        chart=Chart(label="access", series=("count",)),
        links={(i, "count"): records_url(scope, filters, access=slug) for i, slug in enumerate(ACCESS_KEYS)},
        note=_("%(doi)s of %(total)s records carry a DOI (%(share)s %%).") % {
            "doi": totals["doi"], "total": totals["total"], "share": totals["doi_share"] or 0},
    )
    breakdown = Table(
        name=f"by-{by}",
        caption=_("Managed data by %(dimension)s") % {"dimension": str(BREAKDOWNS[by]).lower()},
        columns=[Column("label", str(BREAKDOWNS[by]), "text"), *_access_columns(),
                 Column("unset", _("Access rights not set")), Column("total", _("Records")),
                 Column("doi", _("With a DOI")), Column("doi_share", _("DOI share"), "percent")],
        rows=groups,
        footer={"label": _("All records"), **totals},
        chart=Chart(label="label", series=(*ACCESS_KEYS, "unset")),
        links={(i, "total"): records_url(scope, filters, by=by, value=g["key"]) for i, g in enumerate(groups)},
    )
    today = timezone.localdate()
    until = today.replace(day=1) + datetime.timedelta(days=31 * UPCOMING_EMBARGO_MONTHS)
    months = (records.filter(access_right=AccessRight.EMBARGOED, embargo_until__gt=today, embargo_until__lt=until)
              .annotate(month=TruncMonth("embargo_until")).values("month").order_by("month")
              .annotate(count=Count("*")))
    embargoes = Table(
        name="embargo-ends",
        caption=_("Embargo ends in the coming twelve months"),
        columns=[Column("month", _("Month"), "text"), Column("count", _("Records"))],
        rows=[{"month": m["month"].strftime("%Y-%m"), "count": m["count"]} for m in months],
        chart=Chart(label="month", series=("count",)),
        links={(i, "count"): records_url(scope, filters, embargo_month=m["month"].strftime("%Y-%m"))
               for i, m in enumerate(months)},
    )
    return [summary, breakdown, embargoes]


def visible_records(*, user, scope: Scope):
    """The records behind the figures (narrowed by `filters.RecordFilterSet`): the same scope, through the
    visibility rule, newest first."""
    return scope.records(ManagedData.objects.visible_to(user)).select_related("project", "institution").order_by("-pk")


# Dashboard 5: DMP compliance and e-Rad metadata counts ----------------------------------------------

def _project_counts(records_filter: Q) -> dict:
    """Every figure of dashboard 5 as a condition on a project's records."""
    registered = Q(status__in=REGISTERED)
    closed = Q(access_right=AccessRight.CLOSED)
    reason = ~Q(remarks_ja="") | ~Q(remarks_en="")
    figures = {
        "planned": Q(),
        "registered": registered,
        "public": Q(status=Status.PUBLISHED),
        "closed_reason": closed & reason,
        "closed_no_reason": closed & ~reason,
        "embargo_due": Q(access_right=AccessRight.EMBARGOED, embargo_until__lte=timezone.localdate(),
                         embargo_lifted_at=None),
        **{f"erad_{slug}": registered & Q(access_right=value) for value, slug in ACCESS_RIGHT_SLUG.items()},
    }
    return {name: q & records_filter & ~Q(status=Status.WITHDRAWN) & Q(latest_version=True)
            for name, q in figures.items()}


def _subquery_count(condition: Q):
    return Coalesce(Subquery(
        ManagedData.objects.filter(condition, project=OuterRef("pk")).order_by().values("project")
        .annotate(n=Count("pk")).values("n"),
        output_field=IntegerField()), Value(0))


def compliance_projects(*, user, scope: Scope, fiscal_year=None, kind=None, funder=None):
    """The projects the viewer may see in the scope, each annotated with dashboard 5's figures (each a
    subquery on the project's records, so a page of projects costs one query)."""
    projects = scope.projects(user).select_related("program__funder", "institution")
    if kind:
        projects = projects.filter(institution__kind=kind)
    if funder:
        projects = projects.filter(program__funder=funder)
    records_filter = Q(fiscal_year__lte=fiscal_year) if fiscal_year else Q()
    figures = _project_counts(records_filter)
    return projects.annotate(**{name: _subquery_count(q) for name, q in figures.items()}).order_by("grant_number")


def _compliance_totals(records) -> dict:
    """Dashboard 5's figures over `records`, in three aggregate queries, each reading one narrow index
    alone: counts by state and access right, closed records without a reason, embargoes past due."""
    totals = dict.fromkeys(COMPLIANCE_FIGURES, 0)
    closed = 0
    for row in records.values("status", "access_right").order_by().annotate(n=Count("*")):
        totals["planned"] += row["n"]
        closed += row["n"] if row["access_right"] == AccessRight.CLOSED else 0
        if row["status"] in REGISTERED:
            totals["registered"] += row["n"]
            if row["access_right"] in ACCESS_RIGHT_SLUG:
                totals[f"erad_{ACCESS_RIGHT_SLUG[row['access_right']]}"] += row["n"]
        if row["status"] == Status.PUBLISHED:
            totals["public"] += row["n"]
    # The conditions are those of the partial indexes md_dash_closed_no_reason and md_dash_embargo.
    totals["closed_no_reason"] = records.filter(access_right=AccessRight.CLOSED, remarks_ja="", remarks_en="").count()
    totals["closed_reason"] = closed - totals["closed_no_reason"]
    totals["embargo_due"] = records.filter(access_right=AccessRight.EMBARGOED, embargo_until__lte=timezone.localdate(),
                                           embargo_lifted_at=None).count()
    return totals


COMPLIANCE_FIGURES = ("planned", "registered", "public", "closed_reason", "closed_no_reason", "embargo_due",
                      *(f"erad_{slug}" for slug in ACCESS_KEYS))


def compliance_tables(*, user, scope: Scope, page_number=None, fiscal_year=None, kind=None, funder=None):
    """Dashboard 5: totals over the viewer's projects and the per-project table (a page of it, or every
    project for the CSV when `page_number` is None)."""
    filters = {"fiscal_year": fiscal_year, "kind": kind, "funder": funder}
    projects = compliance_projects(user=user, scope=scope, **filters)
    totals = _compliance_totals(filter_records(scope.project_records(user), **filters))
    labels = {
        "planned": _("Planned in the DMP"), "registered": _("Registered"), "public": _("Published"),
        "closed_reason": _("Closed, reason stated"), "closed_no_reason": _("Closed, no reason stated"),
        "embargo_due": _("Embargo past due"),
        **{f"erad_{slug}": _("e-Rad count: %(access)s") % {"access": AccessRight(value).label}
           for value, slug in ACCESS_RIGHT_SLUG.items()},
    }
    summary = Table(
        name="summary",
        caption=_("DMP compliance of the projects you may see"),
        columns=[Column("figure", _("Figure"), "text"), Column("count", _("Records"))],
        rows=[{"figure": labels[name], "count": totals[name]} for name in COMPLIANCE_FIGURES[:6]],
        chart=Chart(label="figure", series=("count",)),
    )
    page = None
    if page_number is not None:
        page = Paginator(projects, 50).get_page(page_number)
        rows_source = page.object_list
    else:
        rows_source = projects.iterator(chunk_size=2000)
    rows, links = [], {}
    for index, project in enumerate(rows_source):
        rows.append({"grant": project.grant_number, "name": project.name, "funder": project.program.funder.code,
                     **{name: getattr(project, name) for name in COMPLIANCE_FIGURES}})
        links[(index, "planned")] = records_url(scope, filters, project=project.pk)
    per_project = Table(
        name="projects",
        caption=_("Per project: planned, registered and published data, and the e-Rad metadata counts"),
        columns=[Column("grant", _("Japan Grant Number"), "text"), Column("name", _("Project"), "text"),
                 Column("funder", _("Funder"), "text"), *(Column(name, labels[name]) for name in COMPLIANCE_FIGURES)],
        rows=rows,
        footer={"grant": _("All projects"), "name": "", "funder": "", **totals},
        links=links,
        page=page,
        note=_("e-Rad counts are the registered records by access right, as reported to e-Rad with the annual "
               "results (メタデータ件数)."),
    )
    return [summary, per_project]
