"""URLs for the chart tests only (`@pytest.mark.urls`): a page with charts, the page a
drill-down leads to, and the site's own URLs the base template links to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import render_to_string
from django.urls import path, reverse

from civicdesk.urls import urlpatterns as site_urlpatterns
from reports.charts import Chart, Series, Slice, bar_chart, line_chart, pie_chart

PAGE = """{% extends "base.html" %}
{% block title %}Charts{% endblock %}
{% block extra_head %}{% include "reports/chart_scripts.html" %}{% endblock %}
{% block content %}{% for chart in charts %}{% include "reports/chart.html" %}{% endfor %}
<button type="button" id="load-trend" hx-get="{% url 'chart-test-trend' %}" hx-target="#more">
  Trend</button>
<div id="more"></div>
{% endblock %}"""

TOWNSHIPS = ["城关镇", "东风乡", "西湖街道", "北山镇"]


def township_chart() -> Chart:
    """Open hazards per township, general and major stacked; each bar opens its list."""
    drill = reverse("chart-test-drill")

    def urls(grade: str) -> list[str | None]:
        return [f"{drill}?township={i}&grade={grade}" for i in range(len(TOWNSHIPS))]

    return bar_chart(
        "open-hazards",
        "各乡镇未整改隐患",
        TOWNSHIPS,
        [
            Series("一般隐患", [4, 6, 2, 5], urls=urls("general"), stack="grade"),
            Series("重大隐患", [2, 3, 1, 2], colour="#dc3545", urls=urls("major"), stack="grade"),
        ],
    )


def risk_chart() -> Chart:
    return pie_chart(
        "risk-colours",
        "风险点颜色",
        [Slice("红", 2, "#dc3545"), Slice("蓝", 7, "#0d6efd")],
    )


def chart_page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"charts": [township_chart(), risk_chart()]}, request))


def trend_fragment(request: HttpRequest) -> HttpResponse:
    """A chart that htmx swaps into the page after it has loaded."""
    chart = line_chart("trend", "月度趋势", ["1月", "2月", "3月"], [Series("新增", [3, 5, 4])])
    return HttpResponse(render_to_string("reports/chart.html", {"chart": chart}, request))


def drill_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"hazards of township {request.GET.get('township')}")


urlpatterns = [
    path("chart-test/", chart_page, name="chart-test"),
    path("chart-test/drill/", drill_page, name="chart-test-drill"),
    path("chart-test/trend/", trend_fragment, name="chart-test-trend"),
    *site_urlpatterns,
]
