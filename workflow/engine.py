"""`fire`: the one way a stateful record changes state; `perform`: the one door to it.

In one transaction `fire` checks permission and scope, the source state, the caller's version,
stores the files posted with the step, checks the required fields, attachments and conditions;
then it writes the change with a compare-and-set UPDATE (… WHERE version = n), records the
audit entry, moves the clocks and queues the notifications. Any failure rolls all of it back
(the stored files included) and raises a WorkflowError with a stable code; a record outside the
user's scope is a 404 (core.scoping.NotFound).

`perform` is what the page and the API call: the machine's door (its service) when it names
one, else `fire`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.attachments import store_attachment
from core.audit import record_change, snapshot
from core.models import User
from core.observers import observed
from core.scoping import RestrictedQuerySet, get_restricted
from core.validators import visible_text
from workflow import clocks as clock_service
from workflow.audiences import audience_by_name
from workflow.errors import (
    InvalidState,
    MissingAttachments,
    MissingFields,
    PreconditionFailed,
    TransitionForbidden,
    UnknownTransition,
    VersionConflict,
)
from workflow.machine import Files, Machine, StartClock, Transition, machine_for
from workflow.models.stateful import StatefulModel
from workflow.notifications import notify

# Keys of `data` the engine itself reads, beside the transition's own fields.
ENGINE_KEYS = frozenset({"extension_days", "extension_reason", "pause_reason", "comment"})


def _restricted(model: type[models.Model]) -> RestrictedQuerySet:
    return model._default_manager.all()  # type: ignore[return-value]


def has_role(user: User, roles: tuple[str, ...]) -> bool:
    if user.is_superuser or not roles:
        return True
    return user.groups.filter(name__in=roles).exists()


def may_fire(transition: Transition, obj: models.Model, user: User) -> bool:
    """What the UI asks before offering a button (fire() checks again, with the row)."""
    if obj.state not in transition.source or not has_role(user, transition.roles):  # type: ignore[attr-defined]
        return False
    if not _restricted(type(obj)).restrict(user, transition.action).filter(pk=obj.pk).exists():
        return False
    return _refusal_by_guard(machine_for(obj), transition, obj, user) is None


def _refusal_by_guard(machine: Machine, transition: Transition, obj: Any, user: User) -> Any:
    for guard in (*machine.guards, *transition.guards):
        message = guard(obj, user)
        if message:
            return message
    return None


def available_transitions(obj: models.Model, user: User) -> list[Transition]:
    machine = machine_for(obj)
    return [t for t in machine.leaving(obj.state) if may_fire(t, obj, user)]  # type: ignore[attr-defined]


def _check_permission(
    machine: Machine, transition: Transition, obj: models.Model, user: User
) -> None:
    rows = _restricted(type(obj))
    get_restricted(rows, user, "view", obj.pk)
    # A guard names who may never act and why (the unit complained about), so it speaks first.
    refusal = _refusal_by_guard(machine, transition, obj, user)
    if refusal:
        raise TransitionForbidden(refusal)
    if not has_role(user, transition.roles):
        raise TransitionForbidden()
    if not rows.restrict(user, transition.action).filter(pk=obj.pk).exists():
        raise TransitionForbidden()


def _apply_data(transition: Transition, obj: models.Model, data: dict[str, Any]) -> list[str]:
    """Copy the transition's fields from `data` onto `obj`; return the attnames written."""
    check_inputs(data, (*transition.fields, *ENGINE_KEYS))
    written = []
    for name in transition.fields:
        if name not in data:
            continue
        field = obj._meta.get_field(name)
        _set_value(obj, field, data[name])
        written.append(field.attname)  # type: ignore[union-attr]
    return written


TEXT_FIELDS = (models.CharField, models.TextField)


