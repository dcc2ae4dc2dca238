"""The complaint journey, in headless Chromium: a citizen submits a matter on the portal from a
phone, naming the unit it is about; the clerk routes it to the responsible unit; the unit's
handler accepts it and drafts the written opinion, the unit leader approves it and it is
delivered; the citizen tracks the case with the receipt code and query password, reads the
reply, rates it unsatisfied and asks for a review; the review clock runs. The unit complained
about can open the complaint but never sees who complained (Letters and Visits Regulations 2022,
Arts 30 and 46)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from complaints.choices import (
    REVIEW_OPINION,
    REVIEW_REQUEST,
    CallbackSource,
    Channel,
    ComplaintState,
    DocumentKind,
)
from complaints.models import Callback, CaseDocument, Category, Complainant, Complaint
from complaints.services.intake import password_matches
from complaints.tests.factories import ComplaintWorld, complaint_world
from core.times import deadline_text
from testing.browser import PHONE, confirm_step, log_in
from testing.images import png_bytes
from testing.world import PASSWORD, build_world
from workflow.clocks import open_clocks

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375  # testing.browser.PHONE's viewport
NAME, PHONE_NUMBER, HOME = "王五", "13711112222", "某路8号2单元"
OPINION = {
    "request": "制止工地夜间施工噪声。",
    "facts_and_reasons": "经现场核查，该工地夜间施工未取得夜间施工许可。",
    "decision": "已责令施工单位停止夜间施工，并将持续巡查。",
    "legal_basis": "《中华人民共和国噪声污染防治法》第四十三条",
}


class Browsers:
    """One browser context per person (the citizen on a phone), each listening for CSP
    violations."""

    def __init__(self, chromium: Any, base_url: str) -> None:
        self.chromium = chromium
        self.base_url = base_url
        self.contexts: list[Any] = []
        self.violations: list[str] = []

    def page(self, **options: Any) -> Any:
        context = self.chromium.new_context(**options)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self.listen)
        return page

    def citizen(self) -> Any:
        return self.page(**PHONE, locale="zh-CN")

    def staff(self, username: str) -> Any:
        page = self.page(locale="zh-CN")
        log_in(page, self.base_url, username, PASSWORD)
        page.wait_for_url(f"{self.base_url}/")
        return page

    def listen(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsers(chromium: Any, live_server: Any) -> Iterator[Browsers]:
    browsers = Browsers(chromium, live_server.url)
    yield browsers
    browsers.close()


def answer_human_check(page: Any) -> None:
    """Read the arithmetic question and type the sum, as a person would (in any language the
    question has two numbers)."""
    question = page.inner_text("[data-human-question]")
    first, second = (int(n) for n in re.findall(r"\d+", question)[:2])
    page.fill("input[name=human_answer]", str(first + second))


def submit_on_phone(page: Any, base: str, cw: ComplaintWorld) -> tuple[str, str]:
    noise = Category.objects.get(code="CITY-NOISE")
    page.goto(f"{base}/portal/")
    page.select_option("select[name=category]", str(noise.pk))
    # The noise question appears once the category is chosen (portal.js).
    page.wait_for_selector(f"[data-questions-for='{noise.pk}']", state="visible")
    page.select_option(f"select[name=q_{noise.pk}_when]", "night")
    page.fill("input[name=title]", "城管局工地夜间施工噪声无人管")
    page.fill(
        "textarea[name=description]", "某路8号旁工地每晚施工到凌晨，多次向城管局反映无人处理。"
    )
    page.select_option("select[name=respondent_unit]", str(cw.respondent_unit.pk))
    page.select_option("select[name=region]", str(cw.world.grid_a.pk))
    page.fill("input[name=where_address]", "某路8号旁工地")
    page.set_input_files(
        "input[name=attachments]",
        {"name": "site.png", "mimeType": "image/png", "buffer": png_bytes()},
    )
    page.fill("input[name=name]", NAME)
    page.fill("input[name=phone]", PHONE_NUMBER)
    page.fill("input[name=contact_address]", HOME)
    answer_human_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"{base}/portal/receipt/")
    code = page.inner_text("[data-receipt-code]").strip()
    password = page.inner_text("[data-query-password]").strip()
    assert code not in page.url and password not in page.url
    return code, password


def fire_on_complaint_page(
    page: Any, base: str, complaint: Complaint, transition: str, **fields: str
) -> None:
    """Fill and send one action form on the staff complaint page."""
    page.goto(f"{base}{complaint.get_absolute_url()}")
    form = page.locator(f"form[data-transition={transition}]")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button").click()
    page.wait_for_load_state("load")


def first_whole_minute_after(moment: dt.datetime) -> dt.datetime:
    """The delivery form takes minutes, and a delivery cannot precede receipt: the first whole
    minute after `moment`, waiting for it when the journey ran faster than that."""
    minute = timezone.localtime(moment).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    wait = (minute - timezone.now()).total_seconds()
    if wait > 0:
        time.sleep(wait + 0.5)
    return minute


def write_and_deliver_opinion(
    browsers: Browsers, base: str, complaint: Complaint, cw: ComplaintWorld
) -> None:
    """On the complaint and document pages: the handler drafts the four parts and submits, the unit
    leader approves, the handler records the delivery through the portal."""
    handler = browsers.staff(cw.user("handler").username)
    handler.goto(f"{base}{complaint.get_absolute_url()}")
    handler.click("a[data-action=draft-opinion]")
    form = handler.locator("form#opinion-form")
    for name, text in OPINION.items():
        form.locator(f"textarea[name={name}]").fill(text)
    form.locator("select[name=outcome]").select_option("supported")
    form.locator("button[type=submit]").click()
    handler.wait_for_selector("[data-state=draft]")
    document_url = handler.url
    handler.click("button[data-action=submit]")
    handler.wait_for_selector("[data-state=submitted]")

    leader = browsers.staff(cw.user("leader").username)
    leader.goto(document_url)
    leader.click("button[data-action=approve]")
    confirm_step(leader)
    leader.wait_for_selector("[data-state=approved]")

    handler.goto(document_url)
    delivered = first_whole_minute_after(complaint.received_at)
    handler.fill("input[name=delivered_at]", delivered.strftime("%Y-%m-%dT%H:%M"))
    handler.select_option("select[name=delivery_method]", "portal")
    handler.fill("input[name=delivery_proof]", "网上信访平台送达")
    handler.click("button[data-action=deliver]")
    confirm_step(handler)
    handler.wait_for_selector(f"[data-state={ComplaintState.REPLIED}]")


def test_portal_complaint_to_review_in_the_browser(
    transactional_db: Any, live_server: Any, browsers: Browsers, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    cw = complaint_world(build_world())
    base = live_server.url
    clerk, handler, leader = cw.user("clerk"), cw.user("handler"), cw.user("leader")

    # 1. The citizen, on a phone, with no account.
    citizen = browsers.citizen()
    code, password = submit_on_phone(citizen, base, cw)
    complaint = Complaint.objects.get(receipt_code=code)
    assert password_matches(complaint, password)
    assert complaint.channel == Channel.PORTAL and complaint.state == ComplaintState.RECEIVED
    assert complaint.respondents.get().department == cw.respondent_unit
    assert Complainant.objects.get(complaint=complaint).name == NAME

    # 2. The clerk routes it to the housing bureau with a summary for the unit.
    desk = browsers.staff(clerk.username)
    fire_on_complaint_page(
        desk, base, complaint, "route", department=str(cw.unit.pk),
        summary="某路8号旁工地夜间施工噪声扰民，请核查处理。",
    )  # fmt: skip
    desk.wait_for_selector(f"[data-state={ComplaintState.ASSIGNED}]")
    complaint.refresh_from_db()
    assert complaint.department == cw.unit

    # 3. The unit's handler accepts it.
    unit = browsers.staff(handler.username)
    fire_on_complaint_page(unit, base, complaint, "accept", handler=str(handler.pk))
    unit.wait_for_selector(f"[data-state={ComplaintState.HANDLING}]")
    complaint.refresh_from_db()
    assert complaint.handler == handler

    # 4. The written opinion: drafted by the handler, approved by the leader, delivered.
    write_and_deliver_opinion(browsers, base, complaint, cw)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.REPLIED
    assert open_clocks(complaint, (REVIEW_REQUEST,)).exists()

    # 5. The citizen tracks the complaint, reads the reply, rates it and asks for a review.
    citizen.goto(f"{base}/portal/track/")
    citizen.fill("input[name=receipt_code]", code)
    citizen.fill("input[name=password]", password)
    citizen.click("form[data-portal-track] button[type=submit]")
    citizen.wait_for_selector(f"[data-status={ComplaintState.REPLIED}]")
    opinion = CaseDocument.objects.get(complaint=complaint, kind=DocumentKind.OPINION)
    reply = citizen.locator(f"[data-reply='{opinion.pk}']")
    assert "已责令施工单位停止夜间施工" in reply.inner_text()
    pdf_url = reply.locator("[data-reply-pdf]").get_attribute("href")
    pdf = citizen.request.get(f"{base}{pdf_url}")  # the tracking session authorises it
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    text = citizen.content()
    for hidden in (handler.username, leader.username, cw.respondent_unit.name):
        assert hidden not in text
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    citizen.check("input[name=satisfaction][value=unsatisfied]")
    citizen.check("input[name=solved][value=no]")
    citizen.click("form[data-portal-rate] button[type=submit]")
    citizen.wait_for_selector("[data-rated=unsatisfied]")
    rating = Callback.objects.get(complaint=complaint, source=CallbackSource.PORTAL)
    assert (rating.satisfaction, rating.solved) == ("unsatisfied", False)

    citizen.fill("textarea[name=reasons]", "夜间施工仍未停止，答复所述并未落实。")
    citizen.click("form[data-portal-review] button[type=submit]")
    citizen.click("button[data-review-confirm-yes]")  # the page said what asking does
    citizen.wait_for_selector(f"[data-status={ComplaintState.REVIEWING}]")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.REVIEWING
    review_clock = open_clocks(complaint, (REVIEW_OPINION,)).get()
    assert review_clock.started_at == complaint.review_requested_at
    assert review_clock.due > timezone.now()
    with translation.override("zh-hans"):  # the citizen's browser asks for Chinese
        shown = gettext("The review opinion is due by")
    assert shown in citizen.inner_text("#deadlines")
    assert deadline_text(review_clock.due) in citizen.inner_text("#deadlines")

    # 6. The unit complained about opens the complaint and never sees who complained.
    respondent = browsers.staff(cw.user("respondent").username)
    respondent.goto(f"{base}{complaint.get_absolute_url()}")
    respondent.wait_for_selector(f"[data-state={ComplaintState.REVIEWING}]")
    html = respondent.content()
    for identity in (NAME, PHONE_NUMBER, HOME, "多次向城管局反映"):
        assert identity not in html
    assert respondent.locator("[data-show-identity]").count() == 0
    identity = respondent.request.get(f"{base}/complaints/{complaint.pk}/identity/")
    assert identity.status == 404
    assert browsers.violations == [], "\n".join(browsers.violations)
