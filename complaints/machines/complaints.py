"""The complaint's path through the Letters and Visits Regulations 2022 (DESIGN.md §6):

received → (route, Art. 22) assigned → (accept) handling → (opinion delivered, Art. 34)
replied → (review asked, Art. 35) reviewing → reviewed → (re-review asked, Art. 36)
rereviewing → concluded. A unit may object that the matter is not its remit (Art. 23, back
to the desk); a matter may be referred to another procedure (诉访分离, Art. 31) or not accepted.

Review and re-review windows run from the recorded delivery of the written opinion; the
re-review clock pauses for a hearing. Services (complaints.services) wrap these transitions
with the records they need (transfers, documents) in the same transaction; the machine's door
(complaints.services.complaint_transitions) leads every page and API call to them.

Who may act is declared here and checked by the engine only: the unit or person a complaint is
about, and staff who stepped aside, never act on it (a guard of the whole machine, Arts 30,
46); accepting, objecting and extending are the lead unit's own acts (a guard of those steps);
a review or re-review sits with the superior organ it was sent to (complaints.services.reviews),
and the unit whose decision it reviews takes no step on it (`not_under_review`, Arts 35-36).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.choices import (
    HANDLE_CLOCK,
    HANDLING_CLOCKS,
    RECEIPT_NOTICE,
    REGISTER_ROUTE,
    REMIT_OBJECTION,
    REREVIEW_OPINION,
    REREVIEW_REQUEST,
    REVIEW_OPINION,
    REVIEW_REQUEST,
    ROUTING_CLOCKS,
    ComplaintState,
    DocumentKind,
    DocumentState,
)
from complaints.models import Complaint
from complaints.services.protection import is_shielded_from
from core.models import Department, User
from core.scoping import scope_of
from workflow.clocks import due_text, open_clocks
from workflow.machine import STAY, Machine, Notify, StartClock, Transition, register

ALL_CLOCKS = (
    REGISTER_ROUTE, RECEIPT_NOTICE, REMIT_OBJECTION, *HANDLING_CLOCKS, REVIEW_REQUEST,
    REVIEW_OPINION, REREVIEW_REQUEST, REREVIEW_OPINION,
)  # fmt: skip

CLERK = ("complaint_clerk",)
HANDLERS = ("handling_staff", "unit_leader")
LEADER = ("unit_leader",)
# The portal and Open311 act through a channel account (complaints.services.channels).
CHANNEL = ("citizen_channel",)


def unit_staff(complaint: Complaint) -> Iterable[User]:
    """The lead unit's handling staff and leaders."""
    if complaint.department_id is None:
        return User.objects.none()
    return User.objects.filter(
        departments=complaint.department_id, groups__name__in=HANDLERS, is_active=True
    ).distinct()


def desk_clerks(complaint: Complaint) -> Iterable[User]:
    codes = complaint.region.path.strip("/").split("/")
    return User.objects.filter(
        Q(regions__code__in=codes), groups__name__in=CLERK, is_active=True
    ).distinct()


def not_a_respondent(
    complaint: Complaint, user: User, data: dict[str, Any]
) -> str | Promise | None:
    # Arts 30 and 46: the matter never goes to the unit it is about.
    unit = data.get("department") or complaint.department
    unit_id: Any = getattr(unit, "pk", unit)
    if unit_id and complaint.respondents.filter(department_id=unit_id).exists():
        return _("This unit is the one complained about; the matter cannot be sent to it.")
    return None


def not_shielded(complaint: Complaint, user: User) -> str | Promise | None:
    # Arts 30, 46: the unit or person complained about, or staff who stepped aside, may read
    # the matter but take no step on it.
    if is_shielded_from(user, complaint):
        return _("You are named in this complaint or stepped aside from it: you cannot act on it.")
    return None


def units_under_review(complaint: Complaint) -> set[int]:
    """Units whose own decision the case now reviews: while reviewed, the unit that gave the
    opinion; while re-reviewed, that unit and the organ that reviewed it (Arts 35-36)."""
    if complaint.state == ComplaintState.REVIEWING:
        units = {complaint.opinion_unit_id}
    elif complaint.state == ComplaintState.REREVIEWING:
        units = {complaint.opinion_unit_id, complaint.review_unit_id}
    else:
        units = set()
    return {unit for unit in units if unit is not None}


