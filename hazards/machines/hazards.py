"""The hazard's closed loop (DESIGN.md §5; SAWS Order 16 Arts 10–18; Work Safety Law Art. 41):

found → registered (ledger) → graded → rectifying → rectified (evidence) → verified (four eyes)
→ closed (销号); a rejected verification goes back to rectifying with a new deadline.

The `hazards.rectify` clock runs from the deadline set when the hazard is graded (or reported
with one) and is replaced whenever the deadline is set again, so a hazard has one open deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import User
from hazards.choices import RECTIFY_CLOCK, HazardGrade, HazardState
from hazards.models import GovernancePlan, Hazard
from workflow.machine import Machine, Notify, StartClock, Transition, register

OFFICIALS = (
    "grid_inspector",
    "township_staff",
    "department_staff",
    "directory_admin",
    "unit_leader",
)
# SAWS Order 16 Arts 4 and 8: the enterprise finds, registers and rectifies its own hazards.
ENTERPRISE_AND_OFFICIALS = ("enterprise_officer", *OFFICIALS)
REGULATOR_ROLES = ("grid_inspector", "township_staff", "department_staff", "unit_leader")
NEW_DEADLINE = StartClock(RECTIFY_CLOCK, due_field="rectify_by")


# Who hears of it


def premises_officers(hazard: Hazard) -> Iterable[User]:
    """The enterprise's safety officers: they rectify and answer for it."""
    return User.objects.filter(premises=hazard.premises_id, is_active=True)


def regulators(hazard: Hazard) -> Iterable[User]:
    """Staff of the regulator and of the territory the hazard sits in (DESIGN.md §5:
    grid-found hazards route to the sector regulator with a copy to the territory)."""
    codes = hazard.region.path.strip("/").split("/")
    where = Q(regions__code__in=codes)
    if hazard.department_id is not None:
        where |= Q(departments=hazard.department_id)
    return User.objects.filter(where, groups__name__in=REGULATOR_ROLES, is_active=True).distinct()


# Conditions: None when satisfied, else the message that says why not


def major_has_plan(hazard: Hazard, user: User, data: dict[str, Any]) -> str | Promise | None:
    # SAWS Order 16 Art. 15: a major hazard is rectified under a six-part governance plan.
    if (
        hazard.grade == HazardGrade.MAJOR
        and not GovernancePlan.objects.filter(hazard=hazard).exists()
    ):
        return _("A major hazard needs its governance plan before rectification starts.")
    return None


def criterion_keeps_major(hazard: Hazard, user: User, data: dict[str, Any]) -> str | Promise | None:
    # SAWS Order 16 Art. 3 and the sector criteria: a matched criterion cannot be graded down.
    if hazard.major_criterion_id is not None and hazard.grade != HazardGrade.MAJOR:
        return _("This hazard meets a major-hazard criterion; it must stay major.")
    return None


def deadline_ahead(hazard: Hazard, user: User, data: dict[str, Any]) -> str | Promise | None:
    # Work Safety Law Art. 65: rectify "by the deadline set"; a deadline already past is none.
    if hazard.rectify_by is not None and hazard.rectify_by <= timezone.now():
        return _("Set a rectification deadline in the future.")
    return None


def reason_given(hazard: Hazard, user: User, data: dict[str, Any]) -> str | Promise | None:
    if not str(data.get("verification_note") or "").strip():
        return _("Give the reason the rectification is not accepted.")
    return None


def four_eyes(hazard: Hazard, user: User, data: dict[str, Any]) -> str | Promise | None:
    # DESIGN.md §5 closed loop: verified by someone other than the rectifier, and not by the
    # enterprise whose hazard it is (SAWS Order 16 Art. 18: the regulator checks the result).
    if hazard.rectified_by_id == user.pk:
        return _("The person who reported the rectification cannot verify it.")
    if user.premises.filter(pk=hazard.premises_id).exists():
        return _("The enterprise's own officer cannot verify its rectification.")
    return None


HAZARD = register(
    Machine(
        model=Hazard,
        door="hazards.services.hazards.transition_hazard",
        states=HazardState,
        initial=HazardState.REGISTERED,
        transitions=(
            Transition(
                "register",
                _("Register on the ledger"),
                source=(HazardState.FOUND,),
                target=HazardState.REGISTERED,
                roles=ENTERPRISE_AND_OFFICIALS,
            ),
            Transition(
                "grade",
                _("Grade and set the deadline"),
                source=(HazardState.REGISTERED, HazardState.GRADED),
                target=HazardState.GRADED,
                roles=ENTERPRISE_AND_OFFICIALS,
                fields=(
                    "grade",
                    "sub_grade",
                    "grade_reason",
                    "rectify_by",
                    "rectification_measures",
                ),
                required=("grade", "rectify_by"),
                conditions=(criterion_keeps_major, deadline_ahead),
                cancel=(RECTIFY_CLOCK,),
                start=(NEW_DEADLINE,),
            ),
            Transition(
                "start_rectifying",
                _("Start rectification"),
                source=(HazardState.GRADED,),
                target=HazardState.RECTIFYING,
                roles=ENTERPRISE_AND_OFFICIALS,
                fields=("rectify_by", "rectification_measures"),
                required=("rectify_by",),
                conditions=(major_has_plan, deadline_ahead),
                cancel=(RECTIFY_CLOCK,),
                start=(NEW_DEADLINE,),
                notify=(Notify(premises_officers, "hazard.rectifying"),),
            ),
            Transition(
                "rectify",
                _("Report rectified"),
                source=(HazardState.RECTIFYING,),
                target=HazardState.RECTIFIED,
                roles=ENTERPRISE_AND_OFFICIALS,
                fields=("rectification_note", "rectification_measures"),
                required=("rectification_note",),
                attachments=("evidence",),
                stop=(RECTIFY_CLOCK,),
                stamp_user="rectified_by",
                stamp_time="rectified_at",
                notify=(Notify(regulators, "hazard.rectified"),),
            ),
            Transition(
                "verify",
                _("Verify the rectification"),
                source=(HazardState.RECTIFIED,),
                target=HazardState.VERIFIED,
                roles=OFFICIALS,
                fields=("verification_note",),
                conditions=(four_eyes,),
                stamp_user="verified_by",
                confirm=_(
                    "You sign that the rectification is done, in your name; the hazard can then "
                    "be closed (销号)."
                ),
                stamp_time="verified_at",
                notify=(Notify(premises_officers, "hazard.verified"),),
            ),
            Transition(
                "reject",
                _("Reject: rectify again"),
                source=(HazardState.RECTIFIED,),
                target=HazardState.RECTIFYING,
                roles=OFFICIALS,
                fields=("verification_note", "rectify_by"),
                required=("verification_note", "rectify_by"),
                conditions=(four_eyes, reason_given, deadline_ahead),
                cancel=(RECTIFY_CLOCK,),
                start=(NEW_DEADLINE,),
                notify=(Notify(premises_officers, "hazard.rejected"),),
            ),
            Transition(
                "close",
                _("Close (销号)"),
                source=(HazardState.VERIFIED,),
                target=HazardState.CLOSED,
                roles=OFFICIALS,
                cancel=(RECTIFY_CLOCK,),
                stamp_user="closed_by",
                stamp_time="closed_at",
                notify=(Notify(premises_officers, "hazard.closed"),),
                confirm=_(
                    "The hazard leaves the open ledger (销号) and its deadline stops; a closed "
                    "hazard is not reopened."
                ),
            ),
        ),
    )
)
