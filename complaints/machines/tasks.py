"""A unit's task on a complaint: open → done (with its result) or cancelled by the desk."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.choices import TaskState
from complaints.machines.complaints import CLERK, HANDLERS, LEADER
from complaints.models import HandlingTask
from workflow.machine import Machine, Transition, register

TASK = register(
    Machine(
        model=HandlingTask,
        states=TaskState,
        initial=TaskState.OPEN,
        transitions=(
            Transition(
                "complete", _("Report done"), source=(TaskState.OPEN,), target=TaskState.DONE,
                roles=HANDLERS, fields=("result",), required=("result",),
                stamp_user="done_by", stamp_time="done_at",
            ),
            Transition(
                "cancel", _("Cancel the task"), source=(TaskState.OPEN,),
                target=TaskState.CANCELLED, roles=CLERK + LEADER,
            ),
        ),
    )
)  # fmt: skip
