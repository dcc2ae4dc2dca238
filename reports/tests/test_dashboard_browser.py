"""The dashboard drill-down, in headless Chromium on a phone: the demo county's leader
opens the dashboard, taps the township with the most overdue hazards on the chart, and lands on
exactly those hazards."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Region
from hazards.filtersets.hazards import overdue
from hazards.models import Hazard
from testing.browser import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

# The chart's bar for one township: its middle, in page pixels (ECharts' own coordinates).
BAR_MIDDLE = """([index, value]) => {
    const box = document.querySelector('#overdue-by-area');
    const chart = echarts.getInstanceByDom(box);
    const horizontal = chart.getOption().yAxis[0].type === 'category';
    const at = horizontal ? [value / 2, index] : [index, value / 2];
    const [x, y] = chart.convertToPixel({seriesIndex: 0}, at);
    const rect = box.getBoundingClientRect();
    return [rect.left + x, rect.top + y];
}"""


def test_leader_taps_the_worst_township_and_sees_exactly_its_overdue_hazards(
    transactional_db: Any, live_server: Any, phone_page: Any
) -> None:
    call_command("demo_data", premises=400, seed=1, no_progress=True, stdout=StringIO())
    page, base = phone_page, live_server.url
    problems: list[str] = []

    def listen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", listen)
    page.on("pageerror", lambda error: problems.append(str(error)))

    log_in(page, base, "county_leader", DEMO_PASSWORD)
    page.goto(f"{base}{reverse('reports:dashboard')}")
    page.wait_for_selector("#overdue-by-area svg, #overdue-by-area canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    values = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('#overdue-by-area'))"
        ".getOption().series[0].data.map(d => typeof d === 'object' ? d.value : d)"
    )
    names = page.evaluate(
        "() => { const o = echarts.getInstanceByDom(document.querySelector('#overdue-by-area'))"
        ".getOption(); return (o.yAxis[0].type === 'category' ? o.yAxis : o.xAxis)[0].data; }"
    )
    worst = max(range(len(values)), key=lambda i: values[i])
    assert values[worst] > 0, "the demo has overdue hazards"
    township = Region.objects.get(name=names[worst], level="township")

    page.locator("#overdue-by-area").scroll_into_view_if_needed()
    x, y = page.evaluate(BAR_MIDDLE, [worst, values[worst]])
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r".*/safety/hazards/\?.*overdue=true.*"))

    expected = overdue(Hazard.objects.filter(region__path__startswith=township.path)).values_list(
        "number", flat=True
    )
    assert f"region={township.pk}" in page.url
    count_line = page.inner_text("p.text-muted.small.mb-1")
    assert re.search(rf"(?<!\d){len(expected)}(?!\d)", count_line), count_line
    shown = set(page.locator("table tbody tr td:first-child").all_inner_texts())
    assert shown and shown <= set(expected)
    assert len(expected) == values[worst]
    assert problems == [], "\n".join(problems)
