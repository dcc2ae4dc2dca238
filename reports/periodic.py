"""Periodic reports: a region's monthly, quarterly and annual workplace-safety and complaint
reports, as PDF (WeasyPrint with the CJK fonts; charts drawn on the server as SVG) and XLSX.

The figures are the dashboard's (reports.dashboard over the rollup tables, the same tables and
breakdowns), for the period the report covers. "Overdue" figures are as at the time the report
was made. The annual complaint report adds what the Letters and Visits Regulations 2022 Art. 41
asks of the yearly report: the units complained about most, and the supervision issued.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook

from complaints.choices import RespondentKind
from complaints.models import Complaint, Respondent
from core.models import Region, User
from core.pdf import render_pdf
from reports.chart_render import render_svg
from reports.charts import Chart
from reports.dashboard import Dashboard, Period, build_dashboard, visible_to
from reports.figures import (
    Breakdown,
    Figure,
    Links,
    complaint_breakdowns,
    complaint_figures,
    hazard_breakdowns,
    hazard_figures,
    overdue_by_area_chart,
    risk_chart,
    trend_chart,
)
from workflow.choices import SupervisionState
from workflow.models import SupervisionNotice

KINDS = {"safety": gettext_lazy("Workplace safety"), "complaints": gettext_lazy("Complaints")}
CADENCES = {
    "month": gettext_lazy("Monthly"),
    "quarter": gettext_lazy("Quarterly"),
    "year": gettext_lazy("Annual"),
}
MOST_COMPLAINED = 10  # units listed in the annual complaint report
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportPeriod:
    """A calendar month (number 1–12), quarter (1–4) or year (number 1)."""

    cadence: str
    year: int
    number: int = 1

    def __post_init__(self) -> None:
        limit = {"month": 12, "quarter": 4, "year": 1}.get(self.cadence)
        if limit is None or not 1 <= self.number <= limit:
            raise ValueError(f"No {self.cadence} number {self.number}")

    @property
    def period(self) -> Period:
        first_month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}
        months = {"month": 1, "quarter": 3, "year": 12}[self.cadence]
        start = dt.date(self.year, first_month[self.cadence], 1)
        last = Period.month_of(_add_months(start, months - 1))
        return Period(start, last.end)

    def label(self) -> str:
        if self.cadence == "month":
            return _("%(year)s-%(month)s") % {"year": self.year, "month": f"{self.number:02d}"}
        if self.cadence == "quarter":
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.number}
        return pgettext("report period", "%(year)s") % {"year": self.year}

    @classmethod
    def last_complete(cls, cadence: str, today: dt.date) -> ReportPeriod:
        """The latest period of the cadence that ended before today."""
        if cadence == "year":
            return cls("year", today.year - 1)
        months = 1 if cadence == "month" else 3
        current = today.month if cadence == "month" else (today.month - 1) // 3 + 1
        first_of_current = dt.date(today.year, months * (current - 1) + 1, 1)
        previous = _add_months(first_of_current, -months)
        number = previous.month if cadence == "month" else (previous.month - 1) // 3 + 1
        return cls(cadence, previous.year, number)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class Section:
    title: str | Promise
    figures: list[Figure]
    breakdowns: list[Breakdown]
    charts: list[Chart]
    # Extra tables (a title, column titles, rows of cells), e.g. the most complained units.
    tables: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    report_period: ReportPeriod
    area: Region
    made_at: dt.datetime
    section: Section

    @property
    def title(self) -> str:
        return _("%(area)s %(period)s %(cadence)s report: %(kind)s") % {
            "area": self.area.name,
            "period": self.report_period.label(),
            "cadence": CADENCES[self.report_period.cadence],
            "kind": KINDS[self.kind],
        }

    @property
    def file_stem(self) -> str:
        return f"{self.area.code}-{self.kind}-{self.report_period.cadence}-{self.period_slug}"

    @property
    def period_slug(self) -> str:
        rp = self.report_period
        return {"month": f"{rp.year}-{rp.number:02d}", "quarter": f"{rp.year}-Q{rp.number}"}.get(
            rp.cadence, str(rp.year)
        )


def build_report(
    user: User | None,
    kind: str,
    report_period: ReportPeriod,
    area: Region,
    now: dt.datetime | None = None,
) -> Report:
    """The report for `user`'s scope within `area` (no user: all of `area`)."""
    now = now or timezone.now()
    board = build_dashboard(user, report_period.period, area, now)
    links = Links(board)
    if kind == "safety":
        section = Section(
            KINDS["safety"],
            hazard_figures(board, links),
            hazard_breakdowns(board, links),
            [
                overdue_by_area_chart(board, links),
                risk_chart(board, links),
                trend_chart(board, has_hazards=True, has_cases=False),
            ],
        )
    else:
        section = Section(
            KINDS["complaints"],
            complaint_figures(board, links),
            complaint_breakdowns(board, links),
            [trend_chart(board, has_hazards=False, has_cases=True)],
        )
        if report_period.cadence == "year":
            section.tables += annual_complaint_tables(user, board)
    return Report(kind, report_period, area, now, section)


