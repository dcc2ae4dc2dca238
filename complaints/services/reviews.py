"""Review (复查) and re-review (复核): the complainant's requests, the hearing pause, and the
closing of windows nobody used.

Letters and Visits Regulations 2022:
- Art. 35: a complainant who disagrees with the written opinion may ask for review within
  30 days of receiving it; the review opinion is due within 30 days of receiving the request.
- Art. 36: within 30 days of receiving the review opinion the complainant may ask for
  re-review; the re-review opinion is due within 30 days, and the time of a hearing is not
  counted (the complaints.rereview_opinion clock is paused while the hearing runs).
- A window that ends unused leaves the last opinion standing: the complaint is concluded
  (`close_expired_windows`, a periodic worker job).

A request is dated when it was received (a letter posted on the last day counts); the machine's
condition `_within` refuses one dated after the window's end, naming that end.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import REREVIEW_OPINION, REREVIEW_REQUEST, REVIEW_REQUEST, ComplaintState
from complaints.models import Complaint, ComplaintOriginal
from complaints.services.documents import DocumentRefused
from core.audit import audit_context, record_change, snapshot
from core.models import User
from core.validators import in_future
from workflow.choices import ClockState
from workflow.clocks import due_text
from workflow.engine import fire
from workflow.errors import InvalidState, WorkflowError
from workflow.models import Clock

logger = logging.getLogger("civicdesk.complaints")

# The windows a complainant asks in: the state it is open in, its clock, the stamped field.
WINDOWS = {
    "review": (ComplaintState.REPLIED, REVIEW_REQUEST, "review_requested_at", "request_review"),
    "rereview": (
        ComplaintState.REVIEWED,
        REREVIEW_REQUEST,
        "rereview_requested_at",
        "request_rereview",
    ),
}
# The account the window job concludes complaints as (see `window_account`).
WINDOW_ACCOUNT = "system:complaint-windows"
WINDOW_ACCOUNT_ROLE = "citizen_channel"


def window_clock(complaint: Complaint, kind: str) -> Clock | None:
    """The latest clock of `kind` on the complaint, open or not (a closed window still has an
    end)."""
    content_type = ContentType.objects.get_for_model(Complaint)
    return (
        Clock.objects.filter(content_type=content_type, object_id=complaint.pk, kind=kind)
        .order_by("-started_at", "-pk")
        .first()
    )


def window_end(complaint: Complaint, which: str) -> dt.datetime | None:
    clock = window_clock(complaint, WINDOWS[which][1])
    return clock.due if clock is not None else None


def _clean_requested_at(complaint: Complaint, requested_at: dt.datetime | None) -> dt.datetime:
    requested_at = requested_at or timezone.now()
    if timezone.is_naive(requested_at):
        requested_at = timezone.make_aware(requested_at)
    if in_future(requested_at):
        raise DocumentRefused("requested_in_future", _("A request cannot be dated in the future."))
    return requested_at


@transaction.atomic
def _ask(
    which: str,
    complaint: Complaint,
    user: User,
    requested_at: dt.datetime | None,
    expected_version: int | str | None,
    reasons: str = "",
) -> Complaint:
    state, clock_kind, field, transition = WINDOWS[which]
    requested_at = _clean_requested_at(complaint, requested_at)
    stored = Complaint.objects.get(pk=complaint.pk)
    if stored.state != state:
        raise _not_open(stored, which, clock_kind)
    clock = window_clock(stored, clock_kind)
    if clock is not None and requested_at < clock.started_at:
        raise DocumentRefused(
            "requested_before_delivery",
            _("The request is dated before the opinion was delivered."),
        )
    data = {field: requested_at, **review_body(stored, which)}
    # The machine's condition (_within) refuses a request dated after the window's end.
    asked = fire(transition, stored, user, data, expected_version)
    if reasons.strip():
        keep_reasons(asked, f"{which}_reasons", reasons.strip())
    return asked


def keep_reasons(complaint: Complaint, field: str, reasons: str) -> None:
    """Store the complainant's reasons with their original material (protected, Arts 30, 46),
    audited as a change of it."""
    original, created = ComplaintOriginal.objects.get_or_create(complaint=complaint)
    before = None if created else snapshot(original)
    setattr(original, field, reasons)
    original.save(update_fields=[field])
    record_change(original, before)


def review_body(complaint: Complaint, which: str) -> dict[str, Any]:
    """Where the request goes: Art. 35, a review to the superior administrative organ of the
    unit that gave the opinion; Art. 36, a re-review to the superior of the reviewing organ. The
    case moves to that organ (its staff are told and draft the answer); the unit it leaves is
    recorded so it neither drafts, approves nor is given the review (no handler is kept)."""
    reviewed = complaint.department
    superior = reviewed.superior if reviewed is not None else None
    if superior is None:
        raise DocumentRefused(
            "no_superior_organ",
            _(
                "No superior organ is recorded for %(unit)s, so the request cannot be sent to "
                "the body that decides it. An administrator records the superior organ on the "
                "department's page; then register the request again."
            )
            % {"unit": reviewed or "—"},
        )
    left_unit = "opinion_unit" if which == "review" else "review_unit"
    return {"department": superior, left_unit: reviewed, "handler": None}


def _not_open(complaint: Complaint, which: str, clock_kind: str) -> WorkflowError:
    clock = window_clock(complaint, clock_kind)
    # A window closed unused (stopped, not met by a request) still has an end to name.
    if clock is not None and clock.state == ClockState.STOPPED:
        return InvalidState(
            _("The window to ask ended at %(due)s; the case is “%(state)s”.")
            % {"due": due_text(clock), "state": ComplaintState(complaint.state).label},
            state=complaint.state,
            window_end=clock.due.isoformat(),
        )
    wanted = WINDOWS[which][0]
    return InvalidState(
        _("A request can be made while the case is “%(wanted)s”; it is “%(state)s”.")
        % {"wanted": ComplaintState(wanted).label, "state": ComplaintState(complaint.state).label},
        state=complaint.state,
    )


def request_review(
    complaint: Complaint,
    user: User,
    requested_at: dt.datetime | None = None,
    expected_version: int | str | None = None,
    reasons: str = "",
) -> Complaint:
    """Art. 35: review asked within 30 days of receiving the opinion; the review opinion is due
    30 days from the request. `reasons` are the complainant's, kept with the original."""
    return _ask("review", complaint, user, requested_at, expected_version, reasons)


