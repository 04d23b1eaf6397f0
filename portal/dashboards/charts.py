"""The dashboards' charts: figures as `Table`s, drawn as a server-side SVG bar chart, shown as an accessible
table and downloadable as CSV, all from the same rows.

A selector returns `Table`s whose rows come from aggregate queries; a view hands them to
`dashboard_response`, which renders a template extending `portal/dashboards/base.html` (chart, table, CSV
link per table) or, for `?format=csv&table=<name>`, that table as CSV. The SVG uses presentation
attributes only (`fill=`, `x=`, `font-size=`), never `style=` or `<style>`, so it passes the CSP's
`style-src 'self'`. This module holds no user-facing strings: captions and labels come from the callers,
translated there."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..pagination import query_without_page
from ..spreadsheets import csv_response

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
MAX_CHART_ROWS = 30
WIDTH, LABEL_W, ROW_H, BAR_H, TOP, PAD = 600, 190, 24, 16, 34, 8


def percent(part, whole) -> Decimal | None:
    """`part` of `whole` in per cent, one decimal, rounded half up; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "number"  # "text", "number" or "percent"

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of a table: one bar per row, labelled by column `label`, stacking the
    numeric columns `series`. `percent` fixes the axis at 0–100; `target` draws a dashed line."""

    label: str
    series: tuple[str, ...]
    percent: bool = False
    target: float | None = None


@dataclass
class Table:
    name: str
    caption: str
    columns: list[Column]
    rows: list[dict]
    chart: Chart | None = None
    footer: dict | None = None  # a totals row, shown and exported after the rows
    links: dict = field(default_factory=dict)  # (row index, column key) -> drill-down URL
    note: str = ""
    page: object = None  # a Paginator page when the table is paginated

    def body(self) -> list[list[dict]]:
        """Rows of cells for the template: display text, drill-down URL, numeric or not, the column's label."""
        return [self._cells(row, i) for i, row in enumerate(self.rows)]

    def foot(self) -> list[dict] | None:
        return self._cells(self.footer, None) if self.footer else None

    def _cells(self, row, index):
        return [
            {"text": display(row.get(c.key), c.kind), "url": self.links.get((index, c.key), ""), "numeric": c.numeric,
             "label": c.label}
            for c in self.columns
        ]

    def svg(self) -> str:
        return bar_chart_svg(self) if self.chart and self.rows else ""

    @property
    def chart_truncated(self) -> bool:
        return bool(self.chart) and len(self.rows) > MAX_CHART_ROWS


def display(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "percent":
        return f"{number_format(value, 1)}\u00a0%"
    if kind == "number":
        return number_format(value, force_grouping=True)
    return str(value)


def csv_value(value, kind: str):
    if value is None:
        return ""
    return f"{value:.1f}" if kind == "percent" else value


def bar_chart_svg(table: Table) -> str:
    chart = table.chart
    columns = {c.key: c for c in table.columns}
    rows = table.rows[:MAX_CHART_ROWS]
    totals = [sum((row.get(key) or 0) for key in chart.series) for row in rows]
    scale_max = 100 if chart.percent else max(max(totals), 1)
    plot_w = WIDTH - LABEL_W - 70
    height = TOP + len(rows) * ROW_H + PAD * 2 + 14
    parts = [format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="chart-{name}-title" font-family="system-ui, sans-serif" font-size="12">'
        '<title id="chart-{name}-title">{title}</title>',
        w=WIDTH, h=height, name=table.name, title=table.caption,
    )]
    if len(chart.series) > 1:  # legend
        x = LABEL_W
        for i, key in enumerate(chart.series):
            parts.append(format_html(
                '<rect x="{x}" y="6" width="12" height="12" fill="{c}"/><text x="{tx}" y="16" fill="#1d2330">{label}'
                "</text>", x=x, tx=x + 16, c=PALETTE[i % len(PALETTE)], label=columns[key].label))
            x += 24 + _text_width(columns[key].label)
    for r, (row, total) in enumerate(zip(rows, totals, strict=True)):
        y = TOP + PAD + r * ROW_H
        label = str(row.get(chart.label) or "—")
        short = label if _text_width(label) <= LABEL_W - 10 else _clip(label, LABEL_W - 20) + "…"
        parts.append(format_html(
            '<text x="{x}" y="{y}" text-anchor="end" fill="#1d2330">{short}<title>{label}</title></text>',
            x=LABEL_W - 6, y=y + BAR_H - 4, short=short, label=label))
        x = LABEL_W
        for i, key in enumerate(chart.series):
            value = row.get(key) or 0
            w = plot_w * float(value) / scale_max
            if w > 0:
                parts.append(format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}">'
                    "<title>{label}: {column} {value}</title></rect>",
                    x=_n(x), y=y, w=_n(w), h=BAR_H, c=PALETTE[i % len(PALETTE)], label=label,
                    column=columns[key].label, value=display(value, columns[key].kind)))
            x += w
        kind = columns[chart.series[0]].kind if len(chart.series) == 1 else "number"
        parts.append(format_html('<text x="{x}" y="{y}" fill="#1d2330">{v}</text>',
                                 x=_n(x + 4), y=y + BAR_H - 4, v=display(total, kind)))
    axis_y = TOP + PAD + len(rows) * ROW_H
    parts.append(format_html('<line x1="{x}" y1="{t}" x2="{x}" y2="{b}" stroke="#5a6270"/>',
                             x=LABEL_W, t=TOP, b=axis_y))
    if chart.target is not None:
        tx = LABEL_W + plot_w * chart.target / scale_max
        parts.append(format_html(
            '<line x1="{x}" y1="{t}" x2="{x}" y2="{b}" stroke="#b3261e" stroke-dasharray="4 3"/>'
            '<text x="{x}" y="{ly}" text-anchor="middle" fill="#b3261e">{v}</text>',
            x=_n(tx), t=TOP, b=axis_y, ly=axis_y + 14,
            v=display(chart.target, "percent" if chart.percent else "number")))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def _clip(text: str, width: int) -> str:
    while _text_width(text) > width:
        text = text[:-1]
    return text


def _n(number) -> str:
    return f"{number:.1f}"


def _text_width(text) -> int:
    """Rough width in pixels at 12 px: CJK characters are about twice as wide as Latin ones."""
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in str(text))


def table_csv_response(table: Table, filename: str) -> HttpResponse:
    """The table as CSV, every cell safe to open (`portal.spreadsheets`)."""
    response, writer = csv_response(f"{filename}-{table.name}.csv")
    writer.writerow([str(c.label) for c in table.columns])
    for row in table.rows + ([table.footer] if table.footer else []):
        writer.writerow([csv_value(row.get(c.key), c.kind) for c in table.columns])
    return response


def table_page(request):
    """The page of a paginated table that `?page=` asks for (the first by default); None, every row, for the CSV."""
    return None if request.GET.get("format") == "csv" else request.GET.get("page") or 1


def dashboard_response(request, *, tables: list[Table], filename: str, template: str, context: dict):
    """Render the dashboard, or with `?format=csv&table=<name>` return one of its tables as CSV."""
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("table") or tables[0].name
        for table in tables:
            if table.name == wanted:
                return table_csv_response(table, filename)
        raise Http404
    return render(request, template, {"query": query_without_page(request, "format", "table"), **context,
                                      "tables": tables})