def not_under_review(complaint: Complaint, user: User) -> str | Promise | None:
    # Arts 35-36: a review is decided by the superior organ, never by the unit whose opinion
    # it reviews; its staff neither draft, approve nor deliver the review or re-review.
    if units_under_review(complaint) & scope_of(user).department_ids:
        return _(
            "Your unit's decision is under review: the review is for %(organ)s to decide, "
            "not for your unit."
        ) % {"organ": complaint.department or "—"}
    return None


def member_of_lead_unit(complaint: Complaint, user: User) -> str | Promise | None:
    """Accepting, objecting and extending are the lead unit's own acts (Arts 23, 34): a user
    of another unit that merely sees the complaint (an assisting or a named unit) cannot take
    them."""
    scope = scope_of(user)
    # The stored lead unit: an objection has cleared `department` on the record by now.
    stored = Complaint.objects.filter(pk=complaint.pk).values_list("department_id", flat=True)
    unit_id: Any = stored.first()
    if scope.unlimited or unit_id in scope.department_ids:
        return None
    unit = Department.objects.filter(pk=unit_id).first()
    return _("Only the staff of the lead unit (%(unit)s) can do this.") % {"unit": unit or "—"}


def another_unit(complaint: Complaint, user: User, data: dict[str, Any]) -> str | Promise | None:
    # Compared with the stored lead unit: data["department"] has been applied by now.
    stored = Complaint.objects.filter(pk=complaint.pk).values_list("department_id", flat=True)
    if complaint.department_id is not None and complaint.department_id == stored.first():
        return _("The case is already with this unit; choose another unit.")
    return None


def within_objection_window(
    complaint: Complaint, user: User, data: dict[str, Any]
) -> str | Promise | None:
    # Art. 23: a unit that holds the matter is not its remit says so within 5 working days.
    clock = open_clocks(complaint, (REMIT_OBJECTION,)).first()
    if clock is not None and timezone.now() > clock.due:
        return _(
            "The 5 working days to object ended at %(due)s. The unit now accepts the matter, "
            "or asks the desk to transfer it with a reason."
        ) % {"due": due_text(clock)}
    return None


def extension_allowed(
    complaint: Complaint, user: User, data: dict[str, Any]
) -> str | Promise | None:
    # Art. 34: at most 30 days more in total, and only on the 60-day handling time.
    clock = open_clocks(complaint, (HANDLE_CLOCK,)).first()
    if clock is None:
        return _(
            "Only the 60-day handling time of a letters-and-visits case can be extended; "
            "this case has no such deadline running (a 12345 case keeps its category's limit)."
        )
    limit = clock.rule.max_extension_days or 0
    try:
        days = int(data.get("extension_days") or 0)
    except (TypeError, ValueError):
        return _("Give the extension as a whole number of days.")
    if days <= 0:
        return _("Give the extension as a whole number of days.")
    if clock.extension_days + days > limit:
        return _(
            "The handling time may be extended by at most %(limit)s days in total; "
            "%(used)s already granted, %(left)s left."
        ) % {"limit": limit, "used": clock.extension_days, "left": limit - clock.extension_days}
    return None


def opinion_approved(kind: str) -> Any:
    """The complaint moves on only with an approved opinion of the stage's own kind (an opinion
    delivered earlier does not stand in for the review opinion)."""

    def check(complaint: Complaint, user: User, data: dict[str, Any]) -> str | Promise | None:
        approved = complaint.documents.filter(
            kind=kind, state__in=(DocumentState.APPROVED, DocumentState.DELIVERED)
        )
        if not approved.exists():
            return _("A leader must approve the written opinion before it is delivered.")
        return None

    return check


def _within(window: str, requested_field: str) -> Any:
    def check(complaint: Complaint, user: User, data: dict[str, Any]) -> str | Promise | None:
        clock = open_clocks(complaint, (window,)).first()
        requested = getattr(complaint, requested_field)
        if clock is not None and requested is not None and requested > clock.due:
            return _("The window to ask ended at %(due)s.") % {"due": due_text(clock)}
        return None

    return check


