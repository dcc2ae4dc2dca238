"""A case document: drafted → submitted → approved (by a leader, not the drafter) → delivered.
Delivery is recorded with date, method and proof; the windows that follow run from it.

An approved document is numbered and never changes. A mistake in it is put right by a correction:
`correct` withdraws it (superseded, kept) and opens a new draft linked by `supersedes`, which is
submitted and approved on its own, by someone other than its drafter, and gets its own number."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.choices import ISSUED_IN, OPINION_KINDS, ComplaintState, DocumentKind, DocumentState
from complaints.machines.complaints import CLERK, HANDLERS, LEADER
from complaints.models import CaseDocument, Complaint
from core.models import User
from workflow.machine import Machine, Transition, four_eyes, register

FOUR_PARTS = ("request", "facts_and_reasons", "decision", "legal_basis", "outcome")


def four_parts_written(doc: CaseDocument, user: User, data: dict[str, Any]) -> str | Promise | None:
    # Letters and Visits Regulations 2022, Art. 33: request, facts and reasons, decision, basis.
    if doc.kind in OPINION_KINDS and any(not getattr(doc, part) for part in FOUR_PARTS):
        return _("An opinion needs all four parts and an outcome before it is submitted.")
    if doc.kind not in OPINION_KINDS and not doc.body.strip():
        return _("Write the notice before submitting it.")
    return None


def issue_refusal(complaint: Complaint, kind: str) -> str | None:
    """Why a document of `kind` may not be issued on the complaint in its present state (the
    table ISSUED_IN beside the document kinds), or None."""
    allowed = ISSUED_IN[kind]
    if complaint.state in allowed:
        return None
    return _("A %(kind)s is issued only while the case is %(allowed)s; it is “%(state)s”.") % {
        "kind": DocumentKind(kind).label,
        "allowed": "/".join(f"“{ComplaintState(state).label}”" for state in allowed),
        "state": ComplaintState(complaint.state).label,
    }


def issuable_now(doc: CaseDocument, user: User, data: dict[str, Any]) -> str | None:
    # The case may have moved on since the draft; a correction re-issues what was already
    # issued lawfully, so it follows its original.
    if doc.supersedes_id is not None:
        return None
    return issue_refusal(doc.complaint, doc.kind)


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
                target=DocumentState.APPROVED, roles=LEADER,
                conditions=(four_eyes("drafted_by"), issuable_now),
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
            Transition(
                "correct", _("Correct (new document)"),
                source=(DocumentState.APPROVED, DocumentState.DELIVERED),
                target=DocumentState.SUPERSEDED, roles=HANDLERS + CLERK,
            ),
        ),
    )
)  # fmt: skip
