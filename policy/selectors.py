"""Reads for policies, programs and the adoption dashboards (1: data policies by institution kind,
2: DMP requirements of competitive programs). Every figure comes from an aggregate query."""

from types import SimpleNamespace

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.dashboards import DashboardLink
from portal.dashboards.charts import Chart, Column, Table, percent
from portal.fiscal import fiscal_year_end
from portal.i18n import pick
from portal.models import Institution, Role
from portal.permissions import funders_where, institutions_where

from .models import DataPolicy, ProgramRequirement

# The kinds the government's target covers: 100 % adoption by FY2025.
TARGET_KINDS = (Institution.Kind.NATIONAL_UNIVERSITY, Institution.Kind.INTER_UNIVERSITY,
                Institution.Kind.NATIONAL_RD_AGENCY)
TARGET_FISCAL_YEAR = 2025
Level = ProgramRequirement.Level


def _name(values: dict, prefix: str) -> str:
    return pick(SimpleNamespace(**{f"name_{lang}": values[f"{prefix}name_{lang}"] for lang in ("ja", "en")}), "name")


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


# Policies --------------------------------------------------------------------------------------------

def institution_policy_list(*, kind=None, adopted=None):
    """Every institution with its adopted policy (`adopted_policies`, zero or one), for the public page."""
    institutions = Institution.objects.order_by("kind", "code").prefetch_related(
        Prefetch("data_policies", queryset=DataPolicy.objects.adopted(), to_attr="adopted_policies")
    )
    if kind:
        institutions = institutions.filter(kind=kind)
    if adopted is not None:
        has_policy = Exists(DataPolicy.objects.adopted().filter(institution=OuterRef("pk")))
        institutions = institutions.filter(has_policy if adopted else ~has_policy)
    return institutions


def institution_policies(*, user, institution):
    """An institution's policies that `user` may see, newest first."""
    return DataPolicy.objects.visible_to(user).filter(institution=institution).order_by("-pk")


def managed_institutions(*, user):
    """The institutions whose policies `user` administers."""
    return institutions_where(user, Role.INSTITUTION_ADMIN)


# Dashboards 1 and 2 on the index ------------------------------------------------------------------------

def dashboard_links(user) -> list[DashboardLink]:
    return [
        DashboardLink(10, _("Data-policy adoption"), reverse("policy:dashboard-policy-adoption"),
                      _("Institutions with an adopted data policy, by kind, against the %(target)s target for "
                        "FY2025.") % {"target": "100 %"}),
        DashboardLink(20, _("DMP requirements of funding programs"), reverse("policy:dashboard-program-requirements"),
                      _("Competitive programs requiring a DMP and linked metadata, per fiscal year and funder.")),
    ]


# Dashboard 1: data-policy adoption by institution kind -------------------------------------------------

def policy_adoption_tables(*, fiscal_year=None, kind=None) -> list[Table]:
    """Adoption as of the end of `fiscal_year` (today when not given): adopted then, and not superseded
    by nothing — a superseded policy was in force before its successor."""
    day = fiscal_year_end(fiscal_year) if fiscal_year else timezone.localdate()
    institutions = Institution.objects.all()
    if kind:
        institutions = institutions.filter(kind=kind)
    has_policy = Exists(DataPolicy.objects.adopted_by(day).filter(institution=OuterRef("pk")))
    counts = {
        row["kind"]: row
        for row in institutions.values("kind").order_by().annotate(
            total=Count("pk"), adopted=Count("pk", filter=Q(has_policy)))
    }
    rows, links = [], {}
    for value, label in Institution.Kind.choices:
        if kind and value != kind:
            continue
        c = counts.get(value, {"total": 0, "adopted": 0})
        links[(len(rows), "missing")] = _url("policy:data-policy-list", kind=value, adopted="no")
        links[(len(rows), "total")] = _url("policy:data-policy-list", kind=value)
        rows.append({
            "kind": label, "total": c["total"], "adopted": c["adopted"], "missing": c["total"] - c["adopted"],
            "rate": percent(c["adopted"], c["total"]),
            "target": 100 if value in TARGET_KINDS else None,
        })
    total = sum(r["total"] for r in rows)
    adopted = sum(r["adopted"] for r in rows)
    summary = Table(
        name="by-kind",
        caption=_("Institutions with an adopted data policy, by kind of institution"),
        columns=[
            Column("kind", _("Kind of institution"), "text"),
            Column("total", _("Institutions")),
            Column("adopted", _("With an adopted policy")),
            Column("missing", _("Without")),
            Column("rate", _("Adoption rate"), "percent"),
            Column("target", _("Target for FY%(year)s") % {"year": TARGET_FISCAL_YEAR}, "percent"),
        ],
        rows=rows,
        footer={"kind": _("All kinds"), "total": total, "adopted": adopted, "missing": total - adopted,
                "rate": percent(adopted, total), "target": None},
        chart=Chart(label="kind", series=("rate",), percent=True, target=100),
        links=links,
    )
    missing = institutions.filter(~has_policy).order_by("kind", "code")
    missing_table = Table(
        name="without-policy",
        caption=_("Institutions still without an adopted data policy"),
        columns=[Column("name", _("Institution"), "text"), Column("kind", _("Kind of institution"), "text"),
                 Column("code", _("Institution code"), "text")],
        rows=[{"name": i.name, "kind": i.get_kind_display(), "code": i.code} for i in missing],
    )
    return [summary, missing_table]


