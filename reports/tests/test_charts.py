"""Charts: options built from plain data, the page include, and the same charts drawn on the
server as SVG (ECharts in Node) and PNG (CairoSVG) for reports."""

from __future__ import annotations

import io
import json
import math
from decimal import Decimal

import pytest
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy
from PIL import Image

from hazards.choices import RiskColour
from reports import chart_render
from reports.chart_render import (
    ChartRenderError,
    chart_download_response,
    render_png,
    render_svg,
)
from reports.charts import Chart, Series, Slice, bar_chart, choice_colour, line_chart, pie_chart

MONTHS = ["2026-01", "2026-02", "2026-03"]


def risk_pie(title: str = "风险点颜色") -> Chart:
    counts = {"red": 2, "orange": 3, "yellow": 4, "blue": 9}
    return pie_chart(
        "risk-colours",
        title,
        [
            Slice(RiskColour(v).label, n, choice_colour(RiskColour, v), url=f"/risk/?colour={v}")
            for v, n in counts.items()
        ],
    )


# --- options -------------------------------------------------------------------------------


def test_bar_chart_puts_categories_on_the_axis_and_numbers_in_the_series():
    chart = bar_chart(
        "by-month", gettext_lazy("Hazards"), MONTHS, [Series("新增", [3, Decimal("5"), None])]
    )
    option = chart.option
    assert option["xAxis"]["type"] == "category"
    assert option["xAxis"]["data"] == MONTHS
    assert option["series"] == [
        {
            "type": "bar",
            "name": "新增",
            "data": [3, 5, None],
            "barMaxWidth": 48,
            "cursor": "default",
        }
    ]
    assert option["title"]["text"] == "Hazards"
    assert option["yAxis"]["minInterval"] == 1  # counts: no half hazards on the axis
    # Plain JSON (lazy strings and Decimals resolved), as json_script and Node read it.
    assert json.loads(json.dumps(option)) == option


def test_options_fit_a_phone_width():
    chart = bar_chart("two", "标题", MONTHS, [Series("甲", [1, 2, 3]), Series("乙", [3, 2, 1])])
    option = chart.option
    assert option["legend"]["bottom"] == 0
    # ECharts 6's exact form of containLabel: axis labels stay inside the chart.
    assert option["grid"]["outerBoundsMode"] == "same"
    assert option["grid"]["outerBoundsContain"] == "axisLabel"
    assert "width" not in option["grid"] and "width" not in option
    assert option["tooltip"]["confine"] is True


def test_a_single_series_has_no_legend():
    chart = bar_chart("one", "标题", MONTHS, [Series("甲", [1, 2, 3])])
    assert "legend" not in chart.option
    assert chart.option["grid"]["bottom"] < 36


def test_long_category_labels_are_turned_and_short_ones_are_not():
    short = bar_chart("short", "t", ["一", "二", "三"], [Series("s", [1, 2, 3])])
    townships = ["城关镇", "东风乡", "西湖街道办事处", "北山镇", "南河镇", "五里铺镇"]
    long = bar_chart("long", "t", townships, [Series("s", [1] * 6)])
    assert "rotate" not in short.option["xAxis"]["axisLabel"]
    assert long.option["xAxis"]["axisLabel"]["rotate"] == 45
    assert long.option["xAxis"]["axisLabel"]["overflow"] == "truncate"


def test_horizontal_bars_list_categories_top_down():
    chart = bar_chart("side", "t", ["甲", "乙"], [Series("s", [1, 2])], horizontal=True)
    assert chart.option["yAxis"]["type"] == "category"
    assert chart.option["yAxis"]["inverse"] is True
    assert chart.option["xAxis"]["type"] == "value"


def test_line_chart_for_monthly_trends():
    chart = line_chart(
        "trend",
        "月度趋势",
        MONTHS,
        [Series("新增", [1.5, 2, float("nan")], colour="#198754")],
        area=True,
    )
    (series,) = chart.option["series"]
    assert series["type"] == "line"
    assert series["data"] == [1.5, 2, None]  # NaN is not JSON: a gap in the line
    assert series["lineStyle"]["color"] == "#198754"
    assert "areaStyle" in series
    assert chart.option["xAxis"]["boundaryGap"] is False
    assert "minInterval" not in chart.option["yAxis"]


def test_pie_of_risk_colours_uses_the_fixed_colours():
    chart = risk_pie()
    (pie,) = chart.option["series"]
    colours = [item["itemStyle"]["color"] for item in pie["data"]]
    assert colours == ["#dc3545", "#fd7e14", "#ffc107", "#0d6efd"]
    assert [item["value"] for item in pie["data"]] == [2, 3, 4, 9]
    assert chart.option["legend"]["bottom"] == 0
    assert chart.drilldown == (tuple(f"/risk/?colour={v}" for v in RiskColour.values),)


def test_drilldown_urls_follow_series_and_data_points():
    chart = bar_chart(
        "drill",
        "t",
        ["甲", "乙"],
        [Series("a", [1, 2], urls=["/a/1", None]), Series("b", [3, 4])],
    )
    assert chart.drilldown == (("/a/1", None), ())
    assert chart.has_drilldown
    assert "cursor" not in chart.option["series"][0]
    assert chart.option["series"][1]["cursor"] == "default"
    assert chart.browser_data()["drilldown"] == [["/a/1", None], []]


