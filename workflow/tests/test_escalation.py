"""The escalation scan: each step once, idempotent, reading only due clocks via the index."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from core.models import User
from testing.world import make_user
from workflow import escalation
from workflow.choices import EscalationLevel, EscalationStep
from workflow.clocks import start_clock
from workflow.models import Clock, EscalationEvent, Notification
from workflow.tests.conftest import at
from workflow.tests.toy import HANDLE


@pytest.fixture
def overdue_ticket(toy):
    ticket = toy.ticket(state="handling", handler=toy.other_staff)
    start_clock(ticket, HANDLE, at=at(2026, 3, 2, 9), region=toy.world.grid_a)  # due 03-17 24:00
    return ticket


def steps_of(ticket) -> list[int]:
    clock = Clock.objects.get(object_id=ticket.pk, kind=HANDLE)
    return list(clock.escalations.order_by("step").values_list("step", flat=True))


def test_warning_window_then_due_today_then_overdue(toy, overdue_ticket):
    escalation.scan(at(2026, 3, 14, 12))  # 72 h before 03-18 00:00 is 03-15 00:00: nothing yet
    assert steps_of(overdue_ticket) == []
    escalation.scan(at(2026, 3, 15, 8))
    assert steps_of(overdue_ticket) == [EscalationStep.WARNING]
    escalation.scan(at(2026, 3, 17, 8))
    assert steps_of(overdue_ticket)[-1] == EscalationStep.DUE_TODAY
    escalation.scan(at(2026, 3, 18, 0, 5))
    clock = Clock.objects.get(object_id=overdue_ticket.pk)
    # Overdue goes to the handler and, at 0 hours overdue, to the unit leader at once.
    assert clock.breached and clock.escalation_level == EscalationLevel.UNIT_LEADER


def test_levels_climb_to_the_government_leader_each_once(toy, overdue_ticket):
    leader = make_user("gov", "government_leader", regions=[toy.world.county])
    supervisor = make_user("duban", "supervisor", regions=[toy.world.county])
    escalation.scan(at(2026, 4, 30))
    escalation.notify_escalations()
    clock = Clock.objects.get(object_id=overdue_ticket.pk)
    assert clock.escalation_level == EscalationLevel.GOVERNMENT_LEADER
    assert clock.next_escalation_at is None
    assert steps_of(overdue_ticket) == list(range(1, 7))
    assert Notification.objects.filter(recipient=toy.other_staff).count() == 3  # the handler
    assert Notification.objects.filter(recipient=toy.leader).count() == 1
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    assert Notification.objects.filter(recipient=leader, urgency=4).count() == 1


def test_running_the_command_twice_sends_nothing_twice(toy, overdue_ticket):
    call_command("escalate", stdout=StringIO())
    first = (EscalationEvent.objects.count(), Notification.objects.count())
    out = StringIO()
    call_command("escalate", stdout=out)
    assert (EscalationEvent.objects.count(), Notification.objects.count()) == first
    assert "escalated 0 clocks" in out.getvalue()
    assert first[0] == 6 and first[1] > 0


def test_notifying_twice_tells_each_person_once(toy, overdue_ticket):
    escalation.scan(at(2026, 3, 18, 1))
    assert escalation.notify_escalations() > 0
    before = Notification.objects.count()
    EscalationEvent.objects.update(notified_at=None)  # a crashed run that never marked them
    escalation.notify_escalations()
    assert Notification.objects.count() == before


def test_paused_and_met_clocks_are_not_escalated(toy, overdue_ticket):
    Clock.objects.update(state="paused")
    assert escalation.scan(at(2026, 4, 30)).escalated == 0


def test_scan_reads_due_clocks_through_the_partial_index(toy, overdue_ticket):
    rows = escalation.due_clocks(at(2026, 4, 30)).order_by("next_escalation_at").values("pk")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny table is cheaper to read whole; forbid that to see the index is usable.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "clock_escalation_due" in plan


def test_handler_hears_warnings_even_without_a_unit_leader(toy, overdue_ticket):
    User.objects.filter(groups__name="unit_leader").update(is_active=False)
    escalation.scan(at(2026, 3, 16))
    assert escalation.notify_escalations() == 1
    assert Notification.objects.get().recipient == toy.other_staff


def test_small_batches_with_tied_times_escalate_every_clock_each_step_once(toy):
    tickets = [toy.ticket(state="handling", handler=toy.other_staff) for _ in range(7)]
    for ticket in tickets:  # the same start, so the same due time: ties at every batch edge
        start_clock(ticket, HANDLE, at=at(2026, 3, 2, 9), region=toy.world.grid_a)
    late = toy.ticket(state="handling", handler=toy.other_staff)
    start_clock(late, HANDLE, at=at(2026, 4, 20, 9), region=toy.world.grid_a)

    result = escalation.scan(at(2026, 4, 30), batch=3)

    assert [steps_of(ticket) for ticket in tickets] == [list(range(1, 7))] * 7
    assert steps_of(late) == []  # not yet in its warning window
    assert result.escalated == 7 * 6 == EscalationEvent.objects.count()
    assert escalation.scan(at(2026, 4, 30), batch=3).escalated == 0


def test_an_escalation_on_a_provisional_deadline_says_it_is_provisional(toy):
    # 15 days from 2026-12-20 end on 2027-01-04; 2027 has no official holiday data yet.
    ticket = toy.ticket(state="handling", handler=toy.other_staff)
    start_clock(ticket, HANDLE, at=at(2026, 12, 20, 9), region=toy.world.grid_a)
    escalation.scan(at(2027, 1, 5, 1))
    escalation.notify_escalations()
    bodies = set(
        Notification.objects.filter(recipient=toy.other_staff).values_list("body", flat=True)
    )
    assert bodies and all("2027-01-04 24:00 (provisional)" in body for body in bodies)
