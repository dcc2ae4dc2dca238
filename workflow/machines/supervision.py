"""The supervision notice's own machine: issued → replied → closed (or sent back)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow.choices import SupervisionState
from workflow.clock_labels import clock_labels
from workflow.machine import Machine, Notify, StartClock, Transition, register
from workflow.models import SupervisionNotice

REPLY_CLOCK = "workflow.supervision_reply"
clock_labels.register({REPLY_CLOCK: _("Reply to a supervision notice")})
UNIT_ROLES = ("handling_staff", "unit_leader", "township_staff", "department_staff")


def _issuer(notice: SupervisionNotice) -> list:
    return [notice.issued_by]


SUPERVISION = register(
    Machine(
        model=SupervisionNotice,
        states=SupervisionState,
        initial=SupervisionState.ISSUED,
        transitions=(
            Transition(
                "reply",
                _("Reply"),
                source=(SupervisionState.ISSUED,),
                target=SupervisionState.REPLIED,
                roles=UNIT_ROLES,
                fields=("reply",),
                required=("reply",),
                stop=(REPLY_CLOCK,),
                stamp_user="replied_by",
                stamp_time="replied_at",
                notify=(Notify(_issuer, "supervision.replied"),),
            ),
            Transition(
                "send_back",
                _("Send back for a fuller reply"),
                source=(SupervisionState.REPLIED,),
                target=SupervisionState.ISSUED,
                roles=("supervisor",),
                start=(StartClock(REPLY_CLOCK),),
                notify=(Notify("unit_leader", "supervision.sent_back"),),
            ),
            Transition(
                "close",
                _("Close"),
                source=(SupervisionState.REPLIED,),
                target=SupervisionState.CLOSED,
                roles=("supervisor",),
                confirm=_("The supervision notice is closed with this reply; it is not reopened."),
            ),
        ),
    )
)
