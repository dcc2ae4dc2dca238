"""Written documents of a complaint: the notices of the desk and the written opinions.

An opinion (处理意见 / 复查意见 / 复核意见) has the four parts of the Letters and Visits
Regulations 2022, Art. 33 — the request, facts and reasons, the decision, the legal basis — and
an outcome. The handling unit drafts it, its leader (not the drafter) approves it, and then its
delivery is recorded with date, method and proof. Recording the delivery of an opinion moves
the complaint in the same transaction (replied / reviewed / concluded), so the 30-day windows of
Arts 35–36 start at the recorded date the complainant received it, not when someone clicked.

Notices (receipt, non-acceptance, referral, extension) are acts of the desk or the unit: drafted
with a default text the drafter can edit, then submitted and approved like an opinion, by a leader
other than the drafter, and delivered. Delivering the notice of receipt meets the Art. 23 clock
(15 days from receipt). A document of a kind is drafted and approved only in the case states the
law allows it (complaints.choices.ISSUED_IN).

An approved document is numbered and never edited: its text, and so its PDF, stay as approved. A
correction is a new draft that supersedes it (`correct`), approved on its own with its own number.

Every operation is one function here, called by the pages and the API alike; each refuses with
a WorkflowError (a stable code, never a 500) and writes nothing when it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from complaints.choices import (
    HANDLING_CLOCKS,
    OPINION_KINDS,
    RECEIPT_NOTICE,
    DeliveryMethod,
    DocumentKind,
    DocumentState,
    OpinionOutcome,
    ReferralBody,
)
from complaints.machines.complaints import not_under_review
from complaints.machines.documents import FOUR_PARTS, issue_refusal
from complaints.models import CaseDocument, Complaint
from complaints.services.protection import is_shielded_from
from core.audit import record_change, snapshot
from core.models import User, next_number
from core.scoping import get_restricted
from core.times import deadline_text
from core.validators import in_future
from workflow.calendar import local_date
from workflow.clocks import open_clocks, stop_clock
from workflow.engine import check_inputs, fire, update_versioned
from workflow.errors import InvalidState, PreconditionFailed, TransitionForbidden
from workflow.machine import Files
from workflow.models import Clock

NOTICE_KINDS = (
    DocumentKind.RECEIPT_NOTICE,
    DocumentKind.NOT_ACCEPTED_NOTICE,
    DocumentKind.REFERRAL_NOTICE,
    DocumentKind.EXTENSION_NOTICE,
)
# A document in these states is done with; another of its kind may be drafted.
FINISHED = (DocumentState.DELIVERED, DocumentState.SUPERSEDED)
# Delivering an opinion fires the complaint's transition, stamped with the recorded delivery time.
DELIVERY_TRANSITION: dict[str, tuple[str, str]] = {
    DocumentKind.OPINION: ("deliver_opinion", "opinion_delivered_at"),
    DocumentKind.REVIEW_OPINION: ("deliver_review_opinion", "review_delivered_at"),
    DocumentKind.REREVIEW_OPINION: ("deliver_rereview_opinion", "concluded_at"),
}
# The word of the document number: "〔2026〕信复查 第3号". Official document text, not UI.
NUMBER_WORDS: dict[str, str] = {
    DocumentKind.RECEIPT_NOTICE: "信告",
    DocumentKind.NOT_ACCEPTED_NOTICE: "信不受",
    DocumentKind.REFERRAL_NOTICE: "信引",
    DocumentKind.EXTENSION_NOTICE: "信延",
    DocumentKind.OPINION: "信处",
    DocumentKind.REVIEW_OPINION: "信复查",
    DocumentKind.REREVIEW_OPINION: "信复核",
}
NOTICE_FIELDS = ("body",)
PROOF_ATTACHMENT = "proof"


class DocumentRefused(PreconditionFailed):
    """A rule of the document is not met; `code` says which (API: 400 with the code)."""

    def __init__(self, code: str, message: Any, **details: Any) -> None:
        super().__init__(message, **details)
        self.code = code


# Who may act on a complaint's documents


def check_may_write(user: User, complaint: Complaint) -> None:
    """The complaint is in the user's reach (else 404), the user may write documents, and the user
    is not the one complained about (nor stepped aside): Arts 30 and 46 keep the answer to a
    complaint out of the hands of the unit or person it is about."""
    get_restricted(Complaint, user, "view", complaint.pk)
    if not user.has_perm("complaints.change_casedocument"):
        raise TransitionForbidden()
    if is_shielded_from(user, complaint):
        raise TransitionForbidden(
            _(
                "You are named in this complaint or stepped aside from it: "
                "you cannot act on its documents."
            )
        )
    under_review = not_under_review(complaint, user)
    if under_review:
        raise TransitionForbidden(under_review)
    if not Complaint.objects.restrict(user, "change").filter(pk=complaint.pk).exists():
        raise TransitionForbidden()


def _check_may_add(user: User, complaint: Complaint) -> None:
    check_may_write(user, complaint)
    if not user.has_perm("complaints.add_casedocument"):
        raise TransitionForbidden()


# Numbers


def number_for(kind: str, on: dt.date) -> str:
    """ "〔2026〕信处 第12号": gap-free per kind and year (inside the saving transaction)."""
    serial = next_number(f"complaints.{kind}", on.year)
    return f"〔{on.year}〕{NUMBER_WORDS[kind]} 第{serial}号"


def issuing_authority(document: CaseDocument) -> str:
    """The lead unit for an opinion; for a notice the drafter's unit (the desk)."""
    complaint = document.complaint
    units = (
        [] if document.kind in OPINION_KINDS else list(document.drafted_by.departments.all()[:1])
    )
    unit = units[0] if units else complaint.department
    return unit.name if unit is not None else f"{complaint.region.name}信访工作机构"


