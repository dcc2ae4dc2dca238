"""The Art. 113 closure counter: which documents are administrative penalties, and where its
one-year window starts across 29 February (Work Safety Law Art. 113(1); Administrative Penalty
Law Art. 9; Civil Code Art. 202)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.choices import PremisesStatus
from core.models import Premises
from hazards.choices import EnforcementKind as K
from hazards.choices import EnforcementState
from hazards.models import EnforcementAction
from hazards.services.enforcement import issue_action, lift_action, penalty_counter
from hazards.tests.test_enforcement_rules import (
    closure_request,
    hearing_notice,
    issued,
    major_hazard,
    regulator,
)
from testing.world import World
from workflow.calendar import local_date, local_zone

pytestmark = pytest.mark.django_db


def backdate(action: Any, day: dt.date) -> Any:
    at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=local_zone())
    EnforcementAction.objects.filter(pk=action.pk).update(issued_at=at)
    return action


def fine_on(world: World, day: dt.date, premises: Premises | None = None) -> Any:
    return backdate(issued(world, K.FINE, premises, amount="20000"), day)


def test_warnings_confiscations_and_suspensions_for_rectification_count_as_penalties(world):
    major_hazard(world)
    hearing_notice(world)
    issued(world, K.WARNING)
    issued(world, K.CONFISCATION, amount="8000")
    until = timezone.localdate() + dt.timedelta(days=30)
    issued(world, K.PENALTY_SUSPENSION, effective_until=until)
    assert penalty_counter(world.premises_a).in_180_days == 3
    request = issue_action(regulator(world), closure_request(world))
    assert request.state == EnforcementState.ISSUED


def test_orders_and_on_site_measures_are_not_penalties(world):
    major_hazard(world)
    hearing_notice(world)
    until = timezone.localdate() + dt.timedelta(days=30)
    issued(world, K.RECTIFICATION_ORDER, deadline=timezone.now() + dt.timedelta(days=30))
    issued(world, K.SUSPENSION, effective_until=until)
    issued(world, K.SEALING)
    assert penalty_counter(world.premises_a).in_one_year == 0


def test_premises_page_counts_every_penalty(world, client):
    issued(world, K.WARNING)
    fine_on(world, local_date(timezone.now()))
    client.force_login(regulator(world))
    page = client.get(world.premises_a.get_absolute_url())
    assert "Administrative penalties in the last 180 days: 2 / 3" in page.content.decode()


@pytest.mark.parametrize(
    ("issued_on", "counted_on", "counts"),
    [
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), True),  # its year ends on 28 February
        (dt.date(2024, 2, 29), dt.date(2025, 3, 1), False),
        (dt.date(2027, 2, 28), dt.date(2028, 2, 28), True),  # a year to the day counts
        (dt.date(2027, 2, 28), dt.date(2028, 2, 29), False),  # its year ended the day before
        (dt.date(2027, 3, 1), dt.date(2028, 2, 29), True),
        (dt.date(2025, 6, 30), dt.date(2026, 6, 30), True),
        (dt.date(2025, 6, 29), dt.date(2026, 6, 30), False),
    ],
)
def test_one_year_window_across_the_leap_day(world, issued_on, counted_on, counts):
    fine_on(world, issued_on)
    assert penalty_counter(world.premises_a, counted_on).in_one_year == int(counts)


def test_a_suspension_for_rectification_suspends_the_premises_until_lifted(world):
    hearing_notice(world)
    until = timezone.localdate() + dt.timedelta(days=30)
    order = issued(world, K.PENALTY_SUSPENSION, effective_until=until)
    assert Premises.objects.get(pk=world.premises_a.pk).status == PremisesStatus.SUSPENDED
    lift_action(regulator(world), order, "整顿完毕，验收合格。")
    assert Premises.objects.get(pk=world.premises_a.pk).status == PremisesStatus.OPERATING
