"""What a complainant sees of their own complaint on the portal, and what they may do there.

Only the matter's progress reaches these pages: a plain-language status, the deadlines that
concern the complainant, notes written for them and the documents delivered to them. Internal
notes, staff names and the units complained about never do (Letters and Visits Regulations
2022, Arts 30 and 46 protect the complainant; nothing here exposes anyone else either).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.choices import (
    HANDLING_CLOCKS,
    REGISTER_ROUTE,
    REREVIEW_OPINION,
    REREVIEW_REQUEST,
    REVIEW_OPINION,
    REVIEW_REQUEST,
    CallbackSource,
    Channel,
    ComplaintState,
)
from complaints.models import Callback, CaseDocument, CaseNote, Complaint
from complaints.services.callbacks import record_portal_rating
from complaints.services.channels import channel_account
from complaints.services.documents import public_replies
from complaints.services.reviews import request_rereview, request_review
from core.audit import audit_context
from workflow.choices import ClockState
from workflow.clocks import due_text, open_clocks
from workflow.models import Clock

STATUS: dict[str, Promise] = {
    ComplaintState.RECEIVED: _(
        "We have received your matter and will pass it to the unit responsible for it."
    ),
    ComplaintState.ASSIGNED: _(
        "Your matter has been passed to the unit responsible, which is deciding whether to "
        "take it up."
    ),
    ComplaintState.HANDLING: _("The unit responsible has taken up your matter and is handling it."),
    ComplaintState.REPLIED: _(
        "You have been given a written reply. If you disagree with it, you may ask for a review."
    ),
    ComplaintState.REVIEWING: _("Your request for a review is being considered."),
    ComplaintState.REVIEWED: _(
        "The review opinion has been given. If you disagree with it, you may ask for a re-review."
    ),
    ComplaintState.REREVIEWING: _("Your request for a re-review is being considered."),
    ComplaintState.CONCLUDED: _("Your matter is concluded."),
    ComplaintState.REFERRED: _(
        "Your matter belongs to another procedure (a court, arbitration, administrative "
        "reconsideration or a discipline body); the notice below says where to turn."
    ),
    ComplaintState.NOT_ACCEPTED: _("Your matter was not accepted; the notice below says why."),
}

# The deadlines a complainant may hold us to, in their words (DESIGN.md §6).
CLOCK_LABELS: dict[str, Promise] = {
    REGISTER_ROUTE: _("Your matter will be passed to the unit responsible by"),
    **{kind: _("A written reply is due by") for kind in HANDLING_CLOCKS},
    REVIEW_REQUEST: _("You may ask for a review until"),
    REVIEW_OPINION: _("The review opinion is due by"),
    REREVIEW_REQUEST: _("You may ask for a re-review until"),
    REREVIEW_OPINION: _("The re-review opinion is due by"),
}

# The windows the complainant acts in: state, window clock, transition, the field it stamps.
WINDOWS: dict[str, tuple[str, str, str]] = {
    ComplaintState.REPLIED: (REVIEW_REQUEST, "request_review", "review_requested_at"),
    ComplaintState.REVIEWED: (REREVIEW_REQUEST, "request_rereview", "rereview_requested_at"),
}
RATABLE_STATES = (ComplaintState.REPLIED, ComplaintState.REVIEWED, ComplaintState.CONCLUDED)


@dataclass(frozen=True)
class Deadline:
    label: str
    due: str
    paused: bool


def status_text(complaint: Complaint) -> str:
    return str(STATUS.get(complaint.state, ComplaintState(complaint.state).label))


def citizen_deadlines(complaint: Complaint) -> list[Deadline]:
    clocks = open_clocks(complaint, tuple(CLOCK_LABELS)).order_by("due")
    return [
        Deadline(str(CLOCK_LABELS[c.kind]), due_text(c), c.state == ClockState.PAUSED)
        for c in clocks
    ]


def notes_for_complainant(complaint: Complaint) -> QuerySet[CaseNote]:
    # Only the text and the time: the author is staff and is not named to the public.
    return CaseNote.objects.filter(complaint=complaint, for_complainant=True).only(
        "text", "at", "complaint_id"
    )


def replies(complaint: Complaint) -> list[CaseDocument]:
    """The documents delivered to the complainant, as the documents service decides."""
    return list(public_replies(complaint))


def reply_for(complaint: Complaint, pk: int) -> CaseDocument | None:
    return next((d for d in replies(complaint) if d.pk == pk), None)


def window(complaint: Complaint) -> tuple[str, Clock | None] | None:
    """The window the complainant may ask in now (review or re-review): its transition and its
    clock (None when the clock has already been closed by the worker)."""
    found = WINDOWS.get(complaint.state)
    if found is not None:
        kind, transition, _field = found
        return transition, window_clock(complaint, kind)
    if complaint.state == ComplaintState.CONCLUDED and not complaint.concluded_after_rereview:
        # Concluded when a window ran out: say when it ended.
        for kind, transition, _field in reversed(WINDOWS.values()):
            clock = window_clock(complaint, kind)
            if clock is not None:
                return transition, clock
    return None


def window_clock(complaint: Complaint, kind: str) -> Clock | None:
    running = open_clocks(complaint, (kind,)).first()
    if running is not None:
        return running

    content_type = ContentType.objects.get_for_model(Complaint)
    return (
        Clock.objects.filter(content_type=content_type, object_id=complaint.pk, kind=kind)
        .order_by("-started_at")
        .first()
    )


def window_closed(clock: Clock | None, now: dt.datetime) -> bool:
    return clock is not None and (clock.state not in (ClockState.RUNNING,) or now > clock.due)


def portal_rating(complaint: Complaint) -> Callback | None:
    """The complainant's own rating of the latest reply, if they gave one since it was delivered."""
    delivered = [d.delivered_at for d in replies(complaint) if d.delivered_at is not None]
    ratings = Callback.objects.filter(complaint=complaint, source=CallbackSource.PORTAL)
    if delivered:
        ratings = ratings.filter(at__gte=max(delivered))
    return ratings.order_by("-at").first()


def may_rate(complaint: Complaint) -> bool:
    return complaint.state in RATABLE_STATES and portal_rating(complaint) is None


@transaction.atomic
def record_rating(complaint: Complaint, satisfaction: str, solved: bool) -> Any:
    """The complainant's rating, stored as a callback whose source is the portal (the rates
    count it like any other answer; DESIGN.md §6)."""
    user = channel_account(Channel.PORTAL)
    with audit_context(actor=user, source="portal"):
        return record_portal_rating(complaint, satisfaction, solved)


def ask_for_review(
    complaint: Complaint, transition: str, requested_at: dt.datetime, reasons: str
) -> Complaint:
    """Fire the review (Art. 35) or re-review (Art. 36) request as the portal's account, with
    the complainant's reasons."""
    user = channel_account(Channel.PORTAL)
    with audit_context(actor=user, source="portal"):
        ask = request_review if transition == "request_review" else request_rereview
        return ask(complaint, user, requested_at, None, reasons)
