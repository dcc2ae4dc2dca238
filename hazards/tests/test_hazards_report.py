"""report_hazard: numbered, placed, graded and on the clock from the moment it is reported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.models import AuditEntry
from hazards.choices import HazardGrade, HazardSource, HazardState
from hazards.models import Hazard
from hazards.services.hazards import report_hazard
from workflow.clocks import open_clocks

pytestmark = pytest.mark.django_db


def test_a_reported_hazard_is_numbered_placed_and_audited(world):
    staff = world.user("township_a")
    hazard = report_hazard(
        user=staff, premises=world.premises_a, title="安全出口堵塞", source=HazardSource.AD_HOC
    )
    year = timezone.localdate().year
    assert hazard.number.startswith(f"YH-{year}-")
    assert len(hazard.number.rsplit("-", 1)[1]) == 6
    assert hazard.region_id == world.premises_a.region_id
    assert hazard.state == HazardState.REGISTERED
    assert AuditEntry.objects.filter(object_id=str(hazard.pk), action="create").exists()


def test_numbers_follow_each_other(world):
    staff = world.user("township_a")
    first, second = (
        report_hazard(user=staff, premises=world.premises_a, title=t, source="ad_hoc")
        for t in ("一", "二")
    )
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_a_general_hazard_with_a_deadline_is_rectified_on_the_clock(world):
    due = timezone.now() + dt.timedelta(days=7)
    hazard = report_hazard(
        user=world.user("township_a"),
        premises=world.premises_a,
        title="灭火器过期",
        source=HazardSource.INSPECTION,
        rectify_by=due,
    )
    assert hazard.state == HazardState.RECTIFYING
    assert hazard.grade == HazardGrade.GENERAL
    clock = open_clocks(hazard, ("hazards.rectify",)).get()
    assert clock.due == due


def test_a_premises_outside_the_scope_cannot_get_a_hazard(world):
    with pytest.raises(PermissionDenied):
        report_hazard(
            user=world.user("township_a"), premises=world.premises_b, title="x", source="ad_hoc"
        )
    assert not Hazard.objects.exists()
