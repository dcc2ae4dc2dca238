"""The inspection journey, in headless Chromium on a phone: the demo county's grid inspector runs
the school checklist at the demo school, fails two items and records both as hazards with one
click each, and has the representative sign; the township sees both hazards on its board with
their deadlines; the school's safety officer reports one rectified with a photo; a second grid
inspector verifies and closes it (four eyes); and the hazard's timeline and the audit log show
every step with who took it."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Attachment, AuditEntry, User
from core.times import deadline_text
from hazards.choices import HazardSource, HazardState, InspectionState, Outcome
from hazards.models import ChecklistTemplate, Hazard, Inspection
from testing.browser import DEMO_PASSWORD, PHONE, confirm_step, log_in
from testing.images import png_bytes

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375  # testing.browser.PHONE's viewport
FAILED_ITEMS = (2, 4)  # checklist numbers of the two items the inspector fails


class Phones:
    """One phone-sized browser context per person, each listening for CSP violations."""

    def __init__(self, chromium: Any, base_url: str) -> None:
        self.chromium = chromium
        self.base_url = base_url
        self.contexts: list[Any] = []
        self.violations: list[str] = []

    def logged_in(self, username: str) -> Any:
        context = self.chromium.new_context(**PHONE, locale="zh-CN")
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self.listen)
        log_in(page, self.base_url, username, DEMO_PASSWORD)
        page.wait_for_url(f"{self.base_url}/")
        page.wait_for_load_state("load")
        return page

    def listen(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def phones(chromium: Any, live_server: Any) -> Iterator[Phones]:
    phones = Phones(chromium, live_server.url)
    yield phones
    phones.close()


def in_language(user: User, text: Any) -> str:
    """A label as the user's pages show it (their chosen language)."""
    with translation.override(user.language):
        return str(text)


def state_name(user: User, state: str) -> str:
    return in_language(user, dict(HazardState.choices)[state])


def body_text(page: Any) -> str:
    return str(page.inner_text("body"))


