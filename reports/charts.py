"""Charts for dashboards and reports: Apache ECharts options built from plain data.

One option serves both places a chart is shown: the browser draws it with the vendored
static/vendor/echarts (reports/templates/reports/chart.html + static/reports/charts.js), and
reports/chart_render.py draws the same option on the server, with the same echarts.min.js in
Node, as SVG or PNG for reports.

Options are made for phones first: the width always follows the container, legends sit at the
bottom, axis labels stay inside the chart and long category labels are turned. Labels are
translated strings the caller passes in; numbers stay numbers. A chart may carry a drill-down:
one local URL per data point, so a tap on a bar or slice opens the filtered list behind it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

Label = str | Promise
Number = int | float | Decimal | None
JSONNumber = int | float | None
URL = str | None

DEFAULT_HEIGHT = 320
MIN_HEIGHT, MAX_HEIGHT = 160, 1200
# Bootstrap 5.3's colours for the badge names that ColouredChoices.COLOURS use, with the orange
# civicdesk.css adds: a chart of a choice shows the colours its badges show.
BADGE_COLOURS = {
    "primary": "#0d6efd",
    "secondary": "#6c757d",
    "success": "#198754",
    "danger": "#dc3545",
    "warning": "#ffc107",
    "info": "#0dcaf0",
    "dark": "#212529",
    "orange": "#fd7e14",
}
# A phone is about 360 CSS px wide; category labels wider than this together are turned.
_PHONE_AXIS_WIDTH = 300
_LABEL_FONT_PX = 12
# A turned or side label longer than this is cut with "…" (the tooltip shows it whole).
_LABEL_MAX_WIDTH = 96
_CHART_ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category. `urls` (same length) are drill-down links."""

    name: Label
    values: Sequence[Number]
    colour: str | None = None
    urls: Sequence[URL] | None = None
    # Bars (or filled lines) with the same stack name are drawn on top of each other.
    stack: str | None = None


@dataclass(frozen=True)
class Slice:
    """One part of a pie: a name, a value, an optional fixed colour and drill-down link."""

    name: Label
    value: Number
    colour: str | None = None
    url: URL = None


@dataclass(frozen=True)
class TableCell:
    value: JSONNumber
    url: URL = None


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[TableCell, ...]


@dataclass(frozen=True)
class ChartTable:
    """The chart's numbers as a table: shown under the chart for screen readers, keyboards
    and browsers without JavaScript, with the same drill-down links."""

    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Chart:
    """An ECharts option ready for the page (chart.html) or the server (chart_render).

    `id` names the chart in the page (HTML id) and in download URLs and file names.
    `drilldown[s][i]` is the URL behind data point i of series s (None: not clickable).
    """

    id: str
    title: str
    option: dict[str, Any]
    height: int = DEFAULT_HEIGHT
    drilldown: tuple[tuple[URL, ...], ...] = ()
    table: ChartTable = field(default_factory=lambda: ChartTable((), ()))

    def __post_init__(self) -> None:
        if not _CHART_ID.match(self.id):
            raise ValueError(f"Chart id {self.id!r}: use a-z, 0-9 and '-', starting with a letter")
        if not MIN_HEIGHT <= self.height <= MAX_HEIGHT:
            raise ValueError(f"Chart height {self.height} is outside {MIN_HEIGHT}–{MAX_HEIGHT} px")
        for urls in self.drilldown:
            for url in urls:
                _check_local_url(url)

    @property
    def data_id(self) -> str:
        """The id of the json_script element that carries the chart to charts.js."""
        return f"{self.id}-data"

    def browser_data(self) -> dict[str, Any]:
        return {"option": self.option, "drilldown": [list(urls) for urls in self.drilldown]}

    @property
    def has_drilldown(self) -> bool:
        return any(url for urls in self.drilldown for url in urls)


def choice_colour(choices: Any, value: str) -> str:
    """The chart colour of a ColouredChoices value (the colour of its badge), e.g. the fixed
    red/orange/yellow/blue of hazards.choices.RiskColour."""
    return BADGE_COLOURS.get(choices.colour_of(value), BADGE_COLOURS["secondary"])