def _set_value(obj: models.Model, field: Any, value: Any) -> None:
    if isinstance(value, models.Model):
        setattr(obj, field.name, value)
        return
    try:
        target = field.target_field if field.is_relation else field
        if isinstance(value, str):
            value = visible_text(value)  # invisible-only text is empty: a required field refuses it
        if value == "" and isinstance(field, TEXT_FIELDS) and not field.null:
            setattr(obj, field.attname, "")
            return
        value = None if value in (None, "") else target.to_python(value)
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            # A page's datetime-local input is the user's local time, as a form field reads it.
            value = timezone.make_aware(value)
        setattr(obj, field.attname, value)
    except ValidationError as error:
        raise PreconditionFailed(
            _("%(field)s: %(error)s") % {"field": field.verbose_name, "error": error.messages[0]},
            fields=[field.name],
        ) from error


def _stamp(transition: Transition, obj: models.Model, user: User) -> list[str]:
    written = []
    if transition.stamp_user:
        setattr(obj, transition.stamp_user, user)
        written.append(obj._meta.get_field(transition.stamp_user).attname)  # type: ignore[union-attr]
    if transition.stamp_time:
        setattr(obj, transition.stamp_time, timezone.now())
        written.append(transition.stamp_time)
    return written


def _check_preconditions(
    machine: Machine, transition: Transition, obj: Any, user: User, data: dict[str, Any]
) -> None:
    missing = [name for name in transition.required if getattr(obj, name, None) in (None, "")]
    if transition.extend:
        missing += [key for key in ("extension_days", "extension_reason") if not data.get(key)]
    if missing:
        raise MissingFields(fields=missing)
    absent = [kind for kind in transition.attachments if machine.attachment_count(obj, kind) < 1]
    if absent:
        raise MissingAttachments(attachments=absent)
    for condition in transition.conditions:
        message = condition(obj, user, data)
        if message:
            raise PreconditionFailed(message)


def _write(obj: models.Model, expected_version: int, attnames: list[str], state: str) -> None:
    """Compare-and-set: the UPDATE matches only if nobody wrote since `expected_version`."""
    values = {name: getattr(obj, name) for name in attnames}
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=expected_version)
        .update(**values, state=state, version=F("version") + 1)
    )
    if updated != 1:
        raise VersionConflict()
    obj.state, obj.version = state, expected_version + 1  # type: ignore[attr-defined]


def _move_clocks(
    machine: Machine, transition: Transition, obj: models.Model, user: User, data: dict[str, Any]
) -> None:
    now = timezone.now()
    for clock in clock_service.open_clocks(obj, transition.stop):
        clock_service.stop_clock(clock, at=now, met=True)
    for clock in clock_service.open_clocks(obj, transition.cancel):
        clock_service.stop_clock(clock, at=now, met=False)
    for clock in clock_service.open_clocks(obj, transition.pause):
        clock_service.pause_clock(clock, str(data.get("pause_reason") or transition.label), at=now)
    for clock in clock_service.open_clocks(obj, transition.resume):
        clock_service.resume_clock(clock, at=now)
    if transition.extend:
        for clock in clock_service.open_clocks(obj, (transition.extend,)):
            days = int(data["extension_days"])
            clock_service.extend_clock(clock, days, str(data["extension_reason"]), user)
    for start in transition.start:
        _start(machine, start, obj, now)


def _start(machine: Machine, start: StartClock, obj: models.Model, now: Any) -> None:
    if start.when is not None and not start.when(obj):
        return
    at = getattr(obj, start.anchor) if start.anchor else now
    due = getattr(obj, start.due_field) if start.due_field else None
    kind = getattr(obj, start.kind_field) if start.kind_field else start.kind
    clock_service.start_clock(obj, kind, at=at or now, region=machine.region_of(obj), due=due)


def _notify(transition: Transition, obj: Any, user: User) -> None:
    for rule in transition.notify:
        audience = rule.audience
        people = audience(obj) if callable(audience) else audience_by_name(obj, audience)
        recipients = [person for person in people if person.pk != user.pk]
        notify(
            recipients,
            topic=rule.topic,
            title=f"{transition.label}: {obj}",
            url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
        )


def _check_files(transition: Transition, files: Files) -> None:
    unexpected = sorted(kind for kind, uploads in files.items() if uploads)
    unexpected = [kind for kind in unexpected if kind not in transition.accepted_files]
    if unexpected:
        raise PreconditionFailed(
            _("This action takes no files as: %(kinds)s.") % {"kinds": ", ".join(unexpected)},
            fields=unexpected,
        )


