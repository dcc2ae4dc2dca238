"""A grid inspector runs a school checklist on a 390×844 phone in headless Chromium: answers
each item (saved as it is tapped), fails two, records both as hazards, has the representative
sign on the screen, and completes the inspection."""

from __future__ import annotations

import pytest

from core.models import Attachment
from hazards.choices import InspectionState
from hazards.models import Inspection
from hazards.services import inspections as service
from hazards.tests.test_inspections import make_template
from testing.browser import csp_violations, log_in
from testing.world import PASSWORD, build_world, make_user

PHONE_390 = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.browser
def test_phone_inspector_runs_a_checklist_fails_two_items_and_signs(
    transactional_db, live_server, chromium, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    make_template(world, items=4)
    inspector = make_user("inspector_phone", "grid_inspector", regions=[world.grid_a])
    inspection = service.open_inspection(user=inspector, premises=world.premises_a)
    context = chromium.new_context(**PHONE_390, locale="en-US")
    page = context.new_page()
    violations = csp_violations(page)
    try:
        log_in(page, live_server.url, "inspector_phone", PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/safety/inspections/{inspection.pk}/run/")
        page.wait_for_load_state("load")
        items = list(inspection.template.items.order_by("number"))
        for item in items:
            outcome = "fail" if item.number in (2, 3) else "pass"
            page.click(f"label[for=o-{item.pk}-{outcome}]")
            colour = "danger" if outcome == "fail" else "success"
            page.wait_for_selector(f"#item-{item.pk}.border-{colour}")
        # Touch targets are at least 44 px high (WCAG 2.5.5 / platform guidance).
        height = page.eval_on_selector(f"label[for=o-{items[0].pk}-pass]", "e => e.offsetHeight")
        assert height >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        for number in (2, 3):
            item = items[number - 1]
            page.click(f"#item-{item.pk} [data-record-hazard]")
            page.wait_for_selector(f"#item-{item.pk} [data-hazard-link]")

        page.fill("input[name=representative_name]", "王校长")
        pad = page.locator("#cd-signature-pad")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 20, box["y"] + 20)
        page.mouse.down()
        page.mouse.move(box["x"] + 120, box["y"] + 60, steps=8)
        page.mouse.move(box["x"] + 220, box["y"] + 30, steps=8)
        page.mouse.up()
        page.click("[data-signature-save]")
        page.wait_for_selector("[data-signed]")

        page.click("[data-complete]")
        page.wait_for_url(f"{live_server.url}/safety/inspections/{inspection.pk}/")
        assert violations == [], "\n".join(violations)
    finally:
        context.close()

    inspection.refresh_from_db()
    assert inspection.state == InspectionState.COMPLETED
    assert inspection.failed_count == 2
    assert inspection.representative_name == "王校长"
    assert inspection.hazards.count() == 2
    signature = Attachment.objects.of(inspection, "signature").get()
    assert signature.media_type == "image/png"
    assert Inspection.objects.count() == 1
