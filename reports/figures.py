"""The dashboard's figures, tables and charts, each figure with the URL of the filtered list it
was counted from (the lists apply the same scope, so a link shows exactly the rows behind the
number). The dashboard page and the periodic reports present the same pieces."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.choices import OPEN_STATES, ComplaintState
from complaints.models import Category
from core.models import Department, Sector, User
from hazards.choices import HazardGrade, HazardState, RiskColour
from reports.charts import Chart, Series, Slice, bar_chart, choice_colour, line_chart, pie_chart
from reports.dashboard import Dashboard, Split
from reports.facts import RECTIFIED_STATES

DASHBOARD_PERMISSION = "reports.view_dashboard"
CLOSED_CASE_STATES = [state for state in ComplaintState.values if state not in OPEN_STATES]
MAJOR_OPEN_STATES = [state for state in HazardState.values if state != HazardState.CLOSED]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    value: int | Decimal | None
    url: str = ""
    unit: str = ""


def list_url(name: str, params: Iterable[tuple[str, Any]]) -> str:
    query = urlencode([(key, value) for key, value in params if value not in (None, "")])
    return _list_path(name, get_script_prefix()) + (f"?{query}" if query else "")


@cache
def _list_path(name: str, script_prefix: str) -> str:
    """A dashboard links to a few lists hundreds of times: resolve each name once per prefix."""
    return reverse(name)


class Links:
    """The list URLs behind the dashboard's figures, narrowed to the chosen area and period."""

    def __init__(self, board: Dashboard) -> None:
        self.period = board.period
        self.area = board.view.area.pk if board.view.area is not None else None

    def hazards(self, *, in_period: bool = True, region: int | None = None, **filters: Any) -> str:
        params: list[tuple[str, Any]] = [("region", region or self.area)]
        if in_period:
            params += [("found_after", self.period.start), ("found_before", self.period.end)]
        return list_url("hazards:hazard_list", params + _flat(filters))

    def cases(self, *, in_period: bool = True, region: int | None = None, **filters: Any) -> str:
        params: list[tuple[str, Any]] = [("region", region or self.area)]
        if in_period:
            params += [("received_after", self.period.start), ("received_before", self.period.end)]
        return list_url("complaints:complaint_list", params + _flat(filters))

    def risk_points(self, colour: str) -> str:
        return list_url("hazards:riskpoint_list", [("colour", colour), ("region", self.area)])

    def rates(self) -> str:
        # The rates page's own `period` is how it buckets rows (month or quarter); the span the
        # dashboard shows is its start and end.
        span = [("start", self.period.start), ("end", self.period.end)]
        return list_url("complaints:rates", [*span, ("region", self.area)])


def _flat(filters: dict[str, Any]) -> list[tuple[str, Any]]:
    """Keyword filters as query pairs; a list repeats its key (state=a&state=b)."""
    pairs: list[tuple[str, Any]] = []
    for key, value in filters.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(key, item) for item in values]
    return pairs


def hazard_figures(board: Dashboard, links: Links) -> list[Figure]:
    h = board.hazards
    return [
        Figure("hazards_found", _("Hazards found"), h["found"], links.hazards()),
        Figure(
            "hazards_rectified",
            _("Rectified"),
            h["rectified"],
            links.hazards(state=RECTIFIED_STATES),
        ),
        Figure("rectification_rate", _("Rectification rate"), board.rectification_rate, unit="%"),
        Figure("hazards_closed", _("Closed"), h["closed"], links.hazards(state=HazardState.CLOSED)),
        Figure(
            "major_open",
            _("Major hazards open"),
            h["major_open"],
            links.hazards(grade=HazardGrade.MAJOR, state=MAJOR_OPEN_STATES),
        ),
        Figure(
            "hazards_overdue",
            _("Overdue now"),
            h["overdue"],
            links.hazards(in_period=False, overdue="true"),
        ),
        Figure(
            "listings",
            _("Listed for supervision"),
            board.open_items["listings"],
            reverse("hazards:hazardlisting_list"),
        ),
    ]


