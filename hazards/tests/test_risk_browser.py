"""A township clerk assesses a risk point on a phone: the score and colour appear as the values
are chosen, before saving (headless Chromium)."""

from __future__ import annotations

import re

import pytest

from hazards.models import RiskPoint
from testing.browser import csp_violations, log_in
from testing.world import PASSWORD, build_world


@pytest.mark.browser
def test_phone_clerk_sees_the_score_while_choosing_and_saves_the_point(
    transactional_db, live_server, phone_page
):
    world = build_world()
    page = phone_page
    violations = csp_violations(page)
    log_in(page, live_server.url, "staff_a", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/safety/risk-points/add/?premises={world.premises_a.pk}")
    page.wait_for_load_state("load")
    page.fill("input[name=name]", "食堂燃气间")
    page.select_option("select[name=method]", "lec")
    page.select_option("select[name=likelihood]", "3")
    page.select_option("select[name=exposure]", "6")
    page.select_option("select[name=consequence]", "15")
    page.wait_for_selector("#risk-score [data-score]:has-text('270')")
    assert page.is_visible("#risk-score [data-colour=orange]")

    # A value the method does not allow is named before anything is saved.
    page.select_option("select[name=method]", "matrix")
    page.wait_for_selector("#risk-score [data-problem]")
    page.select_option("select[name=likelihood]", "5")
    page.select_option("select[name=severity]", "4")
    page.wait_for_selector("#risk-score [data-score]:has-text('20')")
    assert page.is_visible("#risk-score [data-colour=red]")

    page.click("button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/safety/risk-points/\d+/$"))
    point = RiskPoint.objects.get(name="食堂燃气间")
    assert page.url == f"{live_server.url}{point.get_absolute_url()}"
    assert (point.score, point.live_colour) == (20, "red")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert violations == [], "\n".join(violations)