# Dashboard 2: DMP requirement across competitive programs -------------------------------------------

def _level_counts():
    return {
        "total": Count("pk"),
        "yes": Count("pk", filter=Q(dmp_required=Level.YES)),
        "partly": Count("pk", filter=Q(dmp_required=Level.PARTLY)),
        "no": Count("pk", filter=Q(dmp_required=Level.NO)),
        "metadata": Count("pk", filter=Q(metadata_required=True)),
    }


def _level_row(values: dict) -> dict:
    adopted = values["yes"] + values["partly"]
    return {"total": values["total"], "yes": values["yes"], "partly": values["partly"], "adopted": adopted,
            "no": values["no"], "metadata": values["metadata"], "rate": percent(adopted, values["total"])}


def _level_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("total", _("Competitive programs")),
        Column("yes", _("Required")),
        Column("partly", _("Partly required")),
        Column("adopted", _("Adopted (incl. partly)")),
        Column("no", _("Not adopted")),
        Column("metadata", _("Linked metadata required")),
        Column("rate", pgettext("program requirement", "Adoption rate"), "percent"),
    ]


LEVEL_SERIES = ("yes", "partly", "no")


def requirement_fiscal_years() -> list[int]:
    return list(ProgramRequirement.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())


def program_requirement_tables(*, fiscal_year=None, funder=None) -> list[Table]:
    """Per fiscal year, and by funder for `fiscal_year` (the latest one when not given): competitive
    programs whose requirement is yes, partly or no. Adopted counts yes and partly, as the report does."""
    requirements = ProgramRequirement.objects.filter(program__competitive=True)
    if funder:
        requirements = requirements.filter(program__funder=funder)
    years = list(requirements.values("fiscal_year").order_by("fiscal_year").annotate(**_level_counts()))
    year = fiscal_year or (years[-1]["fiscal_year"] if years else None)
    by_year = Table(
        name="by-year",
        caption=_("DMP requirement across competitive funding programs, by fiscal year"),
        columns=_level_columns(Column("year", _("Fiscal year"), "text")),
        rows=[{"year": _("FY%(year)s") % {"year": v["fiscal_year"]}, **_level_row(v)} for v in years],
        chart=Chart(label="year", series=LEVEL_SERIES),
        links={(i, "total"): _url("policy:program-list", fiscal_year=v["fiscal_year"],
                                  funder=funder.code if funder else None) for i, v in enumerate(years)},
    )
    funders = list(
        requirements.filter(fiscal_year=year)
        .values("program__funder__code", "program__funder__name_ja", "program__funder__name_en")
        .order_by("program__funder__code").annotate(**_level_counts())
    )
    by_funder = Table(
        name="by-funder",
        caption=_("DMP requirement by funder, FY%(year)s") % {"year": year},
        columns=_level_columns(Column("funder", _("Funder"), "text")),
        rows=[{"funder": _name(v, "program__funder__"), **_level_row(v)} for v in funders],
        footer={"funder": _("All funders"), **_level_row({k: sum(v[k] for v in funders) for k in _level_counts()})},
        chart=Chart(label="funder", series=LEVEL_SERIES),
        links={(i, "total"): _url("policy:program-list", fiscal_year=year, funder=v["program__funder__code"])
               for i, v in enumerate(funders)},
    )
    return [by_year, by_funder]


def program_requirement_list(*, fiscal_year=None, funder=None, dmp_required=None):
    """The requirement rows behind dashboard 2's figures (public data)."""
    requirements = ProgramRequirement.objects.filter(program__competitive=True).select_related("program__funder")
    if fiscal_year:
        requirements = requirements.filter(fiscal_year=fiscal_year)
    if funder:
        requirements = requirements.filter(program__funder=funder)
    if dmp_required:
        requirements = requirements.filter(dmp_required=dmp_required)
    return requirements.order_by("fiscal_year", "program__funder__code", "program__name_ja")


def adopted_policy(*, institution) -> DataPolicy | None:
    return DataPolicy.objects.adopted().filter(institution=institution).first()


def funders_of(*, user):
    """The funders whose dashboards `user` sees as a funder officer (every funder for operators)."""
    return funders_where(user, Role.FUNDER_OFFICER)
