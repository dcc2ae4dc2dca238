"""Backlog cases (积案): designation by overdue handling (on dates across the 2026 Spring
Festival) and by repeats, idempotent and audited; the plan and the resolution."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.choices import BacklogReason, BacklogState, Channel, ComplaintState, HotlineLimit
from complaints.jobs import designate_backlog, periodic_jobs
from complaints.models import BacklogCase, BacklogRule, Category, Complaint
from complaints.services.backlog import (
    designate,
    designate_due_backlog,
    plan_backlog,
    resolve_backlog,
    running_handling_clock,
)
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.models import AuditEntry
from workflow.clocks import start_clock, stop_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def cw(world) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    return complaint_world(world)


def handled_since(cw: ComplaintWorld, complaint: Complaint, accepted_at: dt.datetime) -> Complaint:
    """A complaint in handling whose handling clock started at `accepted_at`: the accept
    transition stamps today, so its clock is stopped and the same kind restarted on that day
    through the clock API (the rule in force on that day applies)."""
    complaint = advance(complaint, cw, ComplaintState.HANDLING)
    clock = running_handling_clock(complaint)
    assert clock is not None
    stop_clock(clock, met=False)
    start_clock(complaint, complaint.handling_clock_kind, at=accepted_at, region=complaint.region)
    return complaint


def letter(cw: ComplaintWorld, received: dt.datetime, **overrides) -> Complaint:  # type: ignore[no-untyped-def]
    return file_complaint(cw, received_at=received, **overrides).complaint


def hotline(cw: ComplaintWorld, received: dt.datetime) -> Complaint:
    return letter(
        cw, received, channel=Channel.HOTLINE, category=Category.objects.get(code="UTIL-WATER"),
        answers={},
    )  # fmt: skip


def test_sixty_day_complaint_becomes_backlog_thirty_days_after_the_holiday_moved_due(cw):
    # Accepted 2025-12-17: day 60 is 2026-02-15, inside the Spring Festival holiday
    # (02-15 to 02-23), so handling is due 2026-02-24 24:00 (Civil Code Art. 203).
    complaint = handled_since(cw, letter(cw, at(2025, 12, 16, 9)), at(2025, 12, 17, 10))
    clock = running_handling_clock(complaint)
    assert clock is not None and clock.due == at(2026, 2, 25, 0, 0)
    # Counting from 02-16 (ignoring the holiday) would have designated it on 03-18.
    assert designate_due_backlog(at(2026, 3, 20, 12)) == []
    assert designate_due_backlog(at(2026, 3, 26, 23, 59)) == []
    [backlog] = designate_due_backlog(at(2026, 3, 27, 0, 0))
    assert (backlog.complaint_id, backlog.reason) == (complaint.pk, BacklogReason.OVERDUE)
    assert backlog.region_id == complaint.region_id and backlog.department_id == cw.unit.pk
    assert backlog.rule.overdue_days == 30 and backlog.state == BacklogState.OPEN


def test_hotline_complaint_on_its_24_hour_limit_is_counted_in_exact_hours(cw):
    # A water outage taken during the holiday: 24 hours run straight through it.
    complaint = handled_since(cw, hotline(cw, at(2026, 2, 16, 8)), at(2026, 2, 16, 9))
    clock = running_handling_clock(complaint)
    assert clock is not None and clock.kind == HotlineLimit.UTILITIES
    assert clock.due == at(2026, 2, 17, 9)
    assert designate_due_backlog(at(2026, 3, 19, 8, 59)) == []
    [backlog] = designate_due_backlog(at(2026, 3, 19, 9))
    assert backlog.complaint_id == complaint.pk and backlog.reason == BacklogReason.OVERDUE


def test_designation_is_idempotent_and_audited_once(cw):
    handled_since(cw, letter(cw, at(2025, 12, 16, 9)), at(2025, 12, 17, 10))
    later = at(2026, 4, 1)
    assert len(designate_due_backlog(later)) == 1
    assert designate_due_backlog(later) == []
    assert designate_due_backlog(later + dt.timedelta(days=3)) == []
    assert BacklogCase.objects.count() == 1
    entries = AuditEntry.objects.filter(content_type__model="backlogcase", action="create")
    assert entries.count() == 1


def test_repeated_complaint_becomes_backlog_at_the_threshold(cw):
    complaint = advance(letter(cw, at(2026, 3, 2, 9)), cw, ComplaintState.HANDLING)
    now = at(2026, 3, 10)
    # Two repeats: below the seeded threshold of 3 (以上 includes 3).
    Complaint.objects.filter(pk=complaint.pk).update(repeat_count=2)
    assert designate(Complaint.objects.get(pk=complaint.pk), now) is None
    Complaint.objects.filter(pk=complaint.pk).update(repeat_count=3)
    [backlog] = designate_due_backlog(now)
    assert backlog.reason == BacklogReason.REPEATED
    assert designate(Complaint.objects.get(pk=complaint.pk), now) is None  # already one


def test_the_nearest_jurisdictions_rule_in_force_on_the_day_applies(cw):
    county_rule = BacklogRule.objects.create(
        version=2, jurisdiction=cw.world.county, effective_from=dt.date(2026, 3, 1),
        overdue_days=10, repeat_threshold=2, source="测试县积案办法",
    )  # fmt: skip
    handled_since(cw, letter(cw, at(2025, 12, 16, 9)), at(2025, 12, 17, 10))
    # Due 2026-02-25 00:00; ten days later is 03-07 00:00, under the county's own rule.
    assert designate_due_backlog(at(2026, 3, 6, 23)) == []
    [backlog] = designate_due_backlog(at(2026, 3, 7, 0, 0))
    assert backlog.rule == county_rule


def test_finished_complaints_are_never_designated(cw):
    complaint = letter(cw, at(2026, 3, 2, 9))
    Complaint.objects.filter(pk=complaint.pk).update(repeat_count=5, state=ComplaintState.REFERRED)
    assert designate_due_backlog(at(2026, 3, 10)) == []


def repeated_backlog(cw: ComplaintWorld) -> BacklogCase:
    complaint = advance(letter(cw, at(2026, 3, 2, 9)), cw, ComplaintState.HANDLING)
    Complaint.objects.filter(pk=complaint.pk).update(repeat_count=3)
    [backlog] = designate_due_backlog(at(2026, 3, 10))
    return backlog


def test_unit_leader_plans_and_resolves_with_audit(cw):
    backlog = repeated_backlog(cw)
    leader = cw.user("leader")
    planned = plan_backlog(
        backlog, leader, responsible_leader=leader, plan="约谈施工单位，夜间停工。",
        target_date=dt.date(2026, 4, 30),
    )  # fmt: skip
    assert (planned.responsible_leader, planned.target_date) == (leader, dt.date(2026, 4, 30))
    resolved = resolve_backlog(planned, leader, resolution="施工单位已整改，回访满意。")
    assert resolved.state == BacklogState.RESOLVED and resolved.resolved_at is not None
    actions = AuditEntry.objects.filter(content_type__model="backlogcase").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "update", "update"]
    with pytest.raises(ValidationError):
        resolve_backlog(resolved, leader, resolution="again")


def test_plan_needs_leader_plan_and_a_target_not_before_designation(cw):
    backlog = repeated_backlog(cw)
    with pytest.raises(ValidationError) as error:
        plan_backlog(
            backlog, cw.user("supervisor"), responsible_leader=None, plan=" ",
            target_date=dt.date(2026, 3, 1),
        )  # fmt: skip
    assert set(error.value.message_dict) == {"responsible_leader", "plan", "target_date"}


def test_handling_staff_and_other_townships_cannot_plan(cw):
    backlog = repeated_backlog(cw)
    kwargs = {
        "responsible_leader": cw.user("leader"),
        "plan": "x",
        "target_date": dt.date(2026, 4, 1),
    }
    with pytest.raises(PermissionDenied):
        plan_backlog(backlog, cw.user("handler"), **kwargs)  # no change permission
    with pytest.raises(PermissionDenied):
        plan_backlog(backlog, cw.user("respondent"), **kwargs)


def test_the_periodic_job_designates_what_is_due(cw):
    complaint = handled_since(cw, letter(cw, at(2025, 12, 16, 9)), at(2025, 12, 17, 10))
    assert designate_backlog.call() == 1  # today is long past 2026-03-27
    assert designate_backlog.call() == 0
    assert BacklogCase.objects.get().complaint_id == complaint.pk
    assert "complaints.designate_backlog" in [spec.name for spec in periodic_jobs()]
