"""A toy stateful model with a machine of two clocks, to prove the engine on.

Its table is created by the test conftest, outside any installed app, so it never reaches a
migration or a real database.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import Region, User
from core.scoping import RestrictedQuerySet, Scope, within_paths
from workflow.machine import Machine, Notify, StartClock, Transition, register
from workflow.models import StatefulModel

ACK = "toy.acknowledge"  # 2 hours, exact
HANDLE = "toy.handle"  # 15 calendar days, extendable by 30


class TicketState(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEW = "new", "New"
    HANDLING = "handling", "Handling"
    ON_HOLD = "on_hold", "On hold"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Ticket(StatefulModel):
    title = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.DO_NOTHING, db_constraint=False)
    handler = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    resolved_by = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, null=True, db_constraint=False, related_name="+"
    )
    received_at = models.DateTimeField(null=True)
    resolution = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    evidence_count = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()
    # Declared for mypy: the app is not installed, so the stubs plugin never sees this model.
    resolved_by_id: int | None

    class Meta:
        app_label = "workflow_toy"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/toy/{self.pk}/"

    def attachment_count(self, kind: str) -> int:
        return self.evidence_count if kind == "evidence" else 0

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return within_paths("region__path", scope.region_paths)


def not_the_resolver(ticket: Ticket, user: User, data: dict) -> str | Promise | None:
    # Four eyes (DESIGN.md §5): the verifier is someone other than the rectifier.
    if ticket.resolved_by_id == user.pk:
        return _("The person who resolved it cannot verify it.")
    return None


STAFF = ("township_staff",)
TICKET = register(
    Machine(
        model=Ticket,
        states=TicketState,
        initial=TicketState.DRAFT,
        transitions=(
            Transition(
                "submit",
                "Submit",
                (TicketState.DRAFT,),
                TicketState.NEW,
                roles=STAFF,
                fields=("received_at",),
                required=("received_at",),
                start=(StartClock(ACK, anchor="received_at"),),
            ),
            Transition(
                "accept",
                "Accept",
                (TicketState.NEW,),
                TicketState.HANDLING,
                roles=STAFF,
                fields=("handler",),
                required=("handler",),
                stop=(ACK,),
                start=(StartClock(HANDLE, anchor="received_at"),),
                notify=(Notify("handler", "toy.assigned"),),
            ),
            Transition(
                "hold",
                "Hold",
                (TicketState.HANDLING,),
                TicketState.ON_HOLD,
                roles=STAFF,
                pause=(HANDLE,),
            ),
            Transition(
                "resume",
                "Resume",
                (TicketState.ON_HOLD,),
                TicketState.HANDLING,
                roles=STAFF,
                resume=(HANDLE,),
            ),
            Transition(
                "extend",
                "Extend",
                (TicketState.HANDLING,),
                TicketState.HANDLING,
                roles=("unit_leader",),
                extend=HANDLE,
            ),
            Transition(
                "resolve",
                "Resolve",
                (TicketState.HANDLING,),
                TicketState.RESOLVED,
                roles=STAFF,
                fields=("resolution",),
                required=("resolution",),
                attachments=("evidence",),
                stop=(HANDLE,),
                stamp_user="resolved_by",
            ),
            Transition(
                "verify",
                "Verify",
                (TicketState.RESOLVED,),
                TicketState.CLOSED,
                roles=STAFF,
                conditions=(not_the_resolver,),
            ),
            Transition(
                # Declares a clock no rule set defines: firing it must fail and leave no trace.
                "misconfigured",
                "Misconfigured",
                (TicketState.HANDLING,),
                TicketState.CLOSED,
                roles=STAFF,
                fields=("notes",),
                start=(StartClock("toy.undefined"),),
            ),
        ),
    )
)
