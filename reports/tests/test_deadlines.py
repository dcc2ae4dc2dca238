"""Folding the passed hours of the open-deadline table keeps every overdue figure exact, before
and after later writes, and leaves one row per key for all the hours passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from complaints.filtersets import overdue as overdue_cases
from complaints.models import Complaint
from complaints.tests.factories import ComplaintWorld
from core.observers import observed
from hazards.choices import HazardState
from hazards.filtersets.hazards import AWAITING_RECTIFICATION
from hazards.filtersets.hazards import overdue as overdue_hazards
from hazards.models import Hazard
from reports.dashboard import Period, build_dashboard
from reports.deadlines import SETTLED_DAY, SlotMark, settle
from reports.facts import DEADLINE_FACTS
from reports.models import SLOT_MINUTES, OpenDeadline
from reports.rollups import _compiled_due, rebuild, table_contents
from reports.tests.test_rollups import county_leader
from workflow.calendar import local_date

pytestmark = pytest.mark.django_db


def overdue_figures(leader) -> tuple[int, int, int]:
    board = build_dashboard(leader, Period.year_to_date(local_date(timezone.now())))
    return board.hazards["overdue"], board.complaints["overdue"], board.rates.counts.acceptance_due


def passed_rows(now: dt.datetime) -> int:
    return OpenDeadline.objects.filter(SlotMark.at(now).passed()).count()


def test_folding_keeps_the_figures_and_one_row_per_key(county: ComplaintWorld) -> None:
    leader = county_leader(county.world)
    before = overdue_figures(leader)
    assert before[0] == overdue_hazards(Hazard.objects.restrict(leader, "view")).count() > 0
    assert before[1] == overdue_cases(Complaint.objects.restrict(leader, "view")).count() > 0
    assert settle() > 0
    assert overdue_figures(leader) == before
    now = timezone.now()
    settled = OpenDeadline.objects.filter(due_day=SETTLED_DAY)
    assert passed_rows(now) == settled.count() > 0
    assert not OpenDeadline.objects.filter(SlotMark.at(now).passed(), open__lt=0).exists()
    assert settle() == 0  # nothing passed since


def test_work_closed_after_the_fold_leaves_the_figures_exact(county: ComplaintWorld) -> None:
    world = county.world
    leader = county_leader(world)
    settle()
    late = overdue_hazards(Hazard.objects.all()).first()
    assert late is not None, "the fixture has an overdue hazard"
    overdue_before = overdue_figures(leader)[0]
    with observed(late):  # as the services write: the rollups move in the same transaction
        Hazard.objects.filter(pk=late.pk).update(state=HazardState.CLOSED)
    assert overdue_figures(leader)[0] == overdue_before - 1
    # The write took one from the slot it was due in; the next fold adds that in.
    assert settle() >= 1
    assert overdue_figures(leader)[0] == overdue_before - 1
    kept = table_contents(OpenDeadline)
    rebuild()
    settle()
    assert table_contents(OpenDeadline) == kept


def test_time_passing_moves_deadlines_into_the_overdue_count(county: ComplaintWorld) -> None:
    leader = county_leader(county.world)
    now = timezone.now()
    soon = Hazard.objects.filter(state__in=AWAITING_RECTIFICATION).first()
    assert soon is not None
    soon.rectify_by = now + dt.timedelta(hours=2)
    # Around the service that keeps the rollups: the rebuild counts it in afresh.
    Hazard.objects.filter(pk=soon.pk).update(rectify_by=soon.rectify_by)
    rebuild()
    later = now + dt.timedelta(hours=3)
    overdue_later = build_dashboard(
        leader, Period.year_to_date(local_date(later)), now=later
    ).hazards["overdue"]
    awaiting = Hazard.objects.filter(state__in=AWAITING_RECTIFICATION)
    assert overdue_later == awaiting.filter(rectify_by__lt=later).count()
    assert overdue_later == overdue_hazards(Hazard.objects.all()).count() + 1
    settle(later)
    assert (
        build_dashboard(leader, Period.year_to_date(local_date(later)), now=later).hazards[
            "overdue"
        ]
        == overdue_later
    )


def test_a_deadline_passed_a_minute_ago_counts_at_once(county: ComplaintWorld) -> None:
    """Deadlines of the time slot under way come from the records, to the second."""
    leader = county_leader(county.world)
    mark = SlotMark.at(timezone.now())
    minutes = [mark.start + dt.timedelta(minutes=SLOT_MINUTES * share) for share in (0.2, 0.5, 0.8)]
    earlier, due, at = minutes
    hazard = Hazard.objects.filter(state__in=AWAITING_RECTIFICATION).first()
    assert hazard is not None
    with observed(hazard):
        Hazard.objects.filter(pk=hazard.pk).update(rectify_by=due)
    settle(at)
    awaiting = Hazard.objects.filter(state__in=AWAITING_RECTIFICATION)
    for moment in (at, earlier):
        board = build_dashboard(leader, Period.year_to_date(local_date(moment)), now=moment)
        assert board.hazards["overdue"] == awaiting.filter(rectify_by__lt=moment).count()
    later_board = build_dashboard(leader, Period.year_to_date(local_date(at)), now=at)
    earlier_board = build_dashboard(leader, Period.year_to_date(local_date(earlier)), now=earlier)
    assert later_board.hazards["overdue"] == earlier_board.hazards["overdue"] + 1


def test_what_falls_due_is_read_with_sql_compiled_once(county: ComplaintWorld) -> None:
    """The dashboard asks on every request: the compiled statement gives the ORM's rows."""
    start, end = timezone.now() - dt.timedelta(days=90), timezone.now() + dt.timedelta(days=90)
    found = 0
    for fact in DEADLINE_FACTS:
        assert fact.due_between is not None and _compiled_due(fact) is not None, fact.keys["kind"]
        by_orm = plain(fact.rows(fact.due_between(start, end), start, end))
        assert plain(fact.rows_due(start, end)) == by_orm
        found += len(by_orm)
    assert found > 0, "the fixture has open work due in the range"


def plain(rows) -> list:
    """Rows with their dates as ISO text: raw SQL gives the database's own types (text on
    SQLite, a timestamp for a truncated month on PostgreSQL)."""

    def day(value):
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        return value.isoformat() if isinstance(value, dt.date) else value

    return sorted((tuple(day(part) for part in key), values) for key, values in rows)
