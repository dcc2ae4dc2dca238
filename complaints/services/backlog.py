"""Backlog cases (积案): a complaint overdue or brought again beyond a threshold gets a responsible
leader, a resolution plan and a target date (DESIGN.md §6).

The thresholds are versioned `BacklogRule` rows; the version in force on the day of
designation, in the nearest jurisdiction, applies (as workflow.rules.rule_for does for
clocks) and stays on the backlog case. Designation is idempotent: a complaint is designated once
(one-to-one), so the periodic job and `link_repeat` may both call it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import HANDLING_CLOCKS, BacklogReason, BacklogState
from complaints.models import BacklogCase, BacklogRule, Complaint
from core.audit import record_change, snapshot
from core.models import Region, User
from core.scoping import get_restricted
from workflow.calendar import local_date
from workflow.choices import ClockState
from workflow.models import Clock

# A complaint that is over (or went to another procedure) is not a backlog any more.
FINISHED_STATES = ("concluded", "referred", "not_accepted")
LEADER_ROLES = ("unit_leader", "government_leader", "supervisor")


def rule_in_force[V: models.Model](
    rows: models.QuerySet[V], on: dt.date, region: Region | None
) -> V | None:
    """The row of a versioned rule table (effective_from/until, jurisdiction, version) in force
    on `on`: a region's own version beats its parent's, which beats the national one; among
    equals the highest version wins (the same order as workflow.rules.rule_for)."""
    codes = region.path.strip("/").split("/") if region is not None else []
    in_force = Q(effective_from__lte=on) & (
        Q(effective_until__isnull=True) | Q(effective_until__gte=on)
    )
    where = Q(jurisdiction__isnull=True) | Q(jurisdiction__code__in=codes)
    candidates = rows.filter(in_force, where).select_related("jurisdiction")
    return max(candidates, key=_specificity, default=None)


def _specificity(row: Any) -> tuple[int, int]:
    jurisdiction = row.jurisdiction
    return (jurisdiction.depth + 1 if jurisdiction is not None else 0, row.version)


def backlog_rule_for(on: dt.date, region: Region | None) -> BacklogRule | None:
    return rule_in_force(BacklogRule.objects.all(), on, region)


def _rules_in_force(on: dt.date) -> list[BacklogRule]:
    return list(
        BacklogRule.objects.filter(effective_from__lte=on).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=on)
        )
    )


def running_handling_clock(complaint: Complaint) -> Clock | None:
    """The complaint's running handling clock: the 60 days of Art. 34 or its 12345 limit."""
    return (
        Clock.objects.filter(
            content_type=ContentType.objects.get_for_model(Complaint),
            object_id=complaint.pk,
            kind__in=HANDLING_CLOCKS,
            state=ClockState.RUNNING,
        )
        .order_by("-started_at", "-id")
        .first()
    )


def overdue_since(clock: Clock | None, rule: BacklogRule) -> dt.datetime | None:
    """When the complaint counts as overdue by the rule's days: that many whole days after the due
    time. The due time already holds the calendar (24:00 of the last day, moved past rest
    days, Civil Code Art. 203) or the exact hour of a 12345 limit, so one count serves both
    kinds of handling clock."""
    if clock is None:
        return None
    return clock.due + dt.timedelta(days=rule.overdue_days)


def backlog_reason(complaint: Complaint, rule: BacklogRule, now: dt.datetime) -> str | None:
    """Why the complaint is a backlog case under `rule` at `now`, or None."""
    if complaint.state in FINISHED_STATES:
        return None
    since = overdue_since(running_handling_clock(complaint), rule)
    if since is not None and now >= since:
        return BacklogReason.OVERDUE
    if complaint.repeat_count >= rule.repeat_threshold:
        return BacklogReason.REPEATED
    return None


def _candidates(now: dt.datetime, rules: list[BacklogRule]) -> list[Complaint]:
    """Complaints that may qualify under the most lenient rule in force; each is then checked
    against its own jurisdiction's rule."""
    fewest_days = min(rule.overdue_days for rule in rules)
    fewest_repeats = min(rule.repeat_threshold for rule in rules)
    overdue_ids = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        kind__in=HANDLING_CLOCKS,
        state=ClockState.RUNNING,
        due__lte=now - dt.timedelta(days=fewest_days),
    ).values("object_id")
    return list(
        Complaint.objects.filter(Q(pk__in=overdue_ids) | Q(repeat_count__gte=fewest_repeats))
        .filter(backlog__isnull=True)
        .exclude(state__in=FINISHED_STATES)
        .select_related("region")
        .order_by("pk")
    )


