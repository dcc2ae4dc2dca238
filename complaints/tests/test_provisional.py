"""A deadline counted before the year's official holidays are published (2027 here) is
provisional (DESIGN.md §4), and says so wherever it reaches a person or a program: the citizen
portal, the written extension notice, the review messages and the complaints API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from complaints.choices import ComplaintState
from complaints.models import Complaint
from complaints.services import documents
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from testing.api import token_client
from testing.pdf import pdf_text
from testing.world import World
from workflow.clocks import open_clocks
from workflow.models import Clock

pytestmark = pytest.mark.django_db

# Acceptance on 2026-12-07: the 60-day handling limit (Art. 34) ends in February 2027.
TODAY = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)
TRACK = "/portal/track/"


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    cache.clear()
    return complaint_world(world)


def handling(cw: ComplaintWorld, **overrides: Any) -> tuple[Complaint, Any]:
    receipt = file_complaint(cw, received_at=TODAY, **overrides)
    return advance(receipt.complaint, cw, ComplaintState.HANDLING), receipt


def handle_clock(complaint: Complaint) -> Clock:
    clock = open_clocks(complaint).filter(due__year=2027).get()
    assert clock.provisional, "2027 has no holiday data: the handling deadline is provisional"
    return clock


def test_the_portal_marks_the_provisional_deadline(cw):
    complaint, receipt = handling(cw)
    handle_clock(complaint)
    page = track_page(receipt)
    deadlines = page[page.index('id="deadlines"') :]
    assert "2027-" in deadlines and "暂定" in deadlines


def test_the_extension_notice_marks_the_provisional_deadline(cw):
    complaint, _receipt = handling(cw)
    handle_clock(complaint)
    notice = documents.issue_notice(complaint, cw.user("clerk"), "extension_notice")
    client = Client()
    client.force_login(cw.user("clerk"))
    text = pdf_text(client.get(reverse("complaints:document_pdf", args=[notice.pk])).content)
    assert "暂定" in text


def test_the_api_says_whether_the_next_deadline_is_provisional(cw):
    complaint, _receipt = handling(cw)
    clock = open_clocks(complaint).order_by("due").first()
    assert clock is not None
    api = token_client(cw.user("clerk"))
    body = api.get(reverse("api:complaint-detail", args=[complaint.pk])).json()
    assert dt.datetime.fromisoformat(body["next_due"]) == clock.due
    assert body["next_due_provisional"] is clock.provisional
    listed = api.get(reverse("api:complaint-list")).json()["results"]
    assert {row["id"]: row["next_due_provisional"] for row in listed}[complaint.pk] is (
        clock.provisional
    )
    Clock.objects.filter(pk=clock.pk).update(provisional=True)
    body = api.get(reverse("api:complaint-detail", args=[complaint.pk])).json()
    assert body["next_due_provisional"] is True


def track_page(receipt: Any) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.post(TRACK, {"receipt_code": receipt.receipt_code, "password": receipt.query_password})
    return client.get(TRACK).content.decode()


def test_the_portal_says_the_review_window_is_provisional(cw):
    # The opinion is delivered now (December 2026): the 30 days to ask (Art. 35) reach 2027.
    receipt = file_complaint(cw, received_at=TODAY)
    advance(receipt.complaint, cw, ComplaintState.REPLIED)
    page = track_page(receipt)
    review = page[: page.index("data-portal-review")][-600:]
    assert "2027-" in review and "暂定" in review