def _store_files(stored: models.Model, user: User, files: Files) -> None:
    """The step's files, attached to the record inside the step's own transaction: a refused
    step keeps no orphan file (core.attachments checks size and content)."""
    for kind, uploads in files.items():
        for upload in uploads:
            store_attachment(subject=stored, upload=upload, kind=kind, user=user)


def step_of(machine: Machine, name: str) -> Transition:
    step = machine.transition(name)
    if step is None:
        raise UnknownTransition(transition=name)
    return step


def perform[Stateful: StatefulModel](
    transition: str,
    obj: Stateful,
    user: User,
    data: dict[str, Any] | None = None,
    expected_version: int | str | None = None,
    files: Files | None = None,
) -> Stateful:
    """The one door of every transition, for pages and API alike: the machine's service (its
    `door`) when it has one, else `fire`. Data keys and files the step does not read are
    refused here, so no input is ever silently dropped by a service."""
    machine = machine_for(obj)
    step = step_of(machine, transition)
    data, files = dict(data or {}), dict(files or {})
    # Who may take the step is answered before a service reads the input (fire asks again).
    _check_permission(machine, step, obj, user)
    check_inputs(data, (*step.fields, *step.inputs, *ENGINE_KEYS))
    _check_files(step, files)
    door = machine.door_function
    if door is None:
        return fire(transition, obj, user, data, expected_version, files)
    return door(transition, obj, user, data, expected_version, files)


def check_inputs(data: dict[str, Any], accepted: Iterable[str]) -> None:
    """Refuse keys of `data` outside `accepted`: a door never drops input silently."""
    unexpected = sorted(set(data) - set(accepted))
    if unexpected:
        raise PreconditionFailed(
            _("This action does not take: %(fields)s.") % {"fields": ", ".join(unexpected)},
            fields=unexpected,
        )


def fire[Stateful: StatefulModel](
    transition: str,
    obj: Stateful,
    user: User,
    data: dict[str, Any] | None = None,
    expected_version: int | str | None = None,
    files: Files | None = None,
) -> Stateful:
    """Fire `transition` on `obj` as `user`; returns the record as now stored.

    `expected_version` is the version the caller showed the user (a form's hidden field, the
    API's `version`); omitted, it is the version on `obj`. `files` are stored as attachments
    of their kind before the step's required attachments are counted.
    """
    data, files = dict(data or {}), dict(files or {})
    machine = machine_for(obj)
    step = step_of(machine, transition)
    _check_files(step, files)
    expected = obj.version if expected_version is None else int(expected_version)
    with transaction.atomic():
        _check_permission(machine, step, obj, user)
        stored = type(obj)._default_manager.get(pk=obj.pk)
        if stored.version != expected:
            raise VersionConflict(current_version=stored.version)
        if stored.state not in step.source:
            raise InvalidState(state=stored.state, transition=step.name)
        before = snapshot(stored)
        attnames = _apply_data(step, stored, data) + _stamp(step, stored, user)
        _store_files(stored, user, files)
        _check_preconditions(machine, step, stored, user, data)
        with observed(stored):
            _write(stored, expected, attnames, step.target or stored.state)
            record_change(stored, before)
            _move_clocks(machine, step, stored, user, data)
        _notify(step, stored, user)
    return stored


def update_versioned[Stateful: StatefulModel](
    user: User,
    obj: Stateful,
    data: dict[str, Any],
    expected_version: int,
    fields: tuple[str, ...],
) -> Stateful:
    """An ordinary edit of a stateful record (no state change), with the same version check."""
    with transaction.atomic():
        stored = get_restricted(_restricted(type(obj)), user, "change", obj.pk)
        before = snapshot(stored)
        edit = Transition("edit", "edit", (stored.state,), stored.state, fields=fields)
        attnames = _apply_data(edit, stored, data)
        with observed(stored):
            _write(stored, int(expected_version), attnames, stored.state)
            record_change(stored, before)
    return stored
