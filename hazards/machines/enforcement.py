"""The enforcement document's machine (Work Safety Law Arts 65, 70, 102, 113): a draft is
issued (numbered, in force), later lifted; a draft that is never issued is cancelled.

Issuing and lifting go through hazards.services.enforcement (issue_action, lift_action), which
numbers the document, checks the rules of its kind and sets the premises' status in the same
transaction; the API's transition endpoint calls those services too.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.models import User
from hazards.choices import POWER_CUT_CLOCK, EnforcementState
from hazards.models import EnforcementAction
from hazards.services.enforcement import LIFTABLE_KINDS, issue_rules_met
from workflow.machine import Machine, Transition, four_eyes, register

# Who issues and lifts: the regulators (REGULATE in core.roles).
REGULATORS = ("department_staff", "directory_admin")


def _issue_rules(action: EnforcementAction, user: User, data: dict[str, Any]) -> Any:
    return issue_rules_met(action, user, data)


def _liftable(action: EnforcementAction, user: User, data: dict[str, Any]) -> Any:
    if action.kind not in LIFTABLE_KINDS:
        return _("A %(kind)s stays in force once issued; it is not lifted.") % {
            "kind": action.get_kind_display()
        }
    return None


ENFORCEMENT = register(
    Machine(
        model=EnforcementAction,
        door="hazards.services.enforcement.transition_action",
        states=EnforcementState,
        initial=EnforcementState.DRAFT,
        transitions=(
            Transition(
                "issue",
                _("Issue"),
                source=(EnforcementState.DRAFT,),
                target=EnforcementState.ISSUED,
                roles=REGULATORS,
                # number, time and (for a power cut) deadline are set by issue_action, never by
                # a client: one clock reading makes the notice's 24 hours exact.
                fields=("number", "issued_at", "deadline"),
                required=("facts", "legal_basis", "number", "issued_at"),
                # Four eyes: the regulator who drafted the document does not also issue it.
                conditions=(four_eyes("created_by"), _issue_rules),
                stamp_user="issued_by",
                confirm=_(
                    "The order gets its number and binds the unit from now on; an issued order "
                    "is not edited or withdrawn, only lifted where the law allows."
                ),
            ),
            Transition(
                "lift",
                _("Lift"),
                source=(EnforcementState.ISSUED,),
                target=EnforcementState.LIFTED,
                roles=REGULATORS,
                fields=("lift_reason",),
                required=("lift_reason",),
                conditions=(_liftable,),
                cancel=(POWER_CUT_CLOCK,),
                stamp_user="lifted_by",
                stamp_time="lifted_at",
            ),
            Transition(
                "cancel",
                _("Cancel the draft"),
                source=(EnforcementState.DRAFT,),
                target=EnforcementState.CANCELLED,
                roles=REGULATORS,
            ),
        ),
    )
)