def complaint_figures(board: Dashboard, links: Links) -> list[Figure]:
    c, rates = board.complaints, board.rates.figures()
    return [
        Figure("cases_received", _("Cases received"), c["cases"], links.cases()),
        Figure(
            "accepted_on_time",
            _("Accepted on time"),
            rates["on_time_acceptance"],
            links.rates(),
            "%",
        ),
        Figure(
            "concluded_on_time",
            _("Concluded on time"),
            rates["on_time_completion"],
            links.rates(),
            "%",
        ),
        Figure(
            "cases_concluded", _("Concluded"), c["concluded"], links.cases(state=CLOSED_CASE_STATES)
        ),
        Figure(
            "cases_overdue",
            _("Overdue now"),
            c["overdue"],
            links.cases(in_period=False, overdue="true"),
        ),
        Figure("response_rate", _("Response rate"), rates["response_rate"], links.rates(), "%"),
        Figure(
            "resolution_rate", _("Resolution rate"), rates["resolution_rate"], links.rates(), "%"
        ),
        Figure(
            "satisfaction_rate",
            _("Satisfaction rate"),
            rates["satisfaction_rate"],
            links.rates(),
            "%",
        ),
        Figure(
            "backlog",
            _("Backlog cases"),
            board.open_items["backlog"],
            reverse("complaints:backlogcase_list"),
        ),
        Figure(
            "supervision",
            _("Supervision notices open"),
            board.open_items["supervision"],
            reverse("workflow:supervision_list"),
        ),
    ]


@dataclass(frozen=True)
class Breakdown:
    """One table of the page: a row per member (township, unit, sector, category)."""

    title: str | Promise
    columns: tuple[str | Promise, ...]
    rows: list[tuple[str, list[Figure]]]


def breakdown(
    title: str | Promise,
    members: list[tuple[int, str]],
    split: Split,
    measures: list[tuple[str, str | Promise, Callable[[int], str]]],
) -> Breakdown:
    """`measures`: (split measure, column title, URL of a member's list for that measure)."""
    rows = []
    for member, name in members:
        figures = [
            Figure(measure, label, split.get(member, measure), url_of(member) if member else "")
            for measure, label, url_of in measures
        ]
        if any(figure.value for figure in figures):
            rows.append((name, figures))
    return Breakdown(title, tuple(label for _m, label, _u in measures), rows)


def member(key: str, pk: int) -> dict[str, Any]:
    """The list filter that picks one member of a breakdown (region=…, department=…)."""
    return {key: pk}


def _names(model: Any, ids: Iterable[int]) -> list[tuple[int, str]]:
    wanted = [pk for pk in ids if pk]
    named = dict(model.objects.filter(pk__in=wanted).values_list("pk", "name"))
    pairs = sorted(((pk, str(named.get(pk, pk))) for pk in wanted), key=lambda pair: pair[1])
    return pairs + ([(0, _("None yet (shared duty)"))] if 0 in ids else [])


def hazard_breakdowns(board: Dashboard, links: Links) -> list[Breakdown]:
    by = board.hazards_by
    members = [(m.pk, m.name) for m in board.members]

    def measures(key: str) -> list[tuple[str, str | Promise, Callable[[int], str]]]:
        return [
            ("found", gettext_lazy("Found"), lambda pk: links.hazards(**member(key, pk))),
            ("major_open", gettext_lazy("Major open"),
             lambda pk: links.hazards(grade=HazardGrade.MAJOR, state=MAJOR_OPEN_STATES,
                                      **member(key, pk))),
            ("overdue", gettext_lazy("Overdue now"),
             lambda pk: links.hazards(in_period=False, overdue="true", **member(key, pk))),
        ]  # fmt: skip

    return [
        breakdown(_("Hazards by area"), members, by["area"], measures("region")),
        breakdown(
            _("Hazards by regulator"),
            _names(Department, by["unit"].counts),
            by["unit"],
            measures("department"),
        ),
        breakdown(
            _("Hazards by sector"),
            _names(Sector, by["group"].counts),
            by["group"],
            measures("sector"),
        ),
    ]