def bar_chart(
    chart_id: str,
    title: Label,
    categories: Sequence[Label],
    series: Sequence[Series],
    *,
    horizontal: bool = False,
    height: int = DEFAULT_HEIGHT,
) -> Chart:
    """Bars per category (stack them by giving series the same `stack`). `horizontal` puts
    the categories down the side, which reads best on a phone when there are many of them."""
    return _cartesian_chart(
        "bar", chart_id, title, categories, series, horizontal=horizontal, height=height
    )


def line_chart(
    chart_id: str,
    title: Label,
    categories: Sequence[Label],
    series: Sequence[Series],
    *,
    area: bool = False,
    height: int = DEFAULT_HEIGHT,
) -> Chart:
    """Lines over ordered categories, e.g. monthly trends (categories are month labels)."""
    return _cartesian_chart("line", chart_id, title, categories, series, area=area, height=height)


def pie_chart(
    chart_id: str, title: Label, slices: Sequence[Slice], *, height: int = DEFAULT_HEIGHT
) -> Chart:
    """A ring of parts of a whole; names in the legend, values on the ring."""
    names = [str(s.name) for s in slices]
    data = [_slice_item(name, s) for name, s in zip(names, slices, strict=True)]
    urls = tuple(s.url for s in slices)
    pie: dict[str, Any] = {
        "type": "pie",
        "name": str(title),
        "radius": ["35%", "62%"],
        "center": ["50%", "48%"],
        "avoidLabelOverlap": True,
        # No white halo round the values: CairoSVG ignores SVG paint-order, draws the halo
        # over the text and the PNG would show no numbers.
        "label": {"formatter": "{c}", "textBorderColor": "transparent"},
        "data": data,
    }
    if not any(urls):
        pie["cursor"] = "default"
    option = {
        "title": _title(title),
        "tooltip": _tooltip("item", formatter="{b}: {c} ({d}%)"),
        "legend": _legend(),
        "series": [pie],
    }
    table = ChartTable(
        (str(title),),
        tuple(
            TableRow(n, (TableCell(d["value"], s.url),))
            for n, d, s in zip(names, data, slices, strict=True)
        ),
    )
    return Chart(chart_id, str(title), option, height, (urls,), table)


def _cartesian_chart(
    kind: str,
    chart_id: str,
    title: Label,
    categories: Sequence[Label],
    series: Sequence[Series],
    *,
    horizontal: bool = False,
    area: bool = False,
    height: int,
) -> Chart:
    names = [str(c) for c in categories]
    _check_lengths(names, series)
    values = [[_number(v) for v in s.values] for s in series]
    category_axis = _category_axis(names, horizontal=horizontal, line=kind == "line")
    value_axis: dict[str, Any] = {"type": "value"}
    if all(isinstance(v, int) for row in values for v in row if v is not None):
        value_axis["minInterval"] = 1  # counts: no 0.5 on the axis
    option: dict[str, Any] = {
        "title": _title(title),
        "tooltip": _tooltip("axis", axisPointer={"type": "shadow"}),
        "grid": _grid(legend=len(series) > 1),
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": [_series_item(kind, s, row, area) for s, row in zip(series, values, strict=True)],
    }
    if len(series) > 1:
        option["legend"] = _legend()
    drilldown = tuple(tuple(s.urls) if s.urls else () for s in series)
    return Chart(chart_id, str(title), option, height, drilldown, _table(names, series, values))


def _series_item(kind: str, series: Series, values: list[JSONNumber], area: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"type": kind, "name": str(series.name), "data": values}
    if series.colour:
        item["itemStyle"] = {"color": _colour(series.colour)}
        if kind == "line":
            item["lineStyle"] = {"color": _colour(series.colour)}
    if series.stack:
        item["stack"] = series.stack
    if kind == "line":
        item["symbolSize"] = 6
        if area:
            item["areaStyle"] = {"opacity": 0.25}
    else:
        item["barMaxWidth"] = 48
    if not series.urls or not any(series.urls):
        item["cursor"] = "default"
    return item


