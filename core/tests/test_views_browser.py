"""A township clerk works the premises pages on a 375-pixel phone, in headless Chromium."""

from __future__ import annotations

import pytest

from core.models import User
from testing.browser import csp_violations, log_in
from testing.world import PASSWORD, build_world


@pytest.mark.browser
def test_phone_clerk_lists_edits_and_reads_history_of_a_premises(
    transactional_db, live_server, phone_page
):
    world = build_world()
    page = phone_page
    violations = csp_violations(page)
    log_in(page, live_server.url, "staff_a", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    # The menu is collapsed behind the toggler on a phone; a click during the collapse
    # animation can be swallowed, so each step waits for the menu it opened.
    page.wait_for_load_state("load")
    page.click(".navbar-toggler")
    page.wait_for_selector("#cd-nav.show:not(.collapsing)")
    page.click(".navbar li.dropdown:has(a[href='/premises/']) .dropdown-toggle")
    premises_link = page.locator("a.dropdown-item[href='/premises/']")
    premises_link.wait_for(state="visible")
    premises_link.click()
    page.wait_for_url(f"{live_server.url}/premises/")
    page.wait_for_selector(f"text={world.premises_a.name}")
    assert not page.is_visible(f"text={world.premises_b.name}")
    # Nothing makes the page wider than the phone; wide tables scroll inside their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.click(f"text={world.premises_a.name}")
    page.click("a.btn:has-text('Edit'), a.btn:has-text('编辑')")
    page.fill("input[name=name]", "甲镇中心小学（新）")
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"{live_server.url}{world.premises_a.get_absolute_url()}")
    page.wait_for_selector("text=甲镇中心小学（新）")

    page.click(".nav-tabs a >> nth=1")
    page.wait_for_url(f"{live_server.url}/premises/{world.premises_a.pk}/history/")
    staff_a = User.objects.get(username="staff_a")
    assert page.is_visible(f".cd-history >> text={staff_a.display_name}")
    assert page.is_visible(".cd-history >> text=甲镇中心小学（新）")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert violations == [], "\n".join(violations)
