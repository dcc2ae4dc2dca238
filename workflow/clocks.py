"""Starting, stopping, pausing, resuming and extending clocks; each write is audited.

The due time is always derived from the start, the rule and what happened since (extension,
pauses) by `compute_deadline`, so a recomputation (a calendar year entered later) gives the
same answer a person counting by hand would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change, snapshot
from core.bulk import build
from core.models import Region, User
from core.times import deadline_text
from workflow.calendar import Deadline, deadline_after, local_date, units_paused
from workflow.choices import OPEN_CLOCK_STATES, ClockState, DayCount, EscalationStep
from workflow.errors import ClockError, ExtensionRefused
from workflow.models import Clock, ClockPause, ClockRule
from workflow.rules import rule_for


def compute_deadline(clock: Clock, *, strict: bool = False) -> Deadline:
    rule = clock.rule
    if rule.length is None:  # an item-set due (e.g. a rectification order's own deadline)
        return Deadline(due=clock.due + dt.timedelta(days=clock.extension_days))
    if rule.unit == DayCount.HOURS:
        hours = rule.length + 24 * clock.extension_days
        due = clock.started_at + dt.timedelta(hours=hours, seconds=clock.paused_seconds)
        return Deadline(due=due)
    length = rule.length + clock.extension_days + clock.paused_days
    return deadline_after(clock.started_at, length, rule.unit, strict=strict)


def due_text(clock: Clock) -> str:
    """The clock's deadline as a message, notice or the portal states it: marked provisional
    while the year's holidays are unknown."""
    return deadline_text(clock.due, provisional=clock.provisional)


# Escalation ladder: when each step applies, relative to the due time (None: the rule skips it).
def step_offset(rule: ClockRule, step: int) -> dt.timedelta | None:
    hours: int | None
    if step == EscalationStep.WARNING:
        hours = -rule.warning_hours if rule.warning_hours else None
    elif step == EscalationStep.DUE_TODAY:
        # The last day of a day count starts 24 hours before its 24:00 end.
        hours = None if rule.unit == DayCount.HOURS else -24
    elif step == EscalationStep.OVERDUE:
        hours = 0
    elif step == EscalationStep.UNIT_LEADER:
        hours = rule.unit_leader_after_hours
    elif step == EscalationStep.SUPERVISING_OFFICE:
        hours = rule.supervising_office_after_hours
    elif step == EscalationStep.GOVERNMENT_LEADER:
        hours = rule.government_leader_after_hours
    else:
        hours = None
    return None if hours is None else dt.timedelta(hours=hours)


def next_step(rule: ClockRule, after: int) -> tuple[int, dt.timedelta] | None:
    """The first step of the ladder above `after` that the rule uses, with its offset."""
    for step in EscalationStep.values:
        offset = step_offset(rule, step) if step > after else None
        if offset is not None:
            return step, offset
    return None


def schedule_next_escalation(clock: Clock) -> None:
    following = next_step(clock.rule, clock.escalation_step)
    running = clock.state == ClockState.RUNNING
    clock.next_escalation_at = clock.due + following[1] if following and running else None


def start_clock(
    subject: models.Model,
    kind: str,
    *,
    at: dt.datetime | None = None,
    region: Region | None = None,
    due: dt.datetime | None = None,
) -> Clock:
    """Start the `kind` clock on `subject` under the rule in force on the day it starts."""
    at = at or timezone.now()
    clock = new_clock(subject, kind, rule_for(kind, local_date(at), region), at=at, due=due)
    clock.save()
    record_change(clock, None)
    return clock


def new_clock(
    subject: models.Model, kind: str, rule: ClockRule, *, at: dt.datetime, due: dt.datetime | None
) -> Clock:
    """The unsaved `kind` clock on `subject` under `rule`, started `at`, its deadline and next
    escalation set (a bulk writer stores many at once)."""
    if rule.length is None and due is None:
        raise ClockError(_("The deadline %(kind)s needs a due date.") % {"kind": kind})
    clock = build(
        Clock,
        content_type_id=ContentType.objects.get_for_model(subject, for_concrete_model=True).pk,
        object_id=subject.pk,
        kind=kind,
        rule_id=rule.pk,
        started_at=at,
        due=due or at,
    )
    clock.rule = rule
    _apply_deadline(clock)
    return clock


def _apply_deadline(clock: Clock) -> None:
    deadline = compute_deadline(clock)
    clock.due, clock.provisional = deadline.due, deadline.provisional
    schedule_next_escalation(clock)


