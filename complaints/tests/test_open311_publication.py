"""Open311 GET publishes only what may be public (Letters and Visits Regulations 2022, Arts 30
and 46; DESIGN.md §6 "Open311 publication"): matters of a published category, with a public
summary the desk wrote, never visits or letters; and of those only the public summary, the
township or village, a position to about 100 m and the hour — never the desk's summary, the
street address, the complainant, the unit complained about or the original words."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.choices import Channel
from complaints.models import Category, Complaint
from complaints.tests import test_open311_api as shared
from complaints.tests.factories import PUBLIC_SUMMARY, ComplaintWorld, file_complaint, publish
from core.models import AuditEntry
from workflow.engine import perform
from workflow.errors import WorkflowError

fresh_caches, cw = shared.fresh_caches, shared.cw
BASE = shared.BASE


def listed() -> list[str]:
    return [r["service_request_id"] for r in shared.get_json(f"{BASE}/requests.json")]


def reachable(number: str) -> bool:
    return Client().get(f"{BASE}/requests/{number}.json").status_code == 200


def test_only_published_matters_with_a_public_summary_and_no_visit_or_letter_are_listed(
    cw: ComplaintWorld,
) -> None:
    # given a matter of each kind, all in a category an administrator published but one
    visit = publish(file_complaint(cw, channel=Channel.VISIT).complaint, cw)
    letter = publish(file_complaint(cw, channel=Channel.LETTER).complaint, cw)
    unsummarised = file_complaint(cw, channel=Channel.PORTAL).complaint
    stalls = Category.objects.get(code="CITY-STALLS")
    Category.objects.filter(pk=stalls.pk).update(published=False)
    unpublished = publish(
        file_complaint(cw, channel=Channel.PORTAL, category=stalls, answers={}).complaint, cw
    )
    public = publish(file_complaint(cw, channel=Channel.HOTLINE).complaint, cw)
    # when anyone reads Open311, then only the public one is there, in the list and alone
    assert listed() == [public.number]
    for hidden in (visit, letter, unsummarised, unpublished):
        assert not reachable(hidden.number)
    assert reachable(public.number)


def test_a_published_request_shows_only_the_public_fields(cw: ComplaintWorld) -> None:
    received = dt.datetime(2026, 11, 3, 14, 37, 12, tzinfo=dt.UTC)
    complaint = file_complaint(
        cw, channel=Channel.PORTAL, address="某路1号3单元", lat=Decimal("30.274085"),
        long=Decimal("120.155070"), received_at=received,
    ).complaint  # fmt: skip
    complaint = publish(complaint, cw)
    response = Client().get(f"{BASE}/requests.json", {"service_request_id": complaint.number})
    (document,) = json.loads(response.content)
    assert document["description"] == PUBLIC_SUMMARY
    assert document["address"] == cw.world.grid_a.name  # the village, not the street
    assert (document["lat"], document["long"]) == (30.274, 120.155)
    assert document["requested_datetime"].startswith("2026-11-03T22:00:00")  # the hour (UTC+8)
    for body in (response.content, Client().get(f"{BASE}/requests/{complaint.number}.xml").content):
        text = body.decode()
        for secret in (
            *shared.IDENTITY,
            "某路1号3单元",
            "工地夜间施工，噪声扰民。",
            "每晚施工到凌晨",
        ):
            assert secret not in text  # identity, street, desk summary, original words
        assert cw.respondent_unit.name not in text  # the unit complained about


def test_the_public_summary_is_written_through_the_door_and_audited(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw, channel=Channel.WEB).complaint
    state = complaint.state
    with pytest.raises(WorkflowError):  # the summary is required
        perform("publish", complaint, cw.user("clerk"), {"public_summary": "\u200b\u3000"})
    with pytest.raises(WorkflowError):  # only the desk publishes
        perform("publish", complaint, cw.user("supervisor"), {"public_summary": PUBLIC_SUMMARY})
    assert Complaint.objects.get(pk=complaint.pk).public_summary == ""
    complaint = publish(complaint, cw)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.public_summary, stored.state) == (PUBLIC_SUMMARY, state)
    entry: Any = AuditEntry.objects.filter(object_id=str(complaint.pk)).order_by("-id").first()
    assert "public_summary" in json.dumps(entry.changes, ensure_ascii=False)


def test_the_desk_publishes_from_the_complaint_page(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw, channel=Channel.WEB).complaint
    client = Client()
    client.force_login(cw.user("clerk"))
    url = reverse("complaints:complaint_transition", args=[complaint.pk, "publish"])
    assert url in client.get(complaint.get_absolute_url()).content.decode()
    assert not reachable(complaint.number)
    client.post(url, {"version": complaint.version, "public_summary": PUBLIC_SUMMARY})
    assert listed() == [complaint.number]
