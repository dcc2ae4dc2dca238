"""A clerk at the desk registers a visit in headless Chromium: the category's questions appear
when it is chosen, a complaint already open for the same caller shows up while the phone number is
typed, and the clerk links the visit to it as a repeat; then registers a new matter and gets
the receipt code and the one-time password. No Content-Security-Policy violation."""

from __future__ import annotations

import re
from typing import Any

import pytest

from complaints.models import Category, Complaint
from complaints.tests.factories import complaint_world, file_complaint
from testing.browser import csp_violations, log_in
from testing.world import PASSWORD, build_world


@pytest.mark.browser
def test_clerk_links_a_repeat_and_registers_a_new_complaint(
    transactional_db: Any, live_server: Any, chromium: Any
) -> None:
    cw = complaint_world(build_world())
    earlier = file_complaint(cw).complaint
    noise = Category.objects.get(code="CITY-NOISE")
    page = chromium.new_context(locale="en-GB").new_page()
    violations = csp_violations(page)

    def settled() -> None:
        # As a person would: the page has finished updating before the next step.
        page.wait_for_timeout(400)
        page.wait_for_function("!document.querySelector('.htmx-request')")

    log_in(page, live_server.url, "clerk", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/complaints/new/")
    page.select_option("select[name=channel]", "visit")
    page.select_option("select[name=category]", str(noise.pk))
    page.wait_for_selector("select[name=answer_when]")
    page.select_option("select[name=answer_when]", "night")
    page.select_option("select[name=region]", str(cw.world.grid_a.pk))
    page.fill("input[name=title]", "工地又在夜间施工")
    page.fill("textarea[name=summary]", "工地夜间施工噪声扰民，再次反映。")
    page.fill("input[name='person-0-name']", "张三")
    page.fill("input[name='person-0-phone']", "13800000000")
    page.press("input[name='person-0-phone']", "Tab")
    page.wait_for_selector(f"[data-match='{earlier.number}']")
    settled()
    page.check(f"input[name=decision][value='{earlier.pk}']")
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/complaints/repeats/\d+/$"))
    assert page.inner_text("[data-repeat-count]") == "1"
    assert Complaint.objects.count() == 1

    page.goto(f"{live_server.url}/complaints/new/")
    page.select_option("select[name=category]", str(Category.objects.get(code="UTIL-WATER").pk))
    page.wait_for_selector("input[name=answer_households]")
    page.select_option("select[name=region]", str(cw.world.grid_b.pk))
    page.fill("input[name=title]", "小区停水")
    page.fill("textarea[name=summary]", "小区停水三天。")
    page.click("[data-add-person]")
    page.fill("input[name='person-1-name']", "李四")
    page.fill("input[name='person-1-phone']", "13900000001")
    settled()
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/complaints/new/\d+/receipt/$"))
    complaint = Complaint.objects.exclude(pk=earlier.pk).get()
    assert page.inner_text("[data-receipt-code]") == complaint.receipt_code
    assert len(page.inner_text("[data-query-password]")) == 8
    assert violations == [], "\n".join(violations)
