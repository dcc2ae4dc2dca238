"""Hazards (事故隐患): reporting onto the closed loop, the governance plan of a major hazard and
its interim controls (DESIGN.md §5; SAWS Order 16 Arts 10–16; Work Safety Law Art. 41).

`report_hazard` is the one way a hazard comes into being, whoever finds it: an inspection's
failed item, an ad hoc report, the enterprise itself, a citizen complaint or an imported
ledger. State changes after that go through the machine (hazards.machines.hazards).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import bulk
from core.audit import record_change, snapshot
from core.models import Premises, Region, User, next_numbers
from core.observers import observed
from core.responsibilities import lead_regulator_ids
from core.scoping import get_restricted
from core.validators import validate_not_future
from hazards.choices import RECTIFY_CLOCK, HazardGrade, HazardSource, HazardState
from hazards.models import (
    ChecklistItem,
    GovernancePlan,
    Hazard,
    InspectionResult,
    InterimControl,
    RiskPoint,
)
from hazards.services.risk import refresh_live_colour
from workflow.calendar import local_date
from workflow.clocks import new_clock
from workflow.engine import fire
from workflow.machine import Files
from workflow.models import ClockRule
from workflow.rules import rule_for

NUMBER_PREFIX = "YH"  # 隐患
# A ledger may record a hazard already past rectification: no deadline runs for it then.
SETTLED_STATES = (HazardState.RECTIFIED, HazardState.CLOSED)


@dataclass(frozen=True)
class Place:
    """Where a hazard is scoped: the premises, its grid and its lead sector regulator."""

    premises_id: int
    region_id: int
    department_id: int | None


def place_of(premises: Premises) -> Place:
    """Grid-found hazards route to the lead sector regulator; none → the safety committee
    office's shared-duty queue (department None; DESIGN.md §5)."""
    return places_of([(premises.pk, premises.region_id)])[0]


def places_of(premises: Sequence[tuple[int, int]]) -> list[Place]:
    """`place_of` for many premises, given as (id, region id), in one query."""
    leads = lead_regulator_ids([premises_id for premises_id, _region_id in premises])
    return [Place(pk, region_id, leads.get(pk)) for pk, region_id in premises]


def hazard_numbers(years: Sequence[int]) -> list[str]:
    """ "YH-2026-000123" for each year, in order: gap-free per year, one block reserved per
    year (call inside the transaction that saves the hazards)."""
    blocks = {year: iter(next_numbers(NUMBER_PREFIX, year, years.count(year)))
              for year in sorted(set(years))}  # fmt: skip
    return [f"{NUMBER_PREFIX}-{year}-{next(blocks[year]):06d}" for year in years]


def forced_grade(checklist_item: ChecklistItem | None, grade: str | None) -> str | None:
    # SAWS Order 16 Art. 3 and the sector major-hazard criteria (e.g. 工贸 2023): a failed item
    # that is a major-hazard criterion makes the hazard major, whatever the reporter proposed.
    if checklist_item is not None and checklist_item.major_criterion:
        return HazardGrade.MAJOR
    return grade


def entry_state(grade: str | None, rectify_by: dt.datetime | None) -> str:
    """Where a new hazard enters the loop (DESIGN.md §5): ungraded without a deadline it is
    registered on the ledger; graded it waits; a general hazard with a deadline is rectified
    at once ("general: immediately, with a deadline"); a major one waits for its plan."""
    if grade is None:
        return HazardState.REGISTERED
    if grade == HazardGrade.GENERAL and rectify_by is not None:
        return HazardState.RECTIFYING
    return HazardState.GRADED


def _check_may_report(user: User, premises: Premises) -> None:
    if not Premises.objects.restrict(user, "view").filter(pk=premises.pk).exists():
        raise PermissionDenied(_("The premises is outside your scope."))
    if not user.has_perm("hazards.add_hazard"):
        raise PermissionDenied(_("You may not report hazards."))


def _check_input(title: str, source: str, grade: str | None) -> None:
    if not title.strip():
        raise ValidationError(_("Give the hazard a title."), code="title_required")
    if source not in HazardSource.values:
        raise ValidationError(_("Unknown source of a hazard."), code="bad_source")
    if grade is not None and grade not in HazardGrade.values:
        raise ValidationError(_("Unknown hazard grade."), code="bad_grade")


