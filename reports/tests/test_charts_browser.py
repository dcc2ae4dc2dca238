"""A leader opens a page with charts on a phone: the charts are drawn from our own static files
under the strict CSP, fit the screen, and a tap on a bar opens the list behind it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from reports.tests.chart_urls import TOWNSHIPS
from testing.browser import csp_violations


@pytest.mark.browser
@pytest.mark.urls("reports.tests.chart_urls")
def test_phone_chart_draws_under_the_csp_and_a_tap_opens_the_drilldown(live_server, phone_page):
    page = phone_page
    violations = csp_violations(page)
    page.on("pageerror", lambda error: violations.extend([str(error)]))
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(f"{live_server.url}/chart-test/")
    page.wait_for_selector("#open-hazards svg text:has-text('各乡镇未整改隐患')")
    page.wait_for_selector("#risk-colours svg text:has-text('风险点颜色')")
    assert page.evaluate("document.querySelector('#open-hazards').offsetHeight") == 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert hosts == {urlsplit(live_server.url).netloc}  # never a CDN

    # Tap the middle of the "major" part (series 1, stacked on top) of 东风乡's bar.
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.querySelector('#open-hazards'));
            return chart.convertToPixel({seriesIndex: 1}, [1, 6 + 3 / 2]);
        }"""
    )
    box = page.locator("#open-hazards").bounding_box()
    # Hovering first shows the tooltip, drawn inside the chart (ECharts' HTML tooltip would
    # break the CSP with its style attributes).
    texts = "document.querySelectorAll('#open-hazards svg text').length"
    before = page.evaluate(texts)
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_function(f"() => {texts} > {before}")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"{live_server.url}/chart-test/drill/?township=1&grade=major")
    assert "hazards of township 1" in page.content()
    assert TOWNSHIPS[1] == "东风乡"
    assert violations == [], "\n".join(violations)


@pytest.mark.browser
@pytest.mark.urls("reports.tests.chart_urls")
def test_charts_follow_a_turned_phone_and_charts_swapped_in_by_htmx_are_drawn(
    live_server, phone_page
):
    page = phone_page
    page.goto(f"{live_server.url}/chart-test/")
    page.wait_for_selector("#open-hazards svg")
    svg_fits = """() => {
        const box = document.querySelector('#open-hazards');
        return Number(box.querySelector('svg').getAttribute('width')) === box.clientWidth;
    }"""
    assert page.evaluate(svg_fits)
    assert page.evaluate("document.querySelector('#open-hazards').clientWidth") < 375

    page.set_viewport_size({"width": 812, "height": 375})  # the phone turned sideways
    page.wait_for_function(
        "() => document.querySelector('#open-hazards svg').getAttribute('width') > 700"
    )
    assert page.evaluate(svg_fits)

    page.click("#load-trend")
    page.wait_for_selector("#trend svg text:has-text('月度趋势')")