def request_rereview(
    complaint: Complaint,
    user: User,
    requested_at: dt.datetime | None = None,
    expected_version: int | str | None = None,
    reasons: str = "",
) -> Complaint:
    """Art. 36: re-review asked within 30 days of receiving the review opinion."""
    return _ask("rereview", complaint, user, requested_at, expected_version, reasons)


def hold_hearing(
    complaint: Complaint, user: User, reason: str = "", expected_version: int | str | None = None
) -> Complaint:
    """Art. 36: the hearing's time is not counted; the re-review opinion clock pauses."""
    data = {"pause_reason": reason.strip()} if reason.strip() else {}
    return fire("hold_hearing", complaint, user, data, expected_version)


def end_hearing(
    complaint: Complaint, user: User, expected_version: int | str | None = None
) -> Complaint:
    """The clock runs again; its due time moves later by the days the hearing took."""
    return fire("end_hearing", complaint, user, {}, expected_version)


def hearing_in_progress(complaint: Complaint) -> bool:
    clock = window_clock(complaint, REREVIEW_OPINION)
    return clock is not None and clock.state == ClockState.PAUSED


# Closing windows nobody used


def window_account() -> User:
    """The account the window job acts as. It is nobody's login (no usable password), reaches
    every region (a job closes windows everywhere) and holds only the public channel's role:
    it may conclude a complaint, never read a complainant's identity. The audit entries it writes
    say source "review_window"."""
    user, created = User.objects.get_or_create(
        username=WINDOW_ACCOUNT,
        defaults={"unlimited_scope": True, "first_name": "Review windows"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=WINDOW_ACCOUNT_ROLE))
    return user


def expired_window_complaints(now: dt.datetime) -> list[tuple[int, str]]:
    """(id, state) of complaints whose review or re-review window ended before `now` unused."""
    content_type = ContentType.objects.get_for_model(Complaint)
    found = []
    for state, kind, _field, _transition in WINDOWS.values():
        ended = Clock.objects.filter(
            content_type=content_type, kind=kind, state=ClockState.RUNNING, due__lte=now
        ).values_list("object_id", flat=True)
        ids = Complaint.objects.filter(pk__in=list(ended), state=state).values_list("pk", flat=True)
        found += [(pk, str(state)) for pk in ids]
    return sorted(found)


def close_expired_windows(now: dt.datetime | None = None) -> int:
    """Conclude every complaint whose request window ended unused; returns how many. Safe to run
    twice or in two workers at once: each complaint is concluded by a compare-and-set on its
    version, and a complaint someone moved meanwhile (a late-registered request) is left alone."""
    now = now or timezone.now()
    account = window_account()
    closed = 0
    with audit_context(actor=account, source="review_window"):
        for pk, state in expired_window_complaints(now):
            if _conclude(pk, state, account):
                closed += 1
    return closed


def _conclude(pk: int, state: str, account: User) -> bool:
    try:
        with transaction.atomic():
            complaint = Complaint.objects.get(pk=pk)
            if complaint.state != state:
                return False
            fire("conclude", complaint, account)
    except WorkflowError as error:  # moved or concluded meanwhile: nothing to do
        logger.info("window of complaint %s not closed: %s", pk, error.code)
        return False
    return True
