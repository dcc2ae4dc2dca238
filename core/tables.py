"""List tables for the directory. Their columns are also the columns of the CSV/XLSX exports."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.choices import PremisesStatus
from core.models import (
    AuditEntry,
    Department,
    Licence,
    LicenceType,
    Premises,
    Region,
    Responsibility,
    Sector,
    User,
)
from core.roles import name_of
from core.times import DeadlineField, value_text


class DirectoryTable(tables.Table):
    """Responsive Bootstrap markup; the export uses the same columns minus `exclude_from_export`."""

    class Meta:
        template_name = "django_tables2/bootstrap5-responsive.html"
        attrs = {"class": "table table-sm table-striped table-hover align-middle"}
        empty_text = _("Nothing found.")


class ChoiceBadgeColumn(tables.Column):
    """A choice shown as a coloured badge in HTML and as its label in exports."""

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        self.choices = choices
        super().__init__(*args, **kwargs)

    def render(self, value: str, record: Any, bound_column: Any) -> str:
        # django-tables2 passes the display label as `value` for choice fields: the colour
        # is looked up by the stored value, read from the record itself.
        stored = bound_column.accessor.resolve(record)
        label = getattr(record, f"get_{bound_column.accessor}_display")()
        colour = self.choices.colour_of(stored)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)

    def value(self, record: Any, bound_column: Any, **kwargs: Any) -> str:
        return str(getattr(record, f"get_{bound_column.accessor}_display")())


# django-tables2's pager words: its catalogs carry no Traditional Chinese for them, ours do.
PAGER_WORDS = (gettext_noop("previous"), gettext_noop("next"))


class MomentColumn(tables.Column):
    """A date-time as people read it (core.times), the same on the page and in the export; a
    deadline reads 24:00 of its last day. Registered for every DateTimeField in CoreConfig."""

    def __init__(self, *args: Any, deadline: bool = False, **kwargs: Any) -> None:
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    @classmethod
    def from_field(cls, field: Any, **kwargs: Any) -> MomentColumn | None:
        if isinstance(field, models.DateTimeField):
            return cls(deadline=isinstance(field, DeadlineField), **kwargs)
        return None

    def render(self, value: Any) -> Any:
        return value_text(value, deadline=self.deadline)

    def value(self, value: Any, **kwargs: Any) -> Any:
        return value_text(value, deadline=self.deadline)


class NamesColumn(tables.ManyToManyColumn):
    """Many-to-many names, comma-separated in both HTML and exports."""

    def transform(self, obj: Any) -> str:
        return name_of(obj)

    def value(self, value: Any, **kwargs: Any) -> str:
        return ", ".join(name_of(item) for item in self.filter(value))


class RegionTable(DirectoryTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    level = tables.Column()
    parent = tables.Column(order_by=("parent__path",))

    class Meta(DirectoryTable.Meta):
        model = Region
        fields = ("code", "name", "level", "parent")
        order_by = ("code",)


class SectorTable(DirectoryTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    parent = tables.Column()

    class Meta(DirectoryTable.Meta):
        model = Sector
        fields = ("code", "name", "parent")


class LicenceTypeTable(DirectoryTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta(DirectoryTable.Meta):
        model = LicenceType
        fields = ("code", "name")


class DepartmentTable(DirectoryTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    region = tables.Column(order_by=("region__path",))
    sectors = NamesColumn(orderable=False)

    class Meta(DirectoryTable.Meta):
        model = Department
        fields = ("code", "name", "region", "superior", "sectors", "supervises_all", "phone")


class PremisesTable(DirectoryTable):
    name = tables.Column(linkify=True)
    credit_code = tables.Column()
    status = ChoiceBadgeColumn(choices=PremisesStatus)
    sector = tables.Column(order_by=("sector__path",))
    region = tables.Column(order_by=("region__path",))

    class Meta(DirectoryTable.Meta):
        model = Premises
        fields = (
            "name",
            "credit_code",
            "status",
            "sector",
            "region",
            "address",
            "contact_name",
            "contact_phone",
        )


class UserTable(DirectoryTable):
    # A login name is a credential, not words: readers and translators leave it as it is.
    username = tables.Column(linkify=True, attrs={"td": {"translate": "no"}})
    groups = NamesColumn(verbose_name=_("roles"), orderable=False)
    regions = NamesColumn(orderable=False)

    class Meta(DirectoryTable.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "groups", "regions", "is_active")


class AuditEntryTable(DirectoryTable):
    seq = tables.Column()
    actor_label = tables.Column(
        verbose_name=_("Actor"), accessor="actor_name", order_by=("actor_label",)
    )
    source = tables.Column(verbose_name=_("Source"), accessor="source_label", order_by=("source",))
    timestamp = tables.DateTimeColumn(format="Y-m-d H:i:s")
    action = tables.Column(verbose_name=_("Action"))
    content_type = tables.Column(verbose_name=_("object type"), order_by=("content_type__model",))

    class Meta(DirectoryTable.Meta):
        model = AuditEntry
        fields = (
            "seq",
            "timestamp",
            "actor_label",
            "source",
            "action",
            "content_type",
            "object_id",
            "object_repr",
            "request_id",
        )


def licence_action_links(record: Licence, user: User) -> str:
    """Edit and delete buttons that bring the user back to the premises page."""
    back = record.premises.get_absolute_url()
    links = [
        format_html(
            '<a class="btn btn-sm btn-outline-{}" href="{}?return_url={}">{}</a>',
            style,
            reverse(f"core:licence_{action}", args=[record.pk]),
            back,
            label,
        )
        for action, style, label in (
            ("edit", "primary", _("Edit")),
            ("delete", "danger", _("Delete")),
        )
        if user.has_perm(f"core.{'change' if action == 'edit' else action}_licence")
    ]
    return format_html_join(" ", "{}", ((link,) for link in links))


class LicenceTable(DirectoryTable):
    number = tables.Column()
    licence_type = tables.Column()
    premises = tables.Column(linkify=True)
    actions = tables.Column(
        verbose_name="", empty_values=(), orderable=False, exclude_from_export=True
    )

    class Meta(DirectoryTable.Meta):
        model = Licence
        fields = ("number", "licence_type", "premises", "issued_by", "valid_from", "valid_until")

    def render_actions(self, record: Licence) -> str:
        return licence_action_links(record, self.request.user)


class ResponsibilityTable(DirectoryTable):
    holder = tables.Column(verbose_name=_("holder"), empty_values=(), orderable=False)

    class Meta(DirectoryTable.Meta):
        model = Responsibility
        fields = ("kind", "holder", "licence", "is_lead", "derived", "valid_from", "valid_until")

    def render_holder(self, record: Responsibility) -> str:
        return str(record.region or record.department or "")
