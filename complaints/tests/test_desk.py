"""The clerk's desk: today's intake, due soon and overdue clocks, on dates that cross the 2026
Spring Festival holiday (02-15 to 02-23), within the clerk's scope, in a fixed number of
queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.choices import RECEIPT_NOTICE, REGISTER_ROUTE
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from complaints.views.desk import desk_for
from core.models import User
from testing.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
DESK = reverse("complaints:desk")


def at(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def before_the_holiday(cw: ComplaintWorld) -> str:
    """A letter received Thursday 2026-02-05: day 15 (02-20) falls in the Spring Festival
    holiday, so both 15-day clocks (Arts 22, 23) end 2026-02-24 24:00 (Civil Code Art. 203)."""
    return file_complaint(cw, received_at=at(2026, 2, 5, 10, 0)).complaint.number


def numbers(rows: list) -> set[tuple[str, str]]:
    return {(row.complaint.number, row.clock.kind) for row in rows}


def test_not_due_soon_while_the_holiday_moves_the_deadline(
    cw: ComplaintWorld, before_the_holiday: str
) -> None:
    # Counted naively, 15 days would end on 02-20; the holiday moves it to 02-24 24:00.
    desk = desk_for(cw.user("clerk"), at(2026, 2, 19, 12, 0))
    assert desk.due_soon == [] and desk.overdue == []


def test_due_soon_within_three_days_of_the_moved_deadline(
    cw: ComplaintWorld, before_the_holiday: str
) -> None:
    desk = desk_for(cw.user("clerk"), at(2026, 2, 22, 12, 0))
    assert numbers(desk.due_soon) == {
        (before_the_holiday, REGISTER_ROUTE),
        (before_the_holiday, RECEIPT_NOTICE),
    }
    assert desk.due_soon_count == 2 and desk.overdue == []
    assert desk.due_soon[0].due == "2026-02-24 24:00"


def test_overdue_after_the_moved_deadline(cw: ComplaintWorld, before_the_holiday: str) -> None:
    desk = desk_for(cw.user("clerk"), at(2026, 2, 25, 9, 0))
    assert numbers(desk.overdue) == {
        (before_the_holiday, REGISTER_ROUTE),
        (before_the_holiday, RECEIPT_NOTICE),
    }
    assert desk.due_soon == [] and desk.overdue_count == 2


def test_another_townships_clerk_sees_none_of_it(
    cw: ComplaintWorld, before_the_holiday: str
) -> None:
    for now in (at(2026, 2, 5, 18, 0), at(2026, 2, 22, 12, 0), at(2026, 2, 25, 9, 0)):
        desk = desk_for(cw.user("clerk_b"), now)
        assert desk.today == [] and desk.due_soon == [] and desk.overdue == []
    assert [c.number for c in desk_for(cw.user("clerk"), at(2026, 2, 5, 18, 0)).today] == [
        before_the_holiday
    ]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_desk_page_lists_todays_intake_in_scope(cw: ComplaintWorld) -> None:
    complaint = file_complaint(cw).complaint
    page = client_for(cw.user("clerk")).get(DESK).content.decode()
    assert f'data-case="{complaint.number}"' in page
    assert reverse("complaints:complaint_detail", args=[complaint.pk]) in page
    other = client_for(cw.user("clerk_b")).get(DESK)
    assert other.status_code == 200 and complaint.number not in other.content.decode()


def test_desk_needs_the_desk_permission(cw: ComplaintWorld) -> None:
    assert client_for(cw.world.user("no_permission")).get(DESK).status_code == 403
    assert client_for(cw.user("handler")).get(DESK).status_code == 403


def count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DESK).status_code == 200
    return len(queries)


def test_desk_reads_a_fixed_number_of_queries(cw: ComplaintWorld) -> None:
    """Today's list and both clock lists grow without a query per row (no N+1)."""
    client = client_for(cw.user("clerk"))
    soon = timezone.now() - dt.timedelta(days=13)  # 15-day clocks end in about two days
    file_complaint(cw)
    file_complaint(cw, received_at=soon)
    file_complaint(cw, received_at=at(2026, 2, 5, 10, 0))
    one = count_queries(client)
    for day in (6, 9, 10):
        file_complaint(cw)
        file_complaint(cw, received_at=soon)
        file_complaint(cw, received_at=at(2026, 2, day, 10, 0))
    desk = desk_for(cw.user("clerk"))
    assert (len(desk.today), len(desk.due_soon), len(desk.overdue)) == (4, 8, 8)
    assert count_queries(client) == one