@pytest.mark.parametrize(
    "url", ["https://example.org/x", "//example.org/x", "/\\example.org", "javascript:alert(1)"]
)
def test_a_drilldown_never_leaves_the_site(url):
    with pytest.raises(ValueError, match="path on this site"):
        bar_chart("drill", "t", ["甲"], [Series("a", [1], urls=[url])])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="'甲' has 2 values for 3 categories"):
        bar_chart("c", "t", MONTHS, [Series("甲", [1, 2])])
    with pytest.raises(ValueError, match="'甲' has 1 URLs for 3 categories"):
        bar_chart("c", "t", MONTHS, [Series("甲", [1, 2, 3], urls=["/x"])])
    with pytest.raises(ValueError, match="Chart colour"):
        bar_chart("c", "t", MONTHS, [Series("甲", [1, 2, 3], colour="red;x")])
    with pytest.raises(ValueError, match="Chart id"):
        bar_chart("Not An Id", "t", MONTHS, [Series("甲", [1, 2, 3])])
    with pytest.raises(ValueError, match="height"):
        pie_chart("p", "t", [], height=10)


# --- page include ----------------------------------------------------------------------------


def test_chart_include_carries_the_option_and_a_table_with_the_drilldown_links():
    chart = risk_pie()
    html = render_to_string("reports/chart.html", {"chart": chart})
    assert 'data-chart="risk-colours-data"' in html
    assert 'data-chart-height="320"' in html
    assert "style=" not in html  # the CSP forbids inline styles
    start = html.index('<script id="risk-colours-data" type="application/json">')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    assert json.loads(payload) == json.loads(json.dumps(chart.browser_data()))
    assert '<a href="/risk/?colour=red">2</a>' in html
    assert str(RiskColour.BLUE.label) in html


def test_chart_scripts_come_from_our_static_files():
    html = render_to_string("reports/chart_scripts.html")
    assert 'src="/static/vendor/echarts/echarts.min.js"' in html
    assert 'src="/static/reports/charts.js"' in html
    assert "http" not in html


# --- server drawing --------------------------------------------------------------------------


def test_render_svg_draws_a_batch_in_order_with_the_chinese_titles():
    trend = line_chart("trend", "月度趋势 <整改>", MONTHS, [Series("新增", [1, 2, 3])])
    with translation.override("zh-hans"):
        pie = risk_pie()  # the legend shows RiskColour's labels in the reader's language
    pie_svg, trend_svg = render_svg([pie, trend])
    assert pie_svg.startswith("<svg") and 'width="800"' in pie_svg
    assert "风险点颜色" in pie_svg and "重大风险" in pie_svg
    # Labels are text, escaped: a label can never become markup in the SVG.
    assert "月度趋势 &lt;整改&gt;" in trend_svg
    assert "Noto Sans CJK SC" in trend_svg


def test_render_png_draws_the_chart_in_colour_at_print_size():
    image = Image.open(io.BytesIO(render_png(risk_pie(), width=400, height=300, scale=2)))
    assert image.format == "PNG"
    assert image.size == (800, 600)
    rgb = image.convert("RGB")
    counted = rgb.getcolors(maxcolors=1 << 20)
    assert counted is not None
    colours = {colour for _count, colour in counted}
    assert (255, 255, 255) in colours  # white paper...
    assert (220, 53, 69) in colours and (13, 110, 253) in colours  # ...red and blue slices


def test_png_titles_show_chinese_glyphs_not_empty_boxes():
    """Two titles differing only in their Chinese characters draw differently: with no CJK
    font both would be the same row of empty boxes."""

    def title_strip(title: str) -> bytes:
        png = render_png(risk_pie(title), width=400, height=300, scale=1)
        return Image.open(io.BytesIO(png)).convert("L").crop((0, 0, 400, 36)).tobytes()

    hazards, rectified = title_strip("隐患统计"), title_strip("整改销号")
    assert hazards != rectified
    assert min(hazards) < 100  # dark text was drawn


def test_without_node_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(chart_render.shutil, "which", lambda name: None)
    with pytest.raises(ChartRenderError, match="install Debian's `nodejs`"):
        render_svg([risk_pie()])


def test_a_slow_drawing_is_stopped():
    with pytest.raises(ChartRenderError, match="took longer than"):
        render_svg([risk_pie()], timeout=0.001)


def test_download_response_is_a_named_png_or_svg_file():
    png = chart_download_response(risk_pie(), "PNG")
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E9%A3%8E%E9%99%A9%E7%82%B9%E9%A2%9C%E8%89%B2.png"
    )
    assert png.content.startswith(b"\x89PNG")
    svg = chart_download_response(risk_pie(), "svg", filename="county/risk")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"] == 'attachment; filename="county-risk.svg"'
    assert "风险点颜色" in svg.content.decode()


def test_download_of_an_unknown_format_is_not_found():
    with pytest.raises(Http404):
        chart_download_response(risk_pie(), "gif")


def test_download_when_the_server_cannot_draw_is_a_clear_503(monkeypatch):
    monkeypatch.setattr(chart_render.shutil, "which", lambda name: None)
    response = chart_download_response(risk_pie(), "png")
    assert response.status_code == 503
    assert "could not be drawn" in response.content.decode()


def test_numbers_stay_finite_json():
    chart = bar_chart("n", "t", ["a", "b"], [Series("s", [Decimal("2.5"), math.inf])])
    assert chart.option["series"][0]["data"] == [2.5, None]