def _give_number(document: CaseDocument) -> CaseDocument:
    """Number the approved document and record the authority it is issued in the name of: from
    now on its PDF is printed from this record only."""
    if document.number:
        return document
    before = snapshot(document)
    document.number = number_for(document.kind, local_date(timezone.now()))
    document.authority = issuing_authority(document)
    CaseDocument.objects.filter(pk=document.pk, number="").update(
        number=document.number, authority=document.authority
    )
    record_change(document, before)
    return document


# Opinions: draft → submit → approve (or send back) → deliver


def _check_issuable(complaint: Complaint, kind: str) -> None:
    refusal = issue_refusal(complaint, kind)
    if refusal:
        raise DocumentRefused("wrong_state", refusal, state=complaint.state)


def _clean_outcome(outcome: str) -> str:
    if outcome and outcome not in OpinionOutcome.values:
        raise DocumentRefused("bad_outcome", _("Choose supported, explained or not supported."))
    return outcome


def _check_opinion_kind(complaint: Complaint, kind: str) -> None:
    if kind not in OPINION_KINDS:
        raise DocumentRefused("bad_kind", _("This is not a kind of written opinion."))
    _check_issuable(complaint, kind)
    unfinished = complaint.documents.filter(kind=kind).exclude(state__in=FINISHED)
    if unfinished.exists():
        raise DocumentRefused(
            "draft_exists",
            _("This case already has a %(kind)s that is not delivered yet: finish that one.")
            % {"kind": DocumentKind(kind).label},
            document=unfinished.values_list("pk", flat=True).first(),
        )


