"""Turning a model instance and its audit entries into rows the generic templates can show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.models import AuditEntry


@dataclass(frozen=True)
class Link:
    text: str
    url: str = ""


@dataclass(frozen=True)
class DetailRow:
    label: str
    links: list[Link] = field(default_factory=list)
    text: str = ""


def link_to(obj: Any) -> Link:
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return Link(str(obj), url)


def visible_related(obj: Model, name: str, user: Any) -> Iterable[Any]:
    """Many-to-many values, limited to the ones the viewer may see themselves."""
    related = getattr(obj, name).all()
    manager = related.model.objects
    if hasattr(manager, "restrict"):
        related = related.filter(pk__in=manager.restrict(user, "view").values("pk"))
    return related


def detail_row(obj: Model, name: str, user: Any) -> DetailRow:
    model_field = obj._meta.get_field(name)
    label = capfirst(str(model_field.verbose_name))
    if model_field.many_to_many:
        return DetailRow(label, [link_to(item) for item in visible_related(obj, name, user)])
    if model_field.is_relation:
        value = getattr(obj, name)
        return DetailRow(label, [link_to(value)] if value is not None else [])
    if model_field.choices:
        return DetailRow(label, text=str(getattr(obj, f"get_{name}_display")()))
    value = getattr(obj, name)
    if isinstance(value, bool):
        return DetailRow(label, text=_("Yes") if value else _("No"))
    return DetailRow(label, text="" if value is None else str(value))


def detail_rows(obj: Model, names: Iterable[str], user: Any) -> list[DetailRow]:
    return [detail_row(obj, name, user) for name in names]


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryRow:
    entry: AuditEntry
    changes: list[FieldChange]


def field_label(model: type[Model], key: str) -> str:
    """Audit entries store attribute names (`region_id`); show the field's own label."""
    for candidate in (key, key.removesuffix("_id")):
        try:
            return capfirst(str(model._meta.get_field(candidate).verbose_name))
        except FieldDoesNotExist:
            continue
    return key


def history_rows(model: type[Model], entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    return [
        HistoryRow(
            entry,
            [
                FieldChange(field_label(model, key), before, after)
                for key, (before, after) in sorted(entry.changes.items())
            ],
        )
        for entry in entries
    ]
