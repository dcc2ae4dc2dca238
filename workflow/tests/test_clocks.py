"""Clocks on the toy machine: extension, pause, rule versions, provisional deadlines."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from core.times import deadline_text
from workflow.choices import ClockState, DayCount
from workflow.clocks import recompute_provisional_clocks, start_clock, stop_clock
from workflow.engine import fire
from workflow.errors import ExtensionRefused, MissingFields
from workflow.models import CalendarDay, CalendarYear, Clock, ClockRule, RuleSet
from workflow.tests.conftest import at
from workflow.tests.test_engine import handling
from workflow.tests.toy import HANDLE


def handle_clock(ticket) -> Clock:
    return Clock.objects.get(kind=HANDLE, object_id=ticket.pk)


def test_leader_extends_within_the_limit_and_the_due_moves(toy):
    ticket = handling(toy)  # received 2026-03-02, 15 days: 03-17 24:00
    ticket = fire(
        "extend", ticket, toy.leader, {"extension_days": 10, "extension_reason": "site visit"}
    )
    clock = handle_clock(ticket)
    assert deadline_text(clock.due) == "2026-03-27 24:00"
    assert (clock.extension_days, clock.extension_approver) == (10, toy.leader)
    assert clock.extension_reason == "site visit"


def test_extension_beyond_the_rule_is_refused_and_changes_nothing(toy):
    ticket = handling(toy)
    fire("extend", ticket, toy.leader, {"extension_days": 20, "extension_reason": "a"})
    ticket.refresh_from_db()
    with pytest.raises(ExtensionRefused) as error:
        fire("extend", ticket, toy.leader, {"extension_days": 11, "extension_reason": "b"})
    assert error.value.details["limit"] == 30
    assert handle_clock(ticket).extension_days == 20


def test_extension_needs_days_and_a_reason(toy):
    with pytest.raises(MissingFields) as error:
        fire("extend", handling(toy), toy.leader, {"extension_days": 5})
    assert error.value.details["fields"] == ["extension_reason"]


def test_pause_stops_the_clock_and_resume_adds_the_days_paused(toy):
    ticket = handling(toy)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 3, 5, 10)):
        ticket = fire("hold", ticket, toy.staff, {"pause_reason": "hearing"})
    clock = handle_clock(ticket)
    assert clock.state == ClockState.PAUSED and clock.next_escalation_at is None
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 3, 9, 16)):
        ticket = fire("resume", ticket, toy.staff)
    clock = handle_clock(ticket)
    assert clock.state == ClockState.RUNNING and clock.paused_days == 4
    # 03-17 + 4 days is Saturday 03-21, so the period ends on Monday (Civil Code Art. 203).
    assert deadline_text(clock.due) == "2026-03-23 24:00"
    assert clock.pauses.get().reason == "hearing"


def test_met_late_is_recorded_as_breached(toy):
    ticket = handling(toy)
    clock = stop_clock(handle_clock(ticket), at=at(2026, 3, 18, 9))
    assert clock.state == ClockState.MET and clock.breached


def test_a_clock_keeps_the_rule_version_it_started_under(toy):
    first = handling(toy)
    old_rule = handle_clock(first).rule
    # A province tightens the limit from 2026-03-10 on (a new rule-set version).
    stricter = RuleSet.objects.create(
        code="toy",
        version=2,
        name="Toy rules",
        source="tests",
        effective_from=dt.date(2026, 3, 10),
    )
    ClockRule.objects.create(
        rule_set=stricter,
        kind=HANDLE,
        label="Handle",
        length=10,
        unit=DayCount.CALENDAR_DAYS,
        source_clause="toy v2: 10 days",
    )
    later = toy.ticket()
    clock = start_clock(later, HANDLE, at=at(2026, 3, 12, 9), region=toy.world.grid_a)
    # 10 days from 03-12 end on Sunday 03-22, so on Monday 03-23 (Civil Code Art. 203).
    assert clock.rule.rule_set.version == 2 and deadline_text(clock.due) == "2026-03-23 24:00"
    assert handle_clock(first).rule == old_rule and deadline_text(handle_clock(first).due) == (
        "2026-03-17 24:00"
    )


def test_deadline_in_a_year_without_data_is_provisional_until_the_year_is_entered(toy):
    ticket = toy.ticket()
    # 15 days from 2026-12-20 end on 2027-01-04: 2027 has no holiday data in the package.
    clock = start_clock(ticket, HANDLE, at=at(2026, 12, 20, 9), region=toy.world.grid_a)
    assert clock.provisional and deadline_text(clock.due) == "2027-01-04 24:00"
    CalendarYear.objects.create(year=2027, source="国办发明电")
    CalendarDay.objects.create(date=dt.date(2027, 1, 4), is_working_day=False, name="元旦调休")
    assert recompute_provisional_clocks() == 1
    clock.refresh_from_db()
    assert not clock.provisional and deadline_text(clock.due) == "2027-01-05 24:00"