def build_hazard(
    *,
    place: Place,
    number: str,
    source: str,
    title: str,
    found_at: dt.datetime,
    found_by_id: int,
    description: str = "",
    location: str = "",
    inspection_result: InspectionResult | None = None,
    checklist_item: ChecklistItem | None = None,
    risk_point_id: int | None = None,
    rectify_by: dt.datetime | None = None,
    grade: str | None = None,
    complaint_reference: str = "",
) -> Hazard:
    """A new hazard, unsaved, as the loop registers it: graded (a major-hazard criterion
    forces major; a deadline set on the spot grades it general), entered in its first state.
    Store it with `write_new_hazards`, one or a batch."""
    if inspection_result is not None and checklist_item is None:
        checklist_item = inspection_result.item
    graded = forced_grade(checklist_item, grade)
    if graded is None and rectify_by is not None:
        graded = HazardGrade.GENERAL
    criterion = checklist_item if checklist_item and checklist_item.major_criterion else None
    hazard = bulk.build(
        Hazard,
        premises_id=place.premises_id,
        region_id=place.region_id,
        department_id=place.department_id,
        number=number,
        source=source,
        inspection_id=inspection_result.inspection_id if inspection_result else None,
        inspection_result_id=inspection_result.pk if inspection_result else None,
        checklist_item_id=checklist_item.pk if checklist_item else None,
        risk_point_id=risk_point_id,
        complaint_reference=complaint_reference,
        title=title.strip()[:200],
        description=description,
        location=location[:200],
        grade=graded or HazardGrade.GENERAL,
        major_criterion_id=criterion.pk if criterion else None,
        grade_reason=_major_reason(criterion),
        found_at=found_at,
        found_by_id=found_by_id,
        rectify_by=rectify_by,
        state=entry_state(graded, rectify_by),
    )
    if inspection_result is not None:
        # Through the relation, so the result knows its hazard: one hazard per failed item.
        hazard.inspection_result = inspection_result
    return hazard


def write_new_hazards(hazards: Sequence[Hazard], *, at: dt.datetime) -> None:
    """Store built hazards with their create entries and start the rectification clock of each
    open one with a deadline (Work Safety Law Art. 65 / SAWS Order 16 Art. 15: rectify by the
    deadline set); the rollups move in the same transaction. Call inside one."""
    rules: dict[int, ClockRule] = {}

    def rule(hazard: Hazard) -> ClockRule:
        if hazard.region_id not in rules:
            region = Region.objects.get(pk=hazard.region_id)
            rules[hazard.region_id] = rule_for(RECTIFY_CLOCK, local_date(at), region)
        return rules[hazard.region_id]

    with observed(*hazards):
        bulk.create(hazards)
        bulk.create(
            [
                new_clock(hazard, RECTIFY_CLOCK, rule(hazard), at=at, due=hazard.rectify_by)
                for hazard in hazards
                if hazard.rectify_by is not None and hazard.state not in SETTLED_STATES
            ]
        )
    for hazard in hazards:
        after_open_or_close(hazard)


def report_hazard(
    *,
    user: User,
    premises: Premises,
    title: str,
    source: str,
    description: str = "",
    location: str = "",
    inspection_result: InspectionResult | None = None,
    checklist_item: ChecklistItem | None = None,
    risk_point: RiskPoint | None = None,
    rectify_by: dt.datetime | None = None,
    grade: str | None = None,
    found_at: dt.datetime | None = None,
    complaint_reference: str = "",
) -> Hazard:
    """Number, place, grade and register a hazard; start its deadline when one is known.

    Raises PermissionDenied when the premises is outside the user's scope, ValidationError on
    bad input; in either case nothing is written.
    """
    _check_input(title, source, grade)
    found_at = found_at or timezone.now()
    validate_not_future(found_at, "found_at")
    with transaction.atomic():
        _check_may_report(user, premises)
        hazard = build_hazard(
            place=place_of(premises),
            number=hazard_numbers([local_date(found_at).year])[0],
            source=source,
            title=title,
            found_at=found_at,
            found_by_id=user.pk,
            description=description,
            location=location,
            inspection_result=inspection_result,
            checklist_item=checklist_item,
            risk_point_id=risk_point.pk if risk_point is not None else None,
            rectify_by=rectify_by,
            grade=grade,
            complaint_reference=complaint_reference,
        )
        hazard.premises, hazard.found_by = premises, user  # what the caller already holds
        write_new_hazards([hazard], at=timezone.now())
    return hazard


