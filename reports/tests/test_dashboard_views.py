"""The leader dashboard page: who may open it, and that every figure links to the list of exactly
the records it counts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.tests.factories import ComplaintWorld
from reports.dashboard import Period
from reports.tests.test_rollups import county_leader, random_cases, random_hazards
from testing.world import make_user
from workflow.calendar import local_date

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("reports:dashboard")


def figures(response: Any, section: str) -> dict[str, Any]:
    return {figure.key: figure for figure in response.context[section]}


def listed(client: Client, url: str) -> int:
    """The number of records the list behind a link shows (its own count line)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["table"].paginator.count


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_role_without_the_dashboard_gets_403(client: Client, world) -> None:
    client.force_login(world.user("enterprise"))
    assert client.get(DASHBOARD).status_code == 403


def test_every_hazard_figure_opens_the_records_it_counts(
    client: Client,
    county: ComplaintWorld,
) -> None:
    client.force_login(county_leader(county.world))
    response = client.get(DASHBOARD, {"period": "year"})
    assert response.status_code == 200
    shown = figures(response, "hazard_figures")
    assert shown["hazards_found"].value > 0 and shown["hazards_overdue"].value > 0
    for key in ("hazards_found", "hazards_rectified", "hazards_closed", "hazards_overdue"):
        assert listed(client, shown[key].url) == shown[key].value, key


def test_every_case_figure_opens_the_records_it_counts(
    client: Client,
    county: ComplaintWorld,
) -> None:
    client.force_login(county_leader(county.world))
    response = client.get(DASHBOARD, {"period": "year"})
    shown = figures(response, "complaint_figures")
    assert shown["cases_received"].value > 0
    for key in ("cases_received", "cases_concluded", "cases_overdue"):
        assert listed(client, shown[key].url) == shown[key].value, key


def test_the_township_bar_opens_exactly_its_overdue_hazards(
    client: Client,
    county: ComplaintWorld,
) -> None:
    """The leader clicks the township with the most overdue hazards and lands on those."""
    client.force_login(county_leader(county.world))
    response = client.get(DASHBOARD)
    chart = next(c for c in response.context["charts"] if c.id == "overdue-by-area")
    values = chart.option["series"][0]["data"]
    worst = max(range(len(values)), key=lambda i: values[i])
    url = chart.drilldown[0][worst]
    assert values[worst] > 0
    assert parse_qs(urlsplit(url).query)["overdue"] == ["true"]
    assert listed(client, url) == values[worst]


def test_breakdown_rows_link_to_their_member(
    client: Client,
    county: ComplaintWorld,
) -> None:
    client.force_login(county_leader(county.world))
    response = client.get(DASHBOARD, {"period": "year"})
    for table in response.context["breakdowns"]:
        for name, row in table.rows:
            for figure in row:
                if figure.url:
                    assert listed(client, figure.url) == figure.value, (table.title, name)


def test_an_area_narrows_every_figure(client: Client, county: ComplaintWorld) -> None:
    world = county.world
    client.force_login(county_leader(world))
    whole = figures(client.get(DASHBOARD, {"period": "year"}), "hazard_figures")
    only_b = client.get(DASHBOARD, {"period": "year", "area": str(world.township_b.pk)})
    in_b = figures(only_b, "hazard_figures")
    assert in_b["hazards_found"].value < whole["hazards_found"].value
    assert listed(client, in_b["hazards_found"].url) == in_b["hazards_found"].value


def test_a_township_user_cannot_choose_another_township(client: Client, world) -> None:
    user = make_user("township_b_leader", "government_leader", regions=[world.township_b])
    client.force_login(user)
    response = client.get(DASHBOARD, {"area": world.township_a.pk})
    assert response.status_code == 400
    assert "area" in response.context["form"].errors


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "start": "2026-03"}, "Give both dates"),
        ({"period": "custom", "start": "2026-03", "end": "2026-02"}, "ends before"),
        ({"period": "custom", "start": "2023-02", "end": "2026-02"}, "three years"),
        ({"period": "custom", "start": "2026-13", "end": "2026-02"}, "valid date"),
    ],
)
def test_a_bad_period_is_refused_with_a_reason(client: Client, world, query, message) -> None:
    client.force_login(county_leader(world))
    response = client.get(DASHBOARD, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_custom_period_counts_only_its_months(client: Client, county: ComplaintWorld) -> None:
    client.force_login(county_leader(county.world))
    today = local_date(timezone.now())
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    response = client.get(
        DASHBOARD, {"period": "custom", "start": f"{last_month:%Y-%m}", "end": f"{today:%Y-%m}"}
    )
    shown = figures(response, "hazard_figures")
    assert listed(client, shown["hazards_found"].url) == shown["hazards_found"].value
    assert f"found_after={last_month.isoformat()}" in shown["hazards_found"].url
    end_of_month = Period.month_of(today.replace(day=1)).end
    assert f"found_before={end_of_month.isoformat()}" in shown["hazards_found"].url


def test_the_menu_offers_the_dashboard_to_leaders(client: Client, world) -> None:
    client.force_login(county_leader(world))
    assert DASHBOARD in client.get(reverse("core:home")).content.decode()


def test_a_chart_downloads_as_svg_and_png_for_the_same_period(
    client: Client,
    county: ComplaintWorld,
) -> None:
    client.force_login(county_leader(county.world))
    page = client.get(DASHBOARD, {"period": "year"})
    assert "/reports/charts/overdue-by-area.svg?period=year" in page.content.decode()
    svg = client.get(reverse("reports:chart", args=["overdue-by-area", "svg"]), {"period": "year"})
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert county.world.township_a.name in svg.content.decode()
    png = client.get(reverse("reports:chart", args=["trend", "png"]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get(reverse("reports:chart", args=["no-such-chart", "svg"])).status_code == 404
    assert client.get(reverse("reports:chart", args=["trend", "gif"])).status_code == 404


def test_the_dashboard_reads_no_more_queries_with_more_records(
    client: Client,
    county: ComplaintWorld,
) -> None:
    """Aggregates, not rows: more hazards and cases cost no extra query (no N+1)."""
    client.force_login(county_leader(county.world))
    client.get(DASHBOARD)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as before:
        client.get(DASHBOARD)
    rng = random.Random(7)
    random_hazards(county.world, rng, 6, suffix="more")
    random_cases(county, rng, 4)
    with CaptureQueriesContext(connection) as after:
        client.get(DASHBOARD)
    assert len(after) == len(before)


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_every_rate_figure_opens_the_rates_of_the_period_shown(
    client: Client, county: ComplaintWorld, period: str
) -> None:
    client.force_login(county_leader(county.world))
    response = client.get(DASHBOARD, {"period": period})
    shown = response.context["board"].period
    rate_keys = [
        key for key, figure in figures(response, "complaint_figures").items() if figure.unit
    ]
    assert len(rate_keys) == 5
    for key in rate_keys:
        url = figures(response, "complaint_figures")[key].url
        query = parse_qs(urlsplit(url).query)
        assert query["start"] == [shown.start.isoformat()], key
        assert query["end"] == [shown.end.isoformat()], key
        assert client.get(url).status_code == 200, key
