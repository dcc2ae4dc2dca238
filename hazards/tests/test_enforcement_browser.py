"""A regulator drafts an order on a phone, another issues it, in headless Chromium, and opens
its PDF."""

from __future__ import annotations

import os

import pytest

from hazards.choices import EnforcementKind as K
from hazards.models import EnforcementAction
from testing.browser import confirm_step, csp_violations, log_in
from testing.world import PASSWORD, build_world


@pytest.mark.browser
def test_phone_regulator_drafts_another_issues_and_opens_the_pdf(
    transactional_db, live_server, phone_page
):
    world = build_world()
    page = phone_page
    violations = csp_violations(page)
    log_in(page, live_server.url, "edu_staff", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/safety/enforcement/add/?premises={world.premises_a.pk}")
    page.select_option("select[name=kind]", K.IMMEDIATE_REMOVAL)
    page.fill("textarea[name=facts]", "配电室积水，电缆浸泡，作业人员仍在室内作业。")
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("[data-state=draft]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # a second regulator issues what the first drafted (four eyes)
    draft_url = page.url
    page.context.clear_cookies()
    log_in(page, live_server.url, "county_admin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(draft_url)
    page.click("form[action$='/issue/'] button")
    confirm_step(page)
    page.wait_for_selector("[data-state=issued]")
    order = EnforcementAction.objects.get()
    assert order.state == "issued" and "撤离" in order.number
    assert page.is_visible(f"text={order.number}")
    if os.environ.get("ENF_SCREENSHOT"):
        page.screenshot(path=os.environ["ENF_SCREENSHOT"], full_page=True)

    pdf = page.request.get(f"{live_server.url}/safety/enforcement/{order.pk}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    assert violations == []