def designate(
    complaint: Complaint, now: dt.datetime | None = None, rule: BacklogRule | None = None
) -> BacklogCase | None:
    """Make the complaint a backlog case if a rule says so; None when it does not qualify or is
    already one. Safe to call twice, and from two workers at once."""
    now = now or timezone.now()
    if BacklogCase.objects.filter(complaint=complaint).exists():
        return None
    rule = rule or backlog_rule_for(local_date(now), complaint.region)
    if rule is None:
        return None
    reason = backlog_reason(complaint, rule, now)
    if reason is None:
        return None
    backlog = BacklogCase(
        complaint=complaint, rule=rule, reason=reason, region_id=complaint.region_id,
        department_id=complaint.department_id, designated_at=now,
    )  # fmt: skip
    try:
        with transaction.atomic():
            backlog.save()
            record_change(backlog, None)
    except IntegrityError:  # designated meanwhile by another caller
        return None
    return backlog


def designate_due_backlog(now: dt.datetime | None = None) -> list[BacklogCase]:
    """Designate every complaint that is due (the periodic job; idempotent)."""
    now = now or timezone.now()
    rules = _rules_in_force(local_date(now))
    if not rules:
        return []
    by_region: dict[int, BacklogRule | None] = {}
    designated = []
    for complaint in _candidates(now, rules):
        if complaint.region_id not in by_region:
            by_region[complaint.region_id] = backlog_rule_for(local_date(now), complaint.region)
        backlog = designate(complaint, now, by_region[complaint.region_id])
        if backlog is not None:
            designated.append(backlog)
    return designated


def _backlog_in_scope(user: User, backlog: BacklogCase) -> BacklogCase:
    if not user.has_perm("complaints.change_backlogcase"):
        raise PermissionDenied(_("You may not manage backlog cases."))
    return get_restricted(BacklogCase, user, "change", backlog.pk, lock=True)


def leader_choices(user: User, backlog: BacklogCase) -> models.QuerySet[User]:
    """Who may be made responsible: active leaders (unit, government) or supervisors whom the
    editor can see, or who lead the complaint's own unit."""
    leaders = User.objects.filter(is_active=True, groups__name__in=LEADER_ROLES)
    visible = Q(pk__in=User.objects.restrict(user, "view").values("pk"))
    own_unit = Q(departments=backlog.department_id) if backlog.department_id else Q(pk__in=[])
    return leaders.filter(visible | own_unit).distinct().order_by("last_name", "username")


def plan_backlog(
    backlog: BacklogCase,
    user: User,
    *,
    responsible_leader: User | None,
    plan: str,
    target_date: dt.date | None,
) -> BacklogCase:
    """A unit leader or supervisor names the responsible leader, the plan and the target."""
    errors: dict[str, str] = {}
    if responsible_leader is None:
        errors["responsible_leader"] = _("Name the leader responsible for resolving the case.")
    if not plan.strip():
        errors["plan"] = _("Write down how the case is to be resolved.")
    if target_date is None:
        errors["target_date"] = _("Set a target date.")
    elif target_date < local_date(backlog.designated_at):
        errors["target_date"] = _("The target date cannot be before the case became a backlog.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        stored = _backlog_in_scope(user, backlog)
        if stored.state != BacklogState.OPEN:
            raise ValidationError(_("This backlog case is resolved; its plan is closed."))
        if not leader_choices(user, stored).filter(pk=responsible_leader.pk).exists():  # type: ignore[union-attr]
            raise ValidationError(
                {"responsible_leader": _("Choose an active leader of the unit or of your scope.")}
            )
        before = snapshot(stored)
        stored.responsible_leader, stored.plan = responsible_leader, plan.strip()
        stored.target_date = target_date
        stored.save(update_fields=["responsible_leader", "plan", "target_date"])
        record_change(stored, before)
    return stored


def resolve_backlog(
    backlog: BacklogCase, user: User, *, resolution: str, resolved_at: dt.datetime | None = None
) -> BacklogCase:
    """Close the backlog case, saying how it was resolved."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the case was resolved.")})
    with transaction.atomic():
        stored = _backlog_in_scope(user, backlog)
        if stored.state != BacklogState.OPEN:
            raise ValidationError(_("This backlog case is already resolved."))
        before = snapshot(stored)
        stored.state = BacklogState.RESOLVED
        stored.resolution = resolution.strip()
        stored.resolved_at = resolved_at or timezone.now()
        stored.save(update_fields=["state", "resolution", "resolved_at"])
        record_change(stored, before)
    return stored