def annual_complaint_tables(
    user: User | None, board: Dashboard
) -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    """Art. 41: the units complained about most, and the supervision issued in the year."""
    period, area_ids = board.period, board.view.area_region_ids
    cases = visible_to(Complaint, user).filter(
        region_id__in=area_ids, received_at__date__range=(period.start, period.end)
    )
    return [
        (
            _("Units complained about most"),
            (_("Unit"), _("Cases")),
            most_complained_units(cases),
        ),
        (
            _("Supervision notices issued"),
            (_("State"), _("Notices")),
            supervision_issued(user, board),
        ),
    ]


def most_complained_units(cases: QuerySet[Complaint]) -> list[tuple[Any, ...]]:
    rows = (
        Respondent.objects.filter(complaint__in=cases, kind=RespondentKind.UNIT)
        .values("department__name")
        .annotate(cases=Count("complaint", distinct=True))
        .order_by("-cases", "department__name")[:MOST_COMPLAINED]
    )
    return [(row["department__name"], row["cases"]) for row in rows]


def supervision_issued(user: User | None, board: Dashboard) -> list[tuple[Any, ...]]:
    period = board.period
    notices = visible_to(SupervisionNotice, user).filter(
        region_id__in=board.view.area_region_ids,
        issued_at__date__range=(period.start, period.end),
    )
    counts = dict(notices.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return [(label, counts.get(state, 0)) for state, label in SupervisionState.choices]


# --- files ---------------------------------------------------------------------------------


def report_pdf(report: Report) -> bytes:
    """The report as PDF; each chart an SVG image (vector, sharp when printed)."""
    charts = report.section.charts
    images = [_svg_data_url(svg) for svg in render_svg(charts)]
    return render_pdf(
        "reports/pdf/periodic.html",
        {
            "report": report,
            "section": report.section,
            "charts": list(zip(charts, images, strict=True)),
        },
    )


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def report_xlsx(report: Report) -> bytes:
    """The report's numbers as a workbook: the figures, then a sheet per table."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    summary.append([report.title])
    summary.append([_("Period"), f"{report.report_period.period.start} – "
                    f"{report.report_period.period.end}"])  # fmt: skip
    summary.append([_("Made"), timezone.localtime(report.made_at).strftime("%Y-%m-%d %H:%M")])
    for figure in report.section.figures:
        summary.append([str(figure.label), _cell(figure.value), figure.unit])
    for number, table in enumerate(report.section.breakdowns, start=1):
        sheet = workbook.create_sheet(_sheet_name(str(table.title), number))
        sheet.append(["", *(str(column) for column in table.columns)])
        for name, figures in table.rows:
            sheet.append([name, *(_cell(figure.value) for figure in figures)])
    for number, (title, columns, rows) in enumerate(report.section.tables, start=1):
        sheet = workbook.create_sheet(_sheet_name(title, 100 + number))
        sheet.append([str(column) for column in columns])
        for row in rows:
            sheet.append([str(row[0]), *row[1:]])
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _sheet_name(title: str, number: int) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; numbered to stay unique."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return f"{number} {clean}"[:31]
