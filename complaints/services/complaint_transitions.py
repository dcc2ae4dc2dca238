"""The complaint machine's door (`Machine.door`): every step on a complaint, from a page or the
API, comes through `fire_complaint_transition` (via workflow.engine.perform).

The engine (workflow.engine.fire) checks roles, scope, state, version, the machine's guards
(the unit complained about never acts, the lead unit's own acts) and conditions. What it
cannot know is which related rows the caller may name: a unit or a handler is posted as an id,
so it is looked up here among the rows the user may see (a unit outside the scope, or a handler
who is not staff of the lead unit, is refused with a message, never a database error). Steps
that keep records beside the state go through their service in complaints.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import ForeignKey, Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from complaints.machines.complaints import COMPLAINT, unit_staff
from complaints.models import Complaint
from complaints.services import handling, reviews
from core.models import User
from workflow.engine import check_inputs, fire, step_of
from workflow.errors import MissingFields, PreconditionFailed
from workflow.machine import Files


def choices_for(complaint: Complaint, user: User, field: ForeignKey) -> QuerySet:
    """The rows a transition's related field may name."""
    model = field.related_model
    if model is User:
        # A handler is one of the lead unit's staff: nobody outside the unit handles its complaint.
        return unit_staff(complaint)  # type: ignore[return-value]
    manager = model._default_manager  # type: ignore[union-attr]
    return manager.restrict(user, "view") if hasattr(manager, "restrict") else manager.all()


def resolve_references(complaint: Complaint, user: User, name: str, data: dict[str, Any]) -> dict:
    """`data` with the ids of related fields replaced by rows the user may name."""
    resolved = dict(data)
    for field_name in step_of(COMPLAINT, name).fields:
        field = Complaint._meta.get_field(field_name)
        value = resolved.get(field_name)
        if not isinstance(field, ForeignKey) or value in (None, "") or isinstance(value, Model):
            continue
        row = _lookup(choices_for(complaint, user, field), value)
        if row is None:
            raise PreconditionFailed(
                _("%(field)s: no such choice.") % {"field": field.verbose_name},
                fields=[field_name],
            )
        resolved[field_name] = row
    return resolved


def _lookup(rows: QuerySet, value: Any) -> Model | None:
    try:
        return rows.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


# Written opinions move the complaint when their delivery is recorded on the document (date,
# method, proof: the review windows run from it, Arts 35-36), never by a bare button.
DELIVERED_WITH_A_DOCUMENT = (
    "deliver_opinion",
    "deliver_review_opinion",
    "deliver_rereview_opinion",
)


def fire_complaint_transition(
    name: str,
    complaint: Complaint,
    user: User,
    data: dict[str, Any],
    version: Any,
    files: Files | None = None,
) -> Complaint:
    """Fire `name` on the complaint with `data` posted by a page or an API client. Steps that keep
    records beside the state (a transfer and its count, a referral or extension notice, a
    review request's date checks) go through their service; the rest straight to the engine."""
    if name in DELIVERED_WITH_A_DOCUMENT:
        raise PreconditionFailed(
            _("Record the delivery on the written opinion itself (its date, method and proof).")
        )
    resolved = resolve_references(complaint, user, name, data)
    step = SERVICES.get(name)
    if step is None:
        return fire(name, complaint, user, resolved, version, files)  # type: ignore[return-value]
    accepted, service = step
    check_inputs(resolved, accepted)
    return service(complaint, user, resolved, version)


def _text(data: dict[str, Any], key: str) -> str:
    return str(data.get(key) or "")


def _moment(data: dict[str, Any], key: str) -> dt.datetime | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is None:
        raise PreconditionFailed(
            _("%(field)s: not a date and time.") % {"field": key}, fields=[key]
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _days(data: dict[str, Any]) -> int:
    try:
        return int(data.get("extension_days") or 0)
    except (TypeError, ValueError):
        raise PreconditionFailed(
            _("Give the extension in whole days."), fields=["extension_days"]
        ) from None


def _route(complaint: Complaint, user: User, data: dict[str, Any], version: Any) -> Complaint:
    summary = data.get("summary") or None
    return handling.route(complaint, user, data.get("department"), summary, _text(data,
    "routing_note"),
                          version)  # fmt: skip


def _transfer(complaint: Complaint, user: User, data: dict[str, Any], version: Any) -> Complaint:
    if data.get("department") is None:
        raise MissingFields(fields=["department"])
    return handling.transfer(complaint, user, data["department"], _text(data, "reason"), version)


def _object_remit(
    complaint: Complaint, user: User, data: dict[str, Any], version: Any
) -> Complaint:
    return handling.object_to_remit(complaint, user, _text(data, "objection_reason"), version)


def _accept(complaint: Complaint, user: User, data: dict[str, Any], version: Any) -> Complaint:
    return handling.accept(complaint, user, data.get("handler"), version)


def _refer(complaint: Complaint, user: User, data: dict[str, Any], version: Any) -> Complaint:
    body, reason = _text(data, "referral_body"), _text(data, "referral_reason")
    return handling.refer(complaint, user, body, reason, version)


def _extend(complaint: Complaint, user: User, data: dict[str, Any], version: Any) -> Complaint:
    return handling.extend(complaint, user, _days(data), _text(data, "extension_reason"), version)


def _request_review(
    complaint: Complaint, user: User, data: dict[str, Any], version: Any
) -> Complaint:
    return reviews.request_review(
        complaint, user, _moment(data, "review_requested_at"), version, _text(data, "reasons")
    )


def _request_rereview(
    complaint: Complaint, user: User, data: dict[str, Any], version: Any
) -> Complaint:
    return reviews.request_rereview(
        complaint, user, _moment(data, "rereview_requested_at"), version, _text(data, "reasons")
    )


def _hold_hearing(
    complaint: Complaint, user: User, data: dict[str, Any], version: Any
) -> Complaint:
    return reviews.hold_hearing(complaint, user, _text(data, "pause_reason"), version)


Service = Callable[[Complaint, Any, dict[str, Any], Any], Complaint]
# Each step with a service: the keys of `data` it reads, and the service.
SERVICES: dict[str, tuple[tuple[str, ...], Service]] = {
    "route": (("department", "summary", "routing_note"), _route),
    "transfer": (("department", "reason"), _transfer),
    "object_remit": (("objection_reason",), _object_remit),
    "accept": (("handler",), _accept),
    "refer": (("referral_body", "referral_reason"), _refer),
    "extend": (("extension_days", "extension_reason"), _extend),
    "request_review": (("review_requested_at", "reasons"), _request_review),
    "request_rereview": (("rereview_requested_at", "reasons"), _request_rereview),
    "hold_hearing": (("pause_reason",), _hold_hearing),
}
