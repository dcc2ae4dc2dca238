"""The inspections state machine; registered by hazards.machines.

An inspection is opened in progress (planned ones carry a `planned_on` date and no start time
yet), is completed when every checklist item has an outcome, or is cancelled. The service
`hazards.services.inspections.complete_inspection` computes the score and the failed count
and fires `complete` with them, so the UI and the API complete an inspection the same way.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.models import User
from hazards.choices import InspectionState
from hazards.models import Inspection
from workflow.machine import Machine, Transition, register

INSPECTOR_ROLES = (
    "grid_inspector",
    "township_staff",
    "department_staff",
    "enterprise_officer",
    "directory_admin",
)


def every_item_answered(inspection: Any, user: User, data: dict[str, Any]) -> str | None:
    unanswered = inspection.template.items.exclude(
        pk__in=inspection.results.values("item_id")
    ).count()
    if unanswered:
        return _("%(count)d checklist items have no outcome yet.") % {"count": unanswered}
    return None


INSPECTION = register(
    Machine(
        model=Inspection,
        door="hazards.services.inspections.transition_inspection",
        states=InspectionState,
        initial=InspectionState.IN_PROGRESS,
        transitions=(
            Transition(
                "complete",
                _lazy("Complete the inspection"),
                source=(InspectionState.IN_PROGRESS,),
                target=InspectionState.COMPLETED,
                roles=INSPECTOR_ROLES,
                fields=("score", "failed_count", "representative_name", "notes"),
                conditions=(every_item_answered,),
                stamp_time="completed_at",
            ),
            Transition(
                "cancel",
                _lazy("Cancel the inspection"),
                source=(InspectionState.IN_PROGRESS,),
                target=InspectionState.CANCELLED,
                roles=INSPECTOR_ROLES,
                fields=("notes",),
                required=("notes",),
            ),
        ),
    )
)