def complaint_breakdowns(board: Dashboard, links: Links) -> list[Breakdown]:
    by = board.complaints_by
    members = [(m.pk, m.name) for m in board.members]

    def measures(key: str) -> list[tuple[str, str | Promise, Callable[[int], str]]]:
        return [
            ("cases", gettext_lazy("Received"), lambda pk: links.cases(**member(key, pk))),
            ("concluded", gettext_lazy("Concluded"),
             lambda pk: links.cases(state=CLOSED_CASE_STATES, **member(key, pk))),
            ("overdue", gettext_lazy("Overdue now"),
             lambda pk: links.cases(in_period=False, overdue="true", **member(key, pk))),
        ]  # fmt: skip

    return [
        breakdown(_("Cases by area"), members, by["area"], measures("region")),
        breakdown(
            _("Cases by lead unit"),
            _names(Department, by["unit"].counts),
            by["unit"],
            measures("department"),
        ),
        breakdown(
            _("Cases by category"),
            _names(Category, by["group"].counts),
            by["group"],
            measures("category"),
        ),
    ]


def overdue_by_area_chart(board: Dashboard, links: Links) -> Chart:
    """The chart a leader starts from: which township has the most overdue hazards."""
    split = board.hazards_by["area"]
    members = board.members
    return bar_chart(
        "overdue-by-area",
        _("Overdue hazards by area"),
        [m.name for m in members],
        [
            Series(
                _("Overdue now"),
                [split.get(m.pk, "overdue") for m in members],
                colour="#dc3545",
                urls=[links.hazards(in_period=False, overdue="true", region=m.pk) for m in members],
            )
        ],
        horizontal=len(members) > 6,
        height=min(1200, max(320, 28 * len(members))),
    )


def risk_chart(board: Dashboard, links: Links) -> Chart:
    slices = [
        Slice(
            label,
            board.risk.get(colour, 0),
            choice_colour(RiskColour, colour),
            links.risk_points(colour),
        )
        for colour, label in RiskColour.choices
    ]
    return pie_chart("risk-colours", _("Risk points by colour"), slices)


def trend_chart(board: Dashboard, has_hazards: bool, has_cases: bool) -> Chart:
    months = list(board.trend)
    labels = [date_format(month, "Y-m") for month in months]
    series = []
    if has_hazards:
        series += [
            Series(_("Hazards found"), [board.trend[m]["found"] for m in months]),
            Series(_("Rectified"), [board.trend[m]["rectified"] for m in months]),
        ]
    if has_cases:
        series += [
            Series(_("Cases received"), [board.trend[m]["cases"] for m in months]),
            Series(_("Concluded"), [board.trend[m]["concluded"] for m in months]),
        ]
    return line_chart("trend", _("By month"), labels, series)


def dashboard_charts(user: User, board: Dashboard, links: Links | None = None) -> list[Chart]:
    """The dashboard's charts the user's roles may follow."""
    links = links or Links(board)
    has_hazards = user.has_perm("hazards.view_hazard")
    has_cases = user.has_perm("complaints.view_complaint")
    charts = [overdue_by_area_chart(board, links)] if has_hazards else []
    if has_hazards and user.has_perm("hazards.view_riskpoint"):
        charts.append(risk_chart(board, links))
    if has_hazards or has_cases:
        charts.append(trend_chart(board, has_hazards, has_cases))
    return charts


def dashboard_context(user: User, board: Dashboard) -> dict[str, Any]:
    links = Links(board)
    has_hazards = user.has_perm("hazards.view_hazard")
    has_cases = user.has_perm("complaints.view_complaint")
    return {
        "board": board,
        "hazard_figures": hazard_figures(board, links) if has_hazards else [],
        "complaint_figures": complaint_figures(board, links) if has_cases else [],
        "charts": dashboard_charts(user, board, links),
        "breakdowns": (hazard_breakdowns(board, links) if has_hazards else [])
        + (complaint_breakdowns(board, links) if has_cases else []),
    }