def _major_reason(item: ChecklistItem | None) -> str:
    if item is None or not item.major_criterion:
        return ""
    return _("Major-hazard criterion: %(clause)s") % {"clause": item.clause}


def after_open_or_close(hazard: Hazard) -> None:
    """An open hazard linked to a risk point raises its live colour (DESIGN.md §5)."""
    if hazard.risk_point_id is not None:
        refresh_live_colour(RiskPoint.objects.get(pk=hazard.risk_point_id))


# Governance plan of a major hazard (SAWS Order 16 Art. 15: six parts)

PLAN_FIELDS = (
    "goals_and_tasks",
    "methods_and_measures",
    "funds_and_materials",
    "responsible_body_and_people",
    "deadline",
    "deadline_requirements",
    "safety_and_emergency",
    "reported_to_regulator_at",
    "reported_to_workers_congress_at",
)


def save_governance_plan(*, user: User, hazard: Hazard, **parts: Any) -> GovernancePlan:
    """Write (or revise) the six-part plan of a major hazard; audited."""
    unknown = set(parts) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown plan fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        hazard = get_restricted(Hazard, user, "view", hazard.pk)
        if hazard.grade != HazardGrade.MAJOR:
            raise ValidationError(_("Only a major hazard has a governance plan."), code="not_major")
        if hazard.state == HazardState.CLOSED:
            raise ValidationError(_("The hazard is closed."), code="closed")
        plan = GovernancePlan.objects.filter(hazard=hazard).first()
        before = snapshot(plan) if plan is not None else None
        action = "change" if plan is not None else "add"
        if not user.has_perm(f"hazards.{action}_governanceplan"):
            raise PermissionDenied(_("You may not write governance plans."))
        plan = plan or GovernancePlan(hazard=hazard, submitted_by=user)
        for name, value in parts.items():
            setattr(plan, name, value)
        plan.submitted_at = timezone.now()
        plan.full_clean()
        plan.save()
        record_change(plan, before)
    return plan


# Interim controls while a major hazard is open (Work Safety Law Art. 41; SAWS Order 16 Art. 16)


def record_interim_control(
    *,
    user: User,
    hazard: Hazard,
    kind: str,
    description: str = "",
    in_place_from: dt.datetime | None = None,
) -> InterimControl:
    with transaction.atomic():
        hazard = get_restricted(Hazard, user, "view", hazard.pk)
        if not user.has_perm("hazards.add_interimcontrol"):
            raise PermissionDenied(_("You may not record interim controls."))
        if hazard.state == HazardState.CLOSED:
            raise ValidationError(_("The hazard is closed."), code="closed")
        control = InterimControl(
            hazard=hazard,
            kind=kind,
            description=description,
            in_place_from=in_place_from or timezone.now(),
            recorded_by=user,
        )
        control.full_clean()
        control.save()
        record_change(control, None)
    return control


def lift_interim_control(*, user: User, control: InterimControl) -> InterimControl:
    with transaction.atomic():
        stored = get_restricted(InterimControl, user, "change", control.pk, lock=True)
        if stored.lifted_at is not None:
            raise ValidationError(_("The measure is already lifted."), code="already_lifted")
        before = snapshot(stored)
        stored.lifted_at = timezone.now()
        stored.save(update_fields=["lifted_at"])
        record_change(stored, before)
    return stored


# Moving a hazard along its loop (the UI and the API both come through here)


def transition_hazard(
    name: str,
    hazard: Hazard,
    user: User,
    data: dict[str, Any] | None = None,
    expected_version: int | str | None = None,
    files: Files | None = None,
) -> Hazard:
    """The hazard machine's door: fire `name` with its files (the rectification's evidence,
    stored in the same transaction); the risk point's live colour is then recomputed (closing
    lowers it, re-grading may raise it). Raises workflow.errors.WorkflowError."""
    with transaction.atomic():
        fired = fire(name, hazard, user, data, expected_version, files)
        after_open_or_close(fired)
    return fired
