"""A case document: drafted → submitted → approved (by a leader, not the drafter) → delivered.
Delivery is recorded with date, method and proof; the windows that follow run from it."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.choices import OPINION_KINDS, DocumentState
from complaints.machines.complaints import CLERK, HANDLERS, LEADER
from complaints.models import CaseDocument
from core.models import User
from workflow.machine import Machine, Transition, register

FOUR_PARTS = ("request", "facts_and_reasons", "decision", "legal_basis", "outcome")


def four_parts_written(doc: CaseDocument, user: User, data: dict[str, Any]) -> str | Promise | None:
    # Letters and Visits Regulations 2022, Art. 33: request, facts and reasons, decision, basis.
    if doc.kind in OPINION_KINDS and any(not getattr(doc, part) for part in FOUR_PARTS):
        return _("An opinion needs all four parts and an outcome before it is submitted.")
    if doc.kind not in OPINION_KINDS and not doc.body.strip():
        return _("Write the notice before submitting it.")
    return None


def not_the_drafter(doc: CaseDocument, user: User, data: dict[str, Any]) -> str | Promise | None:
    if doc.drafted_by_id == user.pk:
        return _("Someone other than the drafter approves a document.")
    return None


DOCUMENT = register(
    Machine(
        model=CaseDocument,
        door="complaints.services.documents.transition_document",
        states=DocumentState,
        initial=DocumentState.DRAFT,
        transitions=(
            Transition(
                "submit", _("Submit for approval"), source=(DocumentState.DRAFT,),
                target=DocumentState.SUBMITTED, roles=HANDLERS + CLERK,
                conditions=(four_parts_written,),
            ),
            Transition(
                "approve", _("Approve"), source=(DocumentState.SUBMITTED,),
                target=DocumentState.APPROVED, roles=LEADER, conditions=(not_the_drafter,),
                stamp_user="approved_by", stamp_time="approved_at",
                confirm=_("The document gets its number and can no longer be changed; a "
                          "correction will be a new document that supersedes it."),
            ),
            Transition(
                "send_back", _("Send back"), source=(DocumentState.SUBMITTED,),
                target=DocumentState.DRAFT, roles=LEADER, fields=("return_reason",),
                required=("return_reason",),
            ),
            Transition(
                "deliver", _("Record delivery"), source=(DocumentState.APPROVED,),
                target=DocumentState.DELIVERED, roles=HANDLERS + CLERK,
                fields=("delivered_at", "delivery_method", "delivery_proof"),
                required=("delivered_at", "delivery_method"), uploads=("proof",),
                confirm=_("The delivery is recorded as final: the complainant's time to "
                          "respond counts from the date of receipt you give."),
            ),
        ),
    )
)  # fmt: skip
