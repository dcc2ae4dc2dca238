"""Turning a model instance and its audit entries into rows the generic templates can show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.audit import HIDDEN
from core.models import AuditEntry, User
from core.roles import name_of
from core.scoping import permission_name
from core.times import field_text


@dataclass(frozen=True)
class Link:
    text: str
    url: str = ""


@dataclass(frozen=True)
class DetailRow:
    label: str
    links: list[Link] = field(default_factory=list)
    text: str = ""


def link_to(obj: Any, user: User) -> Link:
    """The record's name, linked to its page only when the viewer may open that page: a link
    that answers 403 or 404 is a dead end, and its number would tell of a record out of scope."""
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return Link(name_of(obj), url if url and may_open(obj, user) else "")


def may_open(obj: Model, user: User) -> bool:
    manager = type(obj)._default_manager
    if hasattr(manager, "restrict"):
        return bool(manager.restrict(user, "view").filter(pk=obj.pk).exists())
    return user.has_perm(permission_name(type(obj), "view"))


def visible_related(obj: Model, name: str, user: User) -> Iterable[Any]:
    """Many-to-many values, limited to the ones the viewer may see themselves."""
    related = getattr(obj, name).all()
    manager = related.model.objects
    if hasattr(manager, "restrict"):
        related = related.filter(pk__in=manager.restrict(user, "view").values("pk"))
    return related


def detail_row(obj: Model, name: str, user: User, label: str = "") -> DetailRow:
    model_field = obj._meta.get_field(name)
    if not isinstance(model_field, Field):
        raise TypeError(f"{name}: a detail row shows a field, not a reverse relation")
    label = label or capfirst(str(model_field.verbose_name))
    if model_field.many_to_many:
        return DetailRow(label, [link_to(item, user) for item in visible_related(obj, name, user)])
    if model_field.is_relation:
        value = getattr(obj, name)
        return DetailRow(label, [link_to(value, user)] if value is not None else [])
    if model_field.choices:
        return DetailRow(label, text=str(getattr(obj, f"get_{name}_display")()))
    value = getattr(obj, name)
    if isinstance(value, bool):
        return DetailRow(label, text=_("Yes") if value else _("No"))
    text = field_text(model_field, value)
    return DetailRow(label, text="" if text is None else str(text))


def detail_rows(
    obj: Model, names: Iterable[str], user: User, labels: dict[str, str] | None = None
) -> list[DetailRow]:
    labels = labels or {}
    return [detail_row(obj, name, user, str(labels.get(name, ""))) for name in names]


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryRow:
    entry: AuditEntry
    changes: list[FieldChange]


def model_field(model: type[Model], key: str) -> Any:
    """Audit entries store attribute names (`region_id`); find the field they belong to."""
    for candidate in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


class RelatedNames:
    """Names for the ids a history shows, limited to rows the viewer may see themselves."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.cache: dict[tuple[type[Model], Any], str] = {}

    def show(self, related_model: type[Model] | None, value: Any) -> Any:
        if related_model is None or value in (None, "", []):
            return value
        if isinstance(value, list):
            return ", ".join(str(self.show(related_model, item)) for item in value)
        key = (related_model, value)
        if key not in self.cache:
            self.cache[key] = self.lookup(related_model, value)
        return self.cache[key]

    def lookup(self, related_model: type[Model], pk: Any) -> str:
        manager = related_model._default_manager
        rows = manager.restrict(self.user, "view") if hasattr(manager, "restrict") else manager
        found = rows.filter(pk=pk).first()
        return f"{found} (#{pk})" if found is not None else f"#{pk}"


def field_change(model: type[Model], key: str, values: list[Any], names: RelatedNames) -> Any:
    changed = model_field(model, key)
    label = capfirst(str(changed.verbose_name)) if changed is not None else key
    related = changed.related_model if changed is not None and changed.is_relation else None
    before, after = (readable(changed, value) for value in values)
    return FieldChange(label, names.show(related, before), names.show(related, after))


def readable(changed: Any, value: Any) -> Any:
    """A stored value as the page shows it elsewhere: a choice by its label, a yes/no in words,
    a date-time local to the minute (a deadline at 24:00 of its last day)."""
    if isinstance(value, str) and value.startswith(HIDDEN):
        return _("[hidden]") + value.removeprefix(HIDDEN)
    if changed is None or value is None or isinstance(value, list):
        return value
    if getattr(changed, "choices", None):
        return dict(changed.flatchoices).get(value, value)
    # A field whose values are named elsewhere (a machine's states) names them itself.
    labels = getattr(changed.model, "value_labels", None)
    named = labels(changed.name) if labels is not None else {}
    if isinstance(value, str) and value in named:
        return named[value]
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return field_text(changed, value)


def history_rows(model: type[Model], entries: Iterable[AuditEntry], user: User) -> list[HistoryRow]:
    names = RelatedNames(user)
    return [
        HistoryRow(
            entry,
            [
                field_change(model, key, values, names)
                for key, values in sorted(entry.changes.items())
            ],
        )
        for entry in entries
    ]
