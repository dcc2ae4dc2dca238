"""A complaint received at 16:15 UTC on 7 December is received at 00:15 on 8 December in the
county (Asia/Shanghai): every surface a person reads says so, to the minute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from complaints.services import documents
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from testing.api import token_client
from testing.pdf import pdf_text
from testing.views import export_text
from testing.world import World

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2026, 12, 7, 16, 15, 47, 816832, tzinfo=dt.UTC)
LOCAL = "2026-12-08 00:15"


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    cache.clear()
    return complaint_world(world)


def test_the_receipt_time_is_local_to_the_minute_on_every_surface(cw):
    receipt = file_complaint(cw, received_at=RECEIVED)
    complaint = receipt.complaint
    staff = Client()
    staff.force_login(cw.user("clerk"))
    detail = staff.get(reverse("complaints:complaint_detail", args=[complaint.pk]))
    exports = [
        export_text(staff.get(reverse("complaints:complaint_export"), {"export": fmt}))
        for fmt in ("csv", "xlsx")
    ]
    citizen = Client()
    track = "/portal/track/"
    citizen.post(track, {"receipt_code": receipt.receipt_code, "password": receipt.query_password})
    portal = citizen.get(track).content.decode()
    for text in (detail.content.decode(), *exports, portal):
        assert LOCAL in text
        assert "+00:00" not in text and "16:15:47" not in text
    notice = documents.issue_notice(complaint, cw.user("clerk"), "receipt_notice")
    pdf = pdf_text(staff.get(reverse("complaints:document_pdf", args=[notice.pk])).content)
    assert "2026年12月8日" in pdf and "2026年12月7日" not in pdf


def test_the_api_keeps_the_offset(cw):
    complaint = file_complaint(cw, received_at=RECEIVED).complaint
    body = (
        token_client(cw.user("clerk"))
        .get(reverse("api:complaint-detail", args=[complaint.pk]))
        .json()
    )
    assert body["received_at"] == "2026-12-08T00:15:47.816832+08:00"