def _save(clock: Clock, before: dict[str, Any], **expected: Any) -> Clock:
    """Compare-and-set write of a clock: refuse when someone changed its state meanwhile."""
    fields = {f.attname: getattr(clock, f.attname) for f in clock._meta.concrete_fields}
    fields.pop("id")
    updated = Clock.objects.filter(pk=clock.pk, **expected).update(**fields)
    if not updated:
        raise ClockError()
    record_change(clock, before)
    return clock


def open_clocks(
    subject: models.Model, kinds: tuple[str, ...] | None = None
) -> models.QuerySet[Clock]:
    """The subject's open clocks, of the given kinds (None: all; an empty tuple: none)."""
    content_type = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    clocks = Clock.objects.filter(
        content_type=content_type, object_id=subject.pk, state__in=OPEN_CLOCK_STATES
    ).select_related("rule")
    return clocks if kinds is None else clocks.filter(kind__in=kinds)


def stop_clock(clock: Clock, *, at: dt.datetime | None = None, met: bool = True) -> Clock:
    """The obligation was fulfilled (met) or fell away (stopped); late is late either way."""
    at = at or timezone.now()
    before, state = snapshot(clock), clock.state
    clock.state = ClockState.MET if met else ClockState.STOPPED
    clock.met_at = at if met else None
    clock.breached = clock.breached or (met and at > clock.due)
    clock.next_escalation_at = None
    if state == ClockState.PAUSED:
        _close_pause(clock, at)
    return _save(clock, before, state=state)


def pause_clock(clock: Clock, reason: str, *, at: dt.datetime | None = None) -> Clock:
    if clock.state != ClockState.RUNNING:
        raise ClockError(_("Only a running deadline can be paused."))
    at = at or timezone.now()
    before = snapshot(clock)
    clock.state, clock.paused_at, clock.next_escalation_at = ClockState.PAUSED, at, None
    ClockPause.objects.create(clock=clock, started_at=at, reason=reason)
    return _save(clock, before, state=ClockState.RUNNING)


def resume_clock(clock: Clock, *, at: dt.datetime | None = None) -> Clock:
    """Resume; the due time moves later by the time (or days, in the rule's unit) paused."""
    if clock.state != ClockState.PAUSED or clock.paused_at is None:
        raise ClockError(_("Only a paused deadline can be resumed."))
    at = at or timezone.now()
    before = snapshot(clock)
    if clock.rule.unit == DayCount.HOURS:
        clock.paused_seconds += int((at - clock.paused_at).total_seconds())
    else:
        clock.paused_days += units_paused(clock.rule.unit, clock.paused_at, at)
    _close_pause(clock, at)
    clock.state = ClockState.RUNNING
    _apply_deadline(clock)
    return _save(clock, before, state=ClockState.PAUSED)


def _close_pause(clock: Clock, at: dt.datetime) -> None:
    ClockPause.objects.filter(clock=clock, ended_at__isnull=True).update(ended_at=at)
    clock.paused_at = None


def extend_clock(clock: Clock, days: int, reason: str, approver: User) -> Clock:
    """Extend an open clock by `days` within the rule's limit (e.g. Letters and Visits
    Regulations 2022, Art. 34: at most 30 days, approved by the unit head, reason given)."""
    limit = clock.rule.max_extension_days
    if not clock.is_open:
        raise ClockError(_("A closed deadline cannot be extended."))
    if days <= 0 or not reason.strip():
        raise ExtensionRefused(_("Give a number of days and the reason for the extension."))
    if limit is None or clock.extension_days + days > limit:
        raise ExtensionRefused(
            _("This deadline may be extended by at most %(limit)s days in total.")
            % {"limit": limit or 0},
            limit=limit or 0,
        )
    before, state = snapshot(clock), clock.state
    clock.extension_days += days
    clock.extension_reason = reason
    clock.extension_approver = approver
    _apply_deadline(clock)
    return _save(clock, before, state=state)


# Other provisional dates (an app's own due days) recounted with the clocks; filled in the
# apps' AppConfig.ready().
provisional_recounts: list[Callable[[], int]] = []


def recount_provisional() -> int:
    """Everything counted without a year's holidays, recounted: run when a calendar year or
    day is entered (and periodically). Returns how many deadlines moved or became firm."""
    return recompute_provisional_clocks() + sum(recount() for recount in provisional_recounts)


def recompute_provisional_clocks() -> int:
    """Recount provisional deadlines; run when a calendar year is entered (and periodically)."""
    changed = 0
    for clock in Clock.objects.filter(provisional=True, state__in=OPEN_CLOCK_STATES).select_related(
        "rule"
    ):
        before = snapshot(clock)
        _apply_deadline(clock)
        if snapshot(clock) != before:
            _save(clock, before)
            changed += 1
    return changed