def test_inspection_to_closed_hazard_on_phones(
    transactional_db: Any, live_server: Any, phones: Phones, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # 400 premises: the smallest demo county whose township A (grid_a's) has a school.
    call_command("demo_data", premises=400, seed=1, no_progress=True, stdout=StringIO())
    users = {u.username: u for u in User.objects.all()}
    inspector, verifier = users["grid_a"], users["grid_a2"]
    officer, township = users["school_officer"], users["township_a"]
    school = officer.premises.get()
    assert school.region in inspector.regions.all(), "the demo's grid_a covers the school"
    template = ChecklistTemplate.objects.filter(code="schools").order_by("-effective_from").first()
    assert template is not None, "the schools checklist is seeded by hazards migration 0004"
    hazards_before = set(Hazard.objects.values_list("pk", flat=True))
    base = live_server.url

    # 1. The grid inspector, on the phone: today's work, then an inspection of the school.
    page = phones.logged_in(inspector.username)
    page.goto(f"{base}/safety/inspections/today/")
    page.wait_for_selector("[data-section=planned]")
    page.click(f"a.btn[href='{reverse('hazards:inspection_start')}']")
    page.wait_for_url(f"{base}/safety/inspections/start/")
    page.select_option("select[name=premises]", str(school.pk))
    page.select_option("select[name=template]", str(template.pk))
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"{base}/safety/inspections/*/run/")
    inspection = Inspection.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
    assert (inspection.premises_id, inspection.inspector_id) == (school.pk, inspector.pk)
    assert inspection.template_id == template.pk
    assert page.is_visible(f"text={school.name}")

    items = list(template.items.order_by("number"))
    assert len(items) > max(FAILED_ITEMS)
    for item in items:
        outcome = "fail" if item.number in FAILED_ITEMS else "pass"
        page.click(f"label[for=o-{item.pk}-{outcome}]")
        colour = "danger" if outcome == "fail" else "success"
        page.wait_for_selector(f"#item-{item.pk}.border-{colour}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    failed = [item for item in items if item.number in FAILED_ITEMS]
    for item in failed:  # one click each
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
    page.wait_for_url(f"{base}/safety/inspections/{inspection.pk}/")

    inspection.refresh_from_db()
    assert inspection.state == InspectionState.COMPLETED
    assert inspection.failed_count == 2
    assert inspection.results.filter(outcome=Outcome.PASS).count() == len(items) - 2
    new = Hazard.objects.exclude(pk__in=hazards_before).order_by("checklist_item__number")
    assert [h.checklist_item_id for h in new] == [item.pk for item in failed]
    for hazard in new:
        # Reported from an inspection with the item's deadline: straight into rectification.
        assert hazard.source == HazardSource.INSPECTION
        assert hazard.state == HazardState.RECTIFYING
        assert hazard.rectify_by is not None and hazard.rectify_by > timezone.now()
        assert hazard.found_by_id == inspector.pk
        assert hazard.premises_id == school.pk
    first, second = list(new)
    for hazard in new:  # the completed inspection's page links both hazards
        assert page.is_visible(f"a[href='{hazard.get_absolute_url()}']")

    # 2. The township's staff see both on their hazard board, with the deadlines.
    board = phones.logged_in(township.username)
    board.goto(f"{base}/safety/hazards/board/")
    column = board.locator(f"[data-state={HazardState.RECTIFYING}]")
    for hazard in new:
        card = column.locator("li", has=board.locator(f"a[href='{hazard.get_absolute_url()}']"))
        assert card.count() == 1
        text = card.inner_text()
        assert hazard.number in text
        assert hazard.rectify_by is not None and deadline_text(hazard.rectify_by) in text
        assert school.name in text

    # 3. The school's safety officer reports the first one rectified, with a photo.
    phone = phones.logged_in(officer.username)
    phone.goto(f"{base}{first.get_absolute_url()}")
    form = phone.locator("form[data-transition=rectify]")
    form.locator("textarea[name=rectification_note]").fill("已清理疏散通道，张贴警示标志。")
    form.locator("input[name=evidence]").set_input_files(
        {"name": "evidence.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    form.locator("button").click()
    phone.wait_for_selector(f"[data-state={HazardState.RECTIFIED}]")
    assert phone.is_visible("#evidence >> text=evidence.png")
    assert "已清理疏散通道" in body_text(phone)
    # The enterprise cannot check its own work: no verify button for the officer.
    assert phone.locator("form[data-transition=verify]").count() == 0

    # 4. A second grid inspector verifies, then closes it.
    check = phones.logged_in(verifier.username)
    check.goto(f"{base}{first.get_absolute_url()}")
    form = check.locator("form[data-transition=verify]")
    form.locator("textarea[name=verification_note]").fill("现场复查：通道畅通。")
    form.locator("button").click()
    confirm_step(check)
    check.wait_for_selector(f"[data-state={HazardState.VERIFIED}]")
    check.locator("form[data-transition=close] button").click()
    confirm_step(check)
    check.wait_for_selector(f"[data-state={HazardState.CLOSED}]")

    first.refresh_from_db()
    assert first.state == HazardState.CLOSED
    assert first.rectified_by_id == officer.pk
    assert first.verified_by_id == verifier.pk
    assert first.closed_by_id == verifier.pk
    evidence = Attachment.objects.of(first, "evidence").get()
    assert evidence.media_type == "image/png"
    second.refresh_from_db()
    assert second.state == HazardState.RECTIFYING  # the other one is still open

    # 5. The timeline on the hazard's page shows each step and who took it.
    entries = list(
        AuditEntry.objects.filter(
            content_type__model="hazard", object_id=str(first.pk), changes__has_key="state"
        ).order_by("seq")
    )
    steps = [(e.actor_id, e.changes["state"][0], e.changes["state"][1]) for e in entries]
    assert steps[0][0] == inspector.pk and steps[0][2] in (
        HazardState.REGISTERED,
        HazardState.RECTIFYING,
    )
    assert steps[-3:] == [
        (officer.pk, HazardState.RECTIFYING, HazardState.RECTIFIED),
        (verifier.pk, HazardState.RECTIFIED, HazardState.VERIFIED),
        (verifier.pk, HazardState.VERIFIED, HazardState.CLOSED),
    ]
    rows = check.locator("#timeline li").all_inner_texts()
    labels = {entry.actor_id: entry.actor_name for entry in entries}
    states = {state: state_name(verifier, state) for state in HazardState.values}
    assert any(
        labels[inspector.pk] in row and states[HazardState.RECTIFYING] in row for row in rows[:2]
    )
    expected = [
        (officer.pk, HazardState.RECTIFYING, HazardState.RECTIFIED, "已清理疏散通道"),
        (verifier.pk, HazardState.RECTIFIED, HazardState.VERIFIED, "通道畅通"),
        (verifier.pk, HazardState.VERIFIED, HazardState.CLOSED, ""),
    ]
    for row, (actor, before, after, note) in zip(rows[-3:], expected, strict=True):
        assert labels[actor] in row
        assert f"{states[before]} → {states[after]}" in row
        assert note in row

    # 6. The county's audit log lists the same entries, by actor, for the auditor.
    audit = phones.logged_in(users["auditor"].username)
    audit.goto(f"{base}/audit/?q={first.number}")
    text = body_text(audit)
    for entry in entries:
        assert str(entry.seq) in text
        assert entry.actor_name in text
    assert phones.violations == [], "\n".join(phones.violations)
