"""Callbacks (回访): after the handling limit or once the complainant holds the answer, someone
other than the handling unit asks the complainant: reached? solved? how satisfied?
(DESIGN.md §6; Beijing regulation on immediate handling of complaints 2021, Art. 32). The
complainant may also rate on the public portal (`record_portal_rating`). The rates are
computed from these raw answers (complaints.services.rates).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import ANSWERED_STATES, HANDLING_CLOCKS, CallbackSource, Satisfaction
from complaints.models import Callback, Complaint, HandlingTask, Respondent
from complaints.services.protection import is_shielded_from
from core.audit import record_change
from core.models import User
from core.observers import observed
from core.scoping import scope_of
from core.validators import in_future
from workflow.models import Clock

# A complaint that went elsewhere or was not accepted gets no callback on its handling.
NO_CALLBACK_STATES = ("referred", "not_accepted")


class CallbackRefused(PermissionDenied):
    """The user may not make this callback (e.g. they belong to the handling unit)."""

    code = "callback_refused"


def late_handling_clocks(now: dt.datetime) -> QuerySet[Clock]:
    """Handling clocks (60 days or a 12345 limit) of the outer complaint whose due time passed."""
    return Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=OuterRef("pk"),
        kind__in=HANDLING_CLOCKS,
        due__lt=now,
    )


def is_callback_due(complaint: Complaint, now: dt.datetime | None = None) -> bool:
    """After the handling limit, or once the complainant holds the written answer."""
    now = now or timezone.now()
    if complaint.state in NO_CALLBACK_STATES:
        return False
    if complaint.state in ANSWERED_STATES:
        return True
    return Complaint.objects.filter(Exists(late_handling_clocks(now)), pk=complaint.pk).exists()


def callbacks_due(user: User, now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """Complaints in the user's scope that need a callback: past the handling limit or answered,
    and nobody has reached the complainant yet. Complaints the user's unit handles or is named in
    are left out: a unit does not call back on its own work or on a complaint about itself."""
    now = now or timezone.now()
    reached = Callback.objects.filter(complaint=OuterRef("pk"), contacted=True)
    complaints = (
        Complaint.objects.restrict(user, "view")
        .filter(Q(state__in=ANSWERED_STATES) | Exists(late_handling_clocks(now)))
        .exclude(state__in=NO_CALLBACK_STATES)
        .exclude(Exists(reached))
    )
    own_units = scope_of(user).department_ids
    if own_units:
        # Neither the units handling the complaint nor the unit it is about call the complainant.
        tasked = HandlingTask.objects.filter(department_id__in=own_units).values("complaint_id")
        named = Respondent.objects.filter(department_id__in=own_units).values("complaint_id")
        complaints = complaints.exclude(department_id__in=own_units).exclude(pk__in=tasked)
        complaints = complaints.exclude(pk__in=named)
    return complaints.annotate(attempts=Count("callbacks")).order_by("received_at", "pk")


def handling_units(complaint: Complaint) -> set[int]:
    """The lead unit and every unit with a task on the complaint."""
    units = set(
        HandlingTask.objects.filter(complaint=complaint).values_list("department_id", flat=True)
    )
    if complaint.department_id:
        units.add(complaint.department_id)
    return units


def refusal(user: User, complaint: Complaint) -> str | None:
    """Why `user` may not call back on `complaint`, or None."""

    if not user.has_perm("complaints.add_callback"):
        return _("You may not record callbacks.")
    if not Complaint.objects.restrict(user, "view").filter(pk=complaint.pk).exists():
        return _("This case is outside your scope.")
    if scope_of(user).department_ids & handling_units(complaint):
        return _(
            "You belong to a unit handling this case. The callback must be made by someone "
            "outside the handling unit (for example the letters-and-visits office)."
        )
    if is_shielded_from(user, complaint):
        return _("You may not contact the complainant on this case.")
    return None


def clean_answers(contacted: bool, solved: bool | None, satisfaction: str) -> dict[str, Any]:
    """Reached: solved and a grade are required. Not reached: there is nothing to record."""
    if not contacted:
        return {"contacted": False, "solved": None, "satisfaction": ""}
    errors = {}
    if solved is None:
        errors["solved"] = _("Say whether the matter is solved.")
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = _("Choose the complainant's satisfaction grade.")
    if errors:
        raise ValidationError(errors)
    return {"contacted": True, "solved": solved, "satisfaction": satisfaction}


def _check_time(complaint: Complaint, at: dt.datetime) -> None:
    if in_future(at):
        raise ValidationError({"at": _("A callback cannot be in the future.")})
    if at < complaint.received_at:
        raise ValidationError({"at": _("A callback cannot be before the case was received.")})


def _caller_unit(user: User) -> int | None:
    units = sorted(scope_of(user).department_ids)
    return units[0] if units else None


def record_callback(
    complaint: Complaint,
    user: User,
    *,
    contacted: bool,
    solved: bool | None = None,
    satisfaction: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> Callback:
    """Record one callback by `user` (someone outside the handling unit); audited."""
    answers = clean_answers(contacted, solved, satisfaction)
    at = at or timezone.now()
    with transaction.atomic():
        stored = Complaint.objects.select_for_update().get(pk=complaint.pk)
        reason = refusal(user, stored)
        if reason is not None:
            raise CallbackRefused(reason)
        if not is_callback_due(stored):
            raise ValidationError(
                _("A callback comes after the handling limit or once the answer is delivered.")
            )
        _check_time(stored, at)
        with observed(stored):
            callback = Callback.objects.create(
                complaint=stored, source=CallbackSource.CALLBACK, called_by=user,
                caller_unit_id=_caller_unit(user), at=at, note=note.strip(), **answers,
            )  # fmt: skip
        record_change(callback, None)
    return callback


def record_portal_rating(
    complaint: Complaint, satisfaction: str, solved: bool | None, note: str = ""
) -> Callback:
    """The complainant's own rating on the public portal (no user): counts as reached."""
    answers = clean_answers(True, solved, satisfaction)
    with transaction.atomic():
        stored = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if not is_callback_due(stored):
            raise ValidationError(_("The case can be rated once you have the answer."))
        with observed(stored):
            callback = Callback.objects.create(
                complaint=stored, source=CallbackSource.PORTAL, at=timezone.now(),
                note=note.strip(), **answers,
            )  # fmt: skip
        record_change(callback, None)
    return callback
