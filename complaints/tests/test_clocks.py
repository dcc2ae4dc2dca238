"""Every clock of DESIGN.md §6 on dates that cross a holiday period, with the real calendar.

The 2026 calendar (chinese-calendar, checked in `test_the_calendar_is_the_official_one`):
Spring Festival 02-15..02-23 with make-up working days 02-14 (Sat) and 02-28 (Sat);
Mid-Autumn 09-25..09-27; National Day 10-01..10-07 with make-up days 09-20 (Sun) and 10-10 (Sat).

Counting (Civil Code Arts 200–204, DESIGN.md §4): a period in days starts the day after the
event; a last day that is a rest day moves to the next working day; the last day ends at 24:00
Asia/Shanghai. Hour limits run from the event's time, holidays or not.

Clocks anchored at the moment someone acts (routing, acceptance, a hearing) are driven with the
server clock set to that moment, as in workflow/tests/test_clocks.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import chinese_calendar
import pytest
from django.contrib.contenttypes.models import ContentType

from complaints.choices import (
    HANDLE_CLOCK,
    RECEIPT_NOTICE,
    REGISTER_ROUTE,
    REMIT_OBJECTION,
    REREVIEW_OPINION,
    REREVIEW_REQUEST,
    REVIEW_OPINION,
    REVIEW_REQUEST,
    Channel,
    ComplaintState,
    DocumentKind,
    HotlineLimit,
)
from complaints.models import Category, Complaint
from complaints.services import documents, reviews
from complaints.services.handling import extend
from complaints.tests.factories import ComplaintWorld, authors, complaint_world, file_complaint
from core.times import deadline_text
from workflow.calendar import local_zone
from workflow.choices import ClockState
from workflow.engine import fire
from workflow.errors import PreconditionFailed
from workflow.models import Clock

pytestmark = pytest.mark.django_db

PARTS = {
    "request": "请求依法处理。",
    "facts_and_reasons": "经核查属实。",
    "decision": "已责令整改。",
    "legal_basis": "《信访工作条例》第三十四条",
    "outcome": "explained",
}


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=local_zone())  # type: ignore[arg-type,misc]


@contextmanager
def server_time(moment: dt.datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def clock_of(complaint: Complaint, kind: str) -> Clock:
    content_type = ContentType.objects.get_for_model(Complaint)
    return Clock.objects.filter(
        content_type=content_type, object_id=complaint.pk, kind=kind
    ).latest("started_at", "pk")


def due(complaint: Complaint, kind: str) -> str:
    return deadline_text(clock_of(complaint, kind).due)


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


def received(cw: ComplaintWorld, moment: dt.datetime, **overrides: Any) -> Complaint:
    return file_complaint(cw, received_at=moment, **overrides).complaint


def routed(cw: ComplaintWorld, complaint: Complaint, moment: dt.datetime) -> Complaint:
    with server_time(moment):
        return fire("route", complaint, cw.user("clerk"), {"department": cw.unit})


def accepted(cw: ComplaintWorld, complaint: Complaint, moment: dt.datetime) -> Complaint:
    with server_time(moment):
        return fire("accept", complaint, cw.user("handler"), {"handler": cw.user("handler")})


def deliver_opinion(
    cw: ComplaintWorld, complaint: Complaint, kind: str, moment: dt.datetime
) -> None:
    drafter, approver = authors(cw, kind)
    draft = documents.draft_opinion(complaint, drafter, kind, **PARTS)
    approved = documents.approve(documents.submit(draft, drafter), approver)
    documents.deliver(approved, cw.user("clerk"), moment, "post", "EMS")


def replied(cw: ComplaintWorld, delivered: dt.datetime) -> Complaint:
    """A complaint whose written opinion was received by the complainant at `delivered`."""
    complaint = accepted(
        cw, routed(cw, received(cw, at(2026, 1, 5, 9)), at(2026, 1, 6, 9)), at(2026, 1, 7, 9)
    )
    deliver_opinion(cw, complaint, DocumentKind.OPINION, delivered)
    return Complaint.objects.get(pk=complaint.pk)


def reviewed(cw: ComplaintWorld, delivered: dt.datetime) -> Complaint:
    """A complaint whose review opinion was received at `delivered`."""
    complaint = replied(cw, at(2026, 8, 1, 10))
    complaint = reviews.request_review(complaint, cw.user("clerk"), at(2026, 8, 10, 10))
    deliver_opinion(cw, complaint, DocumentKind.REVIEW_OPINION, delivered)
    return Complaint.objects.get(pk=complaint.pk)


def test_the_calendar_is_the_official_one():
    rest = [d for d in range(14, 29) if not chinese_calendar.is_workday(dt.date(2026, 2, d))]
    assert rest == list(range(15, 24))
    assert chinese_calendar.is_workday(dt.date(2026, 2, 14))  # Saturday, make-up day
    assert chinese_calendar.is_workday(dt.date(2026, 2, 28))  # Saturday, make-up day
    national = [d for d in range(1, 11) if not chinese_calendar.is_workday(dt.date(2026, 10, d))]
    assert national == list(range(1, 8))
    assert chinese_calendar.is_workday(dt.date(2026, 9, 20))  # Sunday, make-up day
    assert chinese_calendar.is_workday(dt.date(2026, 10, 10))  # Saturday, make-up day


# Art. 22: register and route within 15 days of receipt.


def test_register_route_design_example_ends_on_a_make_up_saturday(cw):
    # DESIGN.md §4: received Friday 2026-01-30; day 15 is 02-14, a make-up working day.
    complaint = received(cw, at(2026, 1, 30, 16, 45))
    assert due(complaint, REGISTER_ROUTE) == "2026-02-14 24:00"
    assert clock_of(complaint, REGISTER_ROUTE).due == at(2026, 2, 15)


def test_register_route_ending_in_spring_festival_moves_past_it(cw):
    # received 01-31: day 15 is 02-15, inside the holiday (02-15..02-23) → 02-24 24:00
    complaint = received(cw, at(2026, 1, 31, 10))
    assert due(complaint, REGISTER_ROUTE) == "2026-02-24 24:00"


def test_routing_meets_the_register_route_clock(cw):
    complaint = received(cw, at(2026, 1, 31, 10))
    routed(cw, complaint, at(2026, 2, 24, 23, 0))
    clock = clock_of(complaint, REGISTER_ROUTE)
    assert clock.state == ClockState.MET and not clock.breached


# Art. 23: notice of receipt within 15 days (not owed when name or address is unknown).


def test_receipt_notice_due_on_the_make_up_saturday(cw):
    complaint = received(cw, at(2026, 1, 30, 9))
    assert due(complaint, RECEIPT_NOTICE) == "2026-02-14 24:00"


def test_receipt_notice_ending_in_national_day_moves_to_the_eighth(cw):
    # received 09-17: day 15 is 10-02 (holiday) → 10-08 24:00
    complaint = received(cw, at(2026, 9, 17, 11))
    assert due(complaint, RECEIPT_NOTICE) == "2026-10-08 24:00"


def test_no_receipt_notice_clock_when_nobody_can_be_written_to(cw):
    complaint = received(cw, at(2026, 1, 30, 9), complainants=[])
    content_type = ContentType.objects.get_for_model(Complaint)
    assert not Clock.objects.filter(
        content_type=content_type, object_id=complaint.pk, kind=RECEIPT_NOTICE
    ).exists()


# Art. 23: the receiving unit objects within 5 working days.


def test_remit_objection_counts_working_days_over_national_day(cw):
    # routed Monday 09-28: 09-29 (1), 09-30 (2), holiday 10-01..07, 10-08 (3), 10-09 (4),
    # 10-10 a make-up Saturday (5) → 10-10 24:00
    complaint = routed(cw, received(cw, at(2026, 9, 25, 9)), at(2026, 9, 28, 10))
    assert due(complaint, REMIT_OBJECTION) == "2026-10-10 24:00"


def test_remit_objection_counts_the_make_up_sunday(cw):
    # routed Thursday 09-17: 09-18 (1), 09-19 Sat rest, 09-20 make-up Sunday (2), 09-21 (3),
    # 09-22 (4), 09-23 (5) → 09-23 24:00
    complaint = routed(cw, received(cw, at(2026, 9, 16, 9)), at(2026, 9, 17, 10))
    assert due(complaint, REMIT_OBJECTION) == "2026-09-23 24:00"


def test_remit_objection_over_spring_festival(cw):
    # routed Thursday 02-12: 02-13 (1), 02-14 make-up Saturday (2), holiday 02-15..23,
    # 02-24 (3), 02-25 (4), 02-26 (5) → 02-26 24:00
    complaint = routed(cw, received(cw, at(2026, 2, 10, 9)), at(2026, 2, 12, 10))
    assert due(complaint, REMIT_OBJECTION) == "2026-02-26 24:00"


# Art. 34: handle within 60 days of acceptance; extension at most 30 days.


def test_handle_60_days_ending_in_national_day(cw):
    # accepted 08-03: day 60 is 10-02 (holiday) → 10-08 24:00
    complaint = accepted(
        cw, routed(cw, received(cw, at(2026, 8, 1, 9)), at(2026, 8, 2, 9)), at(2026, 8, 3, 10)
    )
    assert clock_of(complaint, HANDLE_CLOCK).kind == HANDLE_CLOCK
    assert due(complaint, HANDLE_CLOCK) == "2026-10-08 24:00"


def test_handle_extended_by_30_days_and_refused_at_31(cw):
    # accepted 2025-12-24: day 60 is 2026-02-22 (Spring Festival) → 02-24 24:00
    complaint = accepted(
        cw, routed(cw, received(cw, at(2025, 12, 20, 9)), at(2025, 12, 22, 9)), at(2025, 12, 24, 10)
    )
    assert due(complaint, HANDLE_CLOCK) == "2026-02-24 24:00"
    leader = cw.user("leader")
    with pytest.raises(PreconditionFailed) as refused:
        extend(complaint, leader, 31, "需要现场鉴定")
    assert "at most 30 days" in str(refused.value.message)
    assert due(complaint, HANDLE_CLOCK) == "2026-02-24 24:00"
    complaint = extend(complaint, leader, 20, "需要现场鉴定")
    # 80 days: 2026-03-14 is a Saturday → Monday 03-16 24:00
    assert due(complaint, HANDLE_CLOCK) == "2026-03-16 24:00"
    with pytest.raises(PreconditionFailed):
        extend(complaint, leader, 11, "再次延期")
    complaint = extend(complaint, leader, 10, "再次延期")
    # 90 days: 03-24 (Tuesday)
    assert due(complaint, HANDLE_CLOCK) == "2026-03-24 24:00"
    assert clock_of(complaint, HANDLE_CLOCK).extension_days == 30
    # the complainant is told, in an extension notice with the new end
    notice = complaint.documents.filter(kind=DocumentKind.EXTENSION_NOTICE).latest("pk")
    assert "2026-03-24 24:00" in notice.body and "再次延期" in notice.body


# Art. 35: review asked within 30 days of receiving the opinion; review opinion within 30 days.


def test_review_request_window_runs_from_the_recorded_delivery_over_spring_festival(cw):
    # delivered 01-20 15:00: day 30 is 02-19 (holiday) → 02-24 24:00
    complaint = replied(cw, at(2026, 1, 20, 15))
    clock = clock_of(complaint, REVIEW_REQUEST)
    assert clock.started_at == at(2026, 1, 20, 15)
    assert due(complaint, REVIEW_REQUEST) == "2026-02-24 24:00"


def test_review_opinion_due_on_the_make_up_saturday_after_national_day(cw):
    # opinion delivered 08-11, review asked 09-10: day 30 is 10-10, a make-up Saturday
    complaint = replied(cw, at(2026, 8, 11, 10))
    assert due(complaint, REVIEW_REQUEST) == "2026-09-10 24:00"
    complaint = reviews.request_review(complaint, cw.user("clerk"), at(2026, 9, 10, 20))
    assert clock_of(complaint, REVIEW_REQUEST).state == ClockState.MET
    assert due(complaint, REVIEW_OPINION) == "2026-10-10 24:00"


# Art. 36: re-review asked within 30 days; re-review opinion within 30 days, hearing not counted.


def test_rereview_request_window_ending_in_national_day(cw):
    # review opinion delivered 09-05: day 30 is 10-05 (holiday) → 10-08 24:00
    complaint = reviewed(cw, at(2026, 9, 5, 10))
    assert complaint.state == ComplaintState.REVIEWED
    assert due(complaint, REREVIEW_REQUEST) == "2026-10-08 24:00"


def test_rereview_opinion_with_a_hearing_moves_by_the_days_paused(cw):
    complaint = reviewed(cw, at(2026, 9, 5, 10))
    complaint = reviews.request_rereview(complaint, cw.user("clerk"), at(2026, 9, 10, 9))
    # day 30 is 10-10, a make-up Saturday
    assert due(complaint, REREVIEW_OPINION) == "2026-10-10 24:00"
    with server_time(at(2026, 9, 28, 10)):
        complaint = reviews.hold_hearing(complaint, cw.user("city_reviewer"), "听证会")
    assert clock_of(complaint, REREVIEW_OPINION).state == ClockState.PAUSED
    with server_time(at(2026, 10, 3, 16)):
        complaint = reviews.end_hearing(complaint, cw.user("city_reviewer"))
    # the hearing took 5 days (09-28 → 10-03): 35 days from 09-10 is 10-15, a Thursday
    clock = clock_of(complaint, REREVIEW_OPINION)
    assert (clock.state, clock.paused_days) == (ClockState.RUNNING, 5)
    assert due(complaint, REREVIEW_OPINION) == "2026-10-15 24:00"


# 12345 hotline limits by category (DESIGN.md §6 defaults), from acceptance.


@pytest.mark.parametrize(
    ("category", "answers", "kind", "expected"),
    [
        # hours run through the holiday: 09-30 16:00 + 2 h, + 24 h
        ("EMERG-DANGER", {"people_at_risk": "yes"}, HotlineLimit.EMERGENCY, "2026-09-30 18:00"),
        ("UTIL-WATER", {}, HotlineLimit.UTILITIES, "2026-10-01 16:00"),
        # 7 days: 10-07 is a holiday → 10-08 24:00
        ("CITY-NOISE", {"when": "night"}, HotlineLimit.GENERAL, "2026-10-08 24:00"),
        # 15 days: 10-15, a Thursday
        ("LABOUR-WAGES", {}, HotlineLimit.COMPLEX, "2026-10-15 24:00"),
    ],
)
def test_hotline_limits_by_category(cw, category, answers, kind, expected):
    complaint = received(
        cw,
        at(2026, 9, 30, 14),
        channel=Channel.HOTLINE,
        category=Category.objects.get(code=category),
        answers=answers,
    )
    complaint = accepted(cw, routed(cw, complaint, at(2026, 9, 30, 15)), at(2026, 9, 30, 16))
    assert complaint.handling_clock_kind == kind
    assert due(complaint, kind) == expected


def test_a_letter_in_a_hotline_category_keeps_the_60_days(cw):
    complaint = received(
        cw, at(2026, 9, 30, 14), category=Category.objects.get(code="UTIL-WATER"), answers={}
    )
    complaint = accepted(cw, routed(cw, complaint, at(2026, 9, 30, 15)), at(2026, 9, 30, 16))
    # 60 days from 09-30 is 11-29, a Sunday → Monday 11-30 24:00
    assert due(complaint, HANDLE_CLOCK) == "2026-11-30 24:00"