def _slice_item(name: str, part: Slice) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name, "value": _number(part.value)}
    if part.colour:
        item["itemStyle"] = {"color": _colour(part.colour)}
    return item


def _title(title: Label) -> dict[str, Any]:
    return {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}}


def _tooltip(trigger: str, **options: Any) -> dict[str, Any]:
    # richText: the tooltip is drawn inside the chart. ECharts' HTML tooltip writes style=""
    # attributes, which the CSP (no 'unsafe-inline' styles) blocks. confine: it stays on screen.
    return {"trigger": trigger, "renderMode": "richText", "confine": True, **options}


def _legend() -> dict[str, Any]:
    # "scroll": a long legend pages sideways on a phone instead of covering the chart.
    return {"type": "scroll", "bottom": 0, "left": "center"}


def _grid(*, legend: bool) -> dict[str, Any]:
    # outerBounds* is ECharts 6's exact form of the deprecated `containLabel: true`: the axis
    # labels are kept inside the chart whatever the container's width.
    return {
        "left": 8,
        "right": 16,
        "top": 40,
        "bottom": 36 if legend else 8,
        "outerBoundsMode": "same",
        "outerBoundsContain": "axisLabel",
    }


def _category_axis(names: list[str], *, horizontal: bool, line: bool) -> dict[str, Any]:
    label: dict[str, Any] = {"hideOverlap": True}
    if horizontal:
        label.update(width=_LABEL_MAX_WIDTH, overflow="truncate")
    elif _text_width(names) > _PHONE_AXIS_WIDTH:
        label.update(rotate=45, width=_LABEL_MAX_WIDTH, overflow="truncate")
    axis: dict[str, Any] = {"type": "category", "data": names, "axisLabel": label}
    if horizontal:
        axis["inverse"] = True  # the first category on top, as in a list
    if line:
        axis["boundaryGap"] = False
    return axis


def _text_width(names: list[str]) -> int:
    """Roughly how many px the labels take side by side: CJK characters are a full em wide,
    Latin ones about half; a gap of one em between labels."""
    em = _LABEL_FONT_PX
    wide = sum(1 for n in names for ch in n if unicodedata.east_asian_width(ch) in "WF")
    narrow = sum(len(n) for n in names) - wide
    return wide * em + narrow * em // 2 + len(names) * em


def _table(
    names: list[str], series: Sequence[Series], values: list[list[JSONNumber]]
) -> ChartTable:
    rows = []
    for i, name in enumerate(names):
        cells = tuple(
            TableCell(row[i], s.urls[i] if s.urls else None)
            for s, row in zip(series, values, strict=True)
        )
        rows.append(TableRow(name, cells))
    return ChartTable(tuple(str(s.name) for s in series), tuple(rows))


def _check_lengths(names: list[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(names):
            raise ValueError(
                f"Series {str(s.name)!r} has {len(s.values)} values for {len(names)} categories"
            )
        if s.urls is not None and len(s.urls) != len(names):
            raise ValueError(
                f"Series {str(s.name)!r} has {len(s.urls)} URLs for {len(names)} categories"
            )


def _number(value: Number) -> JSONNumber:
    """JSON numbers for ECharts: a Decimal would be serialised as a string, and NaN or an
    infinity is not JSON at all (shown as a gap)."""
    if value is None or isinstance(value, int):
        return value
    if not math.isfinite(value):
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return float(value)


def _colour(colour: str) -> str:
    # Colours reach SVG attributes on the server: only plain hex colours are accepted.
    if not _HEX_COLOUR.match(colour):
        raise ValueError(f"Chart colour {colour!r}: use #rgb or #rrggbb")
    return colour


def _check_local_url(url: URL) -> None:
    # A drill-down goes to a page of this site: never another host or a javascript: URL.
    # Browsers read "/\host" like "//host": another site.
    if url is not None and (not url.startswith("/") or url[1:2] in ("/", "\\")):
        raise ValueError(f"Drill-down URL {url!r} must be a path on this site")