@transaction.atomic
def draft_opinion(
    complaint: Complaint,
    user: User,
    kind: str,
    request: str = "",
    facts_and_reasons: str = "",
    decision: str = "",
    legal_basis: str = "",
    outcome: str = "",
) -> CaseDocument:
    """A new draft opinion of `kind` on the complaint; it may be incomplete until submitted."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_may_add(user, complaint)
    _check_opinion_kind(complaint, kind)
    document = CaseDocument.objects.create(
        complaint=complaint,
        kind=kind,
        state=DocumentState.DRAFT,
        request=request.strip(),
        facts_and_reasons=facts_and_reasons.strip(),
        decision=decision.strip(),
        legal_basis=legal_basis.strip(),
        outcome=_clean_outcome(outcome),
        drafted_by=user,
    )
    record_change(document, None)
    return document


def editable_fields(document: CaseDocument) -> tuple[str, ...]:
    """Only a draft is edited: once approved and numbered a document never changes."""
    if document.state != DocumentState.DRAFT:
        return ()
    return FOUR_PARTS if document.kind in OPINION_KINDS else NOTICE_FIELDS


def update_draft(
    document: CaseDocument, user: User, data: dict[str, Any], expected_version: int | str
) -> CaseDocument:
    """Edit the text of a draft opinion or an undelivered notice (the version guards it)."""
    check_may_write(user, document.complaint)
    fields = editable_fields(document)
    if not fields:
        raise InvalidState(
            _(
                "Only a draft can be edited: an approved document never changes. "
                "Correct it with a new document instead."
            ),
            state=document.state,
        )
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise DocumentRefused(
            "bad_fields",
            _("These cannot be edited here: %(fields)s.") % {"fields": ", ".join(unknown)},
        )
    cleaned = {name: str(value or "").strip() for name, value in data.items()}
    if "outcome" in cleaned:
        _clean_outcome(cleaned["outcome"])
    return update_versioned(user, document, cleaned, int(expected_version), fields)


def submit(
    document: CaseDocument, user: User, expected_version: int | str | None = None
) -> CaseDocument:
    check_may_write(user, document.complaint)
    return fire("submit", document, user, {}, expected_version)


@transaction.atomic
def approve(
    document: CaseDocument, user: User, expected_version: int | str | None = None
) -> CaseDocument:
    """A leader other than the drafter approves; the document gets its number now."""
    check_may_write(user, document.complaint)
    approved = fire("approve", document, user, {}, expected_version)
    return _give_number(approved)


def send_back(
    document: CaseDocument, user: User, reason: str, expected_version: int | str | None = None
) -> CaseDocument:
    check_may_write(user, document.complaint)
    return fire("send_back", document, user, {"return_reason": reason.strip()}, expected_version)


# Delivery


def _clean_delivery(document: CaseDocument, delivered_at: Any, method: str) -> dt.datetime:
    if not isinstance(delivered_at, dt.datetime):
        raise DocumentRefused(
            "delivered_at", _("Give the date and time the document was received.")
        )
    if timezone.is_naive(delivered_at):
        delivered_at = timezone.make_aware(delivered_at)
    if in_future(delivered_at):
        raise DocumentRefused(
            "delivered_in_future", _("A delivery cannot be recorded in the future.")
        )
    if delivered_at < document.complaint.received_at:
        raise DocumentRefused(
            "delivered_before_receipt",
            _("The document cannot have been delivered before the case was received."),
        )
    if method not in DeliveryMethod.values:
        raise DocumentRefused("delivery_method", _("Choose how the document was delivered."))
    return delivered_at


@transaction.atomic
def deliver(
    document: CaseDocument,
    user: User,
    delivered_at: dt.datetime,
    method: str,
    proof: str = "",
    proof_files: Sequence[Any] = (),
    expected_version: int | str | None = None,
) -> CaseDocument:
    """Record that the complainant received the document (date, method, proof and its scans,
    stored in the same transaction).

    For an opinion the complaint moves on in the same transaction and the next window (Arts 35–36)
    starts at `delivered_at`; the notice of receipt meets the Art. 23 clock at `delivered_at`.
    """
    check_may_write(user, document.complaint)
    delivered_at = _clean_delivery(document, delivered_at, method)
    data: dict[str, Any] = {"delivered_at": delivered_at, "delivery_method": method}
    if proof.strip():  # (the engine reads a blank as "no value", which the column refuses)
        data["delivery_proof"] = proof.strip()
    files = {PROOF_ATTACHMENT: list(proof_files)}
    delivered = fire("deliver", document, user, data, expected_version, files)
    if delivered.kind in OPINION_KINDS and delivered.supersedes_id is None:
        _move_complaint_on(delivered, user, delivered_at)
    elif delivered.kind == DocumentKind.RECEIPT_NOTICE:
        for clock in open_clocks(delivered.complaint, (RECEIPT_NOTICE,)):
            stop_clock(clock, at=delivered_at, met=True)
    return delivered


def _move_complaint_on(document: CaseDocument, user: User, delivered_at: dt.datetime) -> Complaint:
    transition, stamp = DELIVERY_TRANSITION[document.kind]
    complaint = Complaint.objects.get(pk=document.complaint_id)
    data: dict[str, Any] = {stamp: delivered_at, "outcome": document.outcome}
    if document.kind == DocumentKind.REREVIEW_OPINION:
        # Art. 36: after re-review the same matter with the same facts is not accepted again.
        data["concluded_after_rereview"] = True
    return fire(transition, complaint, user, data)


def transition_document(
    name: str,
    document: CaseDocument,
    user: User,
    data: dict[str, Any],
    expected_version: Any,
    files: Files,
) -> CaseDocument:
    """The document machine's door: each step through its function here (the delivery's date
    read as the page or the API sends it, its scans as `proof` files)."""
    if name == "deliver":
        check_inputs(data, ("delivered_at", "delivery_method", "delivery_proof"))
        return deliver(
            document, user, _moment(data.get("delivered_at")),
            str(data.get("delivery_method") or ""), str(data.get("delivery_proof") or ""),
            files.get(PROOF_ATTACHMENT, ()), expected_version,
        )  # fmt: skip
    if name == "send_back":
        check_inputs(data, ("return_reason",))
        return send_back(document, user, str(data.get("return_reason") or ""), expected_version)
    if name == "correct":
        check_inputs(data, ())
        return correct(document, user, expected_version)
    check_inputs(data, ())
    step = approve if name == "approve" else submit
    return step(document, user, expected_version)


def _moment(value: Any) -> Any:
    """A date-time as posted (ISO 8601, or a page's local `YYYY-MM-DDTHH:MM`); anything else
    is passed on for `_clean_delivery` to refuse with its code."""
    if isinstance(value, str):
        return parse_datetime(value) or value
    return value


# Notices


@transaction.atomic
def issue_notice(complaint: Complaint, user: User, kind: str, body: str = "") -> CaseDocument:
    """A draft notice of the desk or the unit; `body` blank takes the default text for the
    complaint. It is numbered when a leader other than the drafter approves it."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_may_add(user, complaint)
    if kind not in NOTICE_KINDS:
        raise DocumentRefused("bad_kind", _("This is not a kind of notice."))
    _check_issuable(complaint, kind)
    document = CaseDocument.objects.create(
        complaint=complaint,
        kind=kind,
        state=DocumentState.DRAFT,
        body=body.strip() or default_notice_body(complaint, kind),
        drafted_by=user,
    )
    record_change(document, None)
    return document


# Corrections

CORRECTED_FIELDS = ("body", "request", "facts_and_reasons", "decision", "legal_basis", "outcome")


@transaction.atomic
def correct(
    document: CaseDocument, user: User, expected_version: int | str | None = None
) -> CaseDocument:
    """Withdraw an approved document and open its correction: a new draft with the same text for
    the user to put right, linked by `supersedes`. The old one is kept, unchanged, as superseded;
    the correction is submitted and approved on its own and gets its own number."""
    _check_may_add(user, document.complaint)
    superseded = fire("correct", document, user, {}, expected_version)
    correction = CaseDocument.objects.create(
        complaint=superseded.complaint,
        kind=superseded.kind,
        state=DocumentState.DRAFT,
        supersedes=superseded,
        drafted_by=user,
        **{name: getattr(superseded, name) for name in CORRECTED_FIELDS},
    )
    record_change(correction, None)
    return correction


def _date(moment: dt.datetime | None) -> str:
    if moment is None:
        return "____年__月__日"
    day = local_date(moment)
    return f"{day.year}年{day.month}月{day.day}日"


def _handle_clock(complaint: Complaint) -> Any:
    """The complaint's handling clock (the one an extension notice is about), open or last."""
    open_clock = open_clocks(complaint, HANDLING_CLOCKS).first()
    if open_clock is not None:
        return open_clock
    content_type = ContentType.objects.get_for_model(Complaint)
    return (
        Clock.objects.filter(
            content_type=content_type, object_id=complaint.pk, kind__in=HANDLING_CLOCKS
        )
        .order_by("-started_at", "-pk")
        .first()
    )


# Default texts: a Chinese official document's wording (like the PDF), so not translated.
def default_notice_body(complaint: Complaint, kind: str) -> str:
    received = _date(complaint.received_at)
    subject = f"您于{received}反映的“{complaint.title}”事项"
    if kind == DocumentKind.RECEIPT_NOTICE:
        unit = complaint.department.name if complaint.department_id else "有权处理的机关、单位"  # type: ignore[union-attr]
        return (
            f"{subject}已收悉，登记编号为{complaint.number}。"
            f"根据《信访工作条例》第二十二条、第二十三条的规定，该事项已转送（交办）{unit}办理。"
            f"您可以凭回执码{complaint.receipt_code}和查询密码查询办理进展和结果。"
        )
    if kind == DocumentKind.NOT_ACCEPTED_NOTICE:
        reason = complaint.not_accepted_reason or "____"
        return f"{subject}，经审查，不予受理。理由：{reason}"
    if kind == DocumentKind.REFERRAL_NOTICE:
        body = (
            ReferralBody(complaint.referral_body).label if complaint.referral_body else "有关机关"
        )
        reason = complaint.referral_reason or "____"
        return (
            f"{subject}，经审查，属于应当通过{body}等法定途径解决的事项。理由：{reason}。"
            "根据《信访工作条例》第三十一条的规定，请您依照有关法律、行政法规规定的程序"
            "向有关机关提出。"
        )
    clock = _handle_clock(complaint)
    days = clock.extension_days if clock is not None else "__"
    reason = (clock.extension_reason if clock is not None else "") or "____"
    due = deadline_text(clock.due) if clock is not None else "____"
    if clock is not None and clock.provisional:
        # Counted before the year's official holidays were published (DESIGN.md §4).
        due += "（暂定：当年法定节假日安排公布后据以重新计算）"
    return (
        f"{subject}，因{reason}，经本机关负责人批准，根据《信访工作条例》第三十四条的规定，"
        f"办理期限延长{days}日，至{due}。"
    )


# What the complainant sees


def public_replies(complaint: Complaint) -> QuerySet[CaseDocument]:
    """Delivered documents of the complaint, oldest first: what the complainant has received and
    may read again on the portal (all of them are addressed to the complainant)."""
    return CaseDocument.objects.filter(complaint=complaint, state=DocumentState.DELIVERED).order_by(
        "delivered_at", "pk"
    )