COMPLAINT = register(
    Machine(
        model=Complaint,
        door="complaints.services.complaint_transitions.fire_complaint_transition",
        guards=(not_shielded, not_under_review),
        states=ComplaintState,
        initial=ComplaintState.RECEIVED,
        transitions=(
            Transition(
                "route", _("Route to a unit"), source=(ComplaintState.RECEIVED,),
                target=ComplaintState.ASSIGNED, roles=CLERK,
                fields=("department", "routing_note", "summary", "title"),
                required=("department", "summary"), conditions=(not_a_respondent,),
                stamp_time="routed_at", stop=ROUTING_CLOCKS,
                start=(StartClock(REMIT_OBJECTION, anchor="routed_at"),),
                notify=(Notify(unit_staff, "complaint.assigned"),),
            ),
            # The desk moves a complaint to another unit with a reason (complaints.services.handling
            # .transfer records it and counts it): the new unit accepts it afresh.
            Transition(
                "transfer", _("Transfer to another unit"),
                source=(ComplaintState.ASSIGNED, ComplaintState.HANDLING),
                target=ComplaintState.ASSIGNED, roles=CLERK, fields=("department", "handler"),
                inputs=("reason",), required=("department",),
                conditions=(not_a_respondent, another_unit),
                cancel=(REMIT_OBJECTION, *HANDLING_CLOCKS),
                start=(StartClock(REMIT_OBJECTION),),
                notify=(Notify(unit_staff, "complaint.assigned"),),
            ),
            Transition(
                "object_remit", _("Not our remit"), source=(ComplaintState.ASSIGNED,),
                target=ComplaintState.RECEIVED, roles=HANDLERS,
                fields=("objection_reason", "department"), required=("objection_reason",),
                guards=(member_of_lead_unit,), conditions=(within_objection_window,),
                stop=(REMIT_OBJECTION,), notify=(Notify(desk_clerks, "complaint.objected"),),
            ),
            Transition(
                "accept", _("Accept"), source=(ComplaintState.ASSIGNED,),
                target=ComplaintState.HANDLING, roles=HANDLERS, fields=("handler",),
                guards=(member_of_lead_unit,), stamp_time="accepted_at",
                cancel=(REMIT_OBJECTION,),
                start=(StartClock(HANDLE_CLOCK, anchor="accepted_at",
                                  kind_field="handling_clock_kind"),),
            ),
            Transition(
                "not_accept", _("Do not accept"),
                source=(ComplaintState.RECEIVED, ComplaintState.ASSIGNED),
                target=ComplaintState.NOT_ACCEPTED, roles=CLERK + HANDLERS,
                fields=("not_accepted_reason",), required=("not_accepted_reason",),
                cancel=(*ROUTING_CLOCKS, REMIT_OBJECTION),
            ),
            Transition(
                "refer", _("Refer to another procedure"),
                source=(ComplaintState.RECEIVED, ComplaintState.ASSIGNED, ComplaintState.HANDLING),
                target=ComplaintState.REFERRED, roles=CLERK + HANDLERS,
                fields=("referral_body", "referral_reason"),
                required=("referral_body", "referral_reason"),
                cancel=(*ROUTING_CLOCKS, REMIT_OBJECTION, *HANDLING_CLOCKS),
            ),
            Transition(
                "extend", _("Extend the handling time"), source=(ComplaintState.HANDLING,),
                target=ComplaintState.HANDLING, roles=LEADER, extend=HANDLE_CLOCK,
                guards=(member_of_lead_unit,), conditions=(extension_allowed,),
            ),
            Transition(
                "deliver_opinion", _("Opinion delivered"), source=(ComplaintState.HANDLING,),
                target=ComplaintState.REPLIED, roles=CLERK + HANDLERS,
                fields=("opinion_delivered_at", "outcome"),
                required=("opinion_delivered_at", "outcome"),
                conditions=(opinion_approved(DocumentKind.OPINION),),
                stop=HANDLING_CLOCKS,
                confirm=_("The opinion is recorded as delivered on the date you give: the "
                          "handling clock stops and the complainant's 30 days to ask for a "
                          "review start (Art. 35)."),
                start=(StartClock(REVIEW_REQUEST, anchor="opinion_delivered_at"),),
            ),
            Transition(
                "request_review", _("Review requested"), source=(ComplaintState.REPLIED,),
                target=ComplaintState.REVIEWING, roles=CLERK + CHANNEL,
                fields=("review_requested_at", "department", "opinion_unit", "handler"),
                required=("review_requested_at",),
                inputs=("reasons",),
                conditions=(_within(REVIEW_REQUEST, "review_requested_at"),),
                confirm=_("The matter goes to review: the review body has 30 days to answer "
                          "(Art. 35). A request is not withdrawn here."),
                stop=(REVIEW_REQUEST,),
                start=(StartClock(REVIEW_OPINION, anchor="review_requested_at"),),
                notify=(Notify(unit_staff, "complaint.review_requested"),),
            ),
            Transition(
                "deliver_review_opinion", _("Review opinion delivered"),
                source=(ComplaintState.REVIEWING,), target=ComplaintState.REVIEWED,
                roles=CLERK + HANDLERS, fields=("review_delivered_at", "outcome"),
                required=("review_delivered_at", "outcome"),
                conditions=(opinion_approved(DocumentKind.REVIEW_OPINION),),
                stop=(REVIEW_OPINION,),
                confirm=_("The review opinion is recorded as delivered on the date you give: "
                          "the complainant's 30 days to ask for a re-review start (Art. 36)."),
                start=(StartClock(REREVIEW_REQUEST, anchor="review_delivered_at"),),
            ),
            Transition(
                "request_rereview", _("Re-review requested"), source=(ComplaintState.REVIEWED,),
                target=ComplaintState.REREVIEWING, roles=CLERK + CHANNEL,
                fields=("rereview_requested_at", "department", "review_unit", "handler"),
                required=("rereview_requested_at",),
                inputs=("reasons",),
                conditions=(_within(REREVIEW_REQUEST, "rereview_requested_at"),),
                confirm=_("The matter goes to re-review: the body above has 30 days to answer "
                          "(Art. 36). A request is not withdrawn here."),
                stop=(REREVIEW_REQUEST,),
                start=(StartClock(REREVIEW_OPINION, anchor="rereview_requested_at"),),
                notify=(Notify(unit_staff, "complaint.rereview_requested"),),
            ),
            Transition(
                "hold_hearing", _("Hearing begins (clock paused)"),
                source=(ComplaintState.REREVIEWING,), target=ComplaintState.REREVIEWING,
                roles=HANDLERS, pause=(REREVIEW_OPINION,),
            ),
            Transition(
                "end_hearing", _("Hearing ended"), source=(ComplaintState.REREVIEWING,),
                target=ComplaintState.REREVIEWING, roles=HANDLERS, resume=(REREVIEW_OPINION,),
            ),
            Transition(
                "deliver_rereview_opinion", _("Re-review opinion delivered"),
                source=(ComplaintState.REREVIEWING,), target=ComplaintState.CONCLUDED,
                roles=CLERK + HANDLERS,
                fields=("concluded_at", "outcome", "concluded_after_rereview"),
                required=("concluded_at", "outcome"),
                conditions=(opinion_approved(DocumentKind.REREVIEW_OPINION),),
                stop=(REREVIEW_OPINION,),
                confirm=_("The re-review opinion is final: the matter is concluded and the same "
                          "matter with the same facts is not accepted again (Art. 36)."),
            ),
            # Arts 30, 46: what Open311 publishes is written for publication by the desk, never
            # the complainant's words (complaints.open311.documents).
            Transition(
                "publish", _("Write the public summary"), source=tuple(ComplaintState.values),
                target=STAY, roles=CLERK, fields=("public_summary",), required=("public_summary",),
            ),
            Transition(
                "conclude", _("Conclude"),
                source=(ComplaintState.REPLIED, ComplaintState.REVIEWED),
                target=ComplaintState.CONCLUDED, roles=CLERK + HANDLERS + CHANNEL,
                stamp_time="concluded_at", cancel=(REVIEW_REQUEST, REREVIEW_REQUEST),
                confirm=_("The matter is concluded and the complainant's time to ask for a "
                          "review ends now."),
            ),
        ),
    )
)  # fmt: skip
