"""A record's story read from the audit log: each entry as a step (state before → after, the
notable fields it set), oldest first. Hazard and complaint pages share it.

The audit log is not scoped per row, so callers pass only records the user may already see;
`related` adds entries of records that belong to the subject (a case's tasks, transfers,
documents) so the steps of the whole matter read as one story. Which models are listed is the
caller's decision: protected records (a complainant's identity) are simply never passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils.functional import Promise

from core.models import AuditEntry
from core.views.presentation import model_field, readable


@dataclass
class TimelineRow:
    entry: AuditEntry
    state_from: str
    state_to: str
    notes: list[tuple[str, str]]
    # What the entry is about when it is not the subject itself ("Handling task", …).
    about: str = ""
    object_repr: str = field(default="")


def field_label(model: type[Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except Exception:  # a field since removed: the log keeps its name
        return name


def _entries_of(subject: Model, related: Iterable[QuerySet]) -> QuerySet[AuditEntry]:
    content_type = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    where = Q(content_type=content_type, object_id=str(subject.pk))
    for rows in related:
        related_type = ContentType.objects.get_for_model(rows.model, for_concrete_model=True)
        ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
        if ids:
            where |= Q(content_type=related_type, object_id__in=ids)
    return AuditEntry.objects.filter(where).select_related("content_type", "actor").order_by("seq")


def timeline(
    subject: Model,
    *,
    states: Mapping[str, str | Promise] | None = None,
    notes: Sequence[str] = (),
    related: Iterable[QuerySet] = (),
) -> list[TimelineRow]:
    """The subject's audit entries (and those of `related` rows), oldest first.

    `states` labels the subject's state values; `notes` names the fields whose new value is
    worth a line under the step (a grade, a deadline, a reason)."""
    labels = dict(states or {})
    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    rows = []
    for entry in _entries_of(subject, related):
        is_subject = entry.content_type_id == subject_type.pk
        model = entry.content_type.model_class() or type(subject)
        rows.append(_row(entry, model, labels if is_subject else {}, notes, is_subject))
    return rows


def _row(
    entry: AuditEntry,
    model: type[Model],
    labels: Mapping[str, Any],
    notes: Sequence[str],
    is_subject: bool,
) -> TimelineRow:
    before, after = entry.changes.get("state", [None, None]) if is_subject else (None, None)
    written = [
        (field_label(model, name), str(readable(model_field(model, name), entry.changes[name][1])))
        for name in notes
        if name in entry.changes and entry.changes[name][1]
    ]
    return TimelineRow(
        entry,
        str(labels.get(str(before), "") or ""),
        str(labels.get(str(after), "") or ""),
        written,
        about="" if is_subject else str(model._meta.verbose_name),
        object_repr=entry.object_repr,
    )
