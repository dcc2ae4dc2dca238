"""The complaint list table; its columns are also the export's columns.

Only the matter is listed: no column reads the complainant's identity or original words, so the
list and its CSV/XLSX are the same for every user who may see the complaint (the unit complained
about included, Letters and Visits Regulations 2022, Arts 30 and 46).
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints.choices import Channel, ComplaintState
from complaints.models import Complaint
from core.tables import ChoiceBadgeColumn, DirectoryTable, MomentColumn
from core.times import deadline_text
from workflow.choices import ClockState
from workflow.models import Clock

LIST_JOINS = ("category", "region", "department")


def with_next_due(
    queryset: QuerySet[Complaint], kinds: tuple[str, ...] | None = None
) -> QuerySet[Any]:
    """Each complaint's soonest running deadline (of `kinds`, else any) and whether it is
    provisional, as two subqueries of the page's one query (no query per row)."""
    running = Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=OuterRef("pk"),
        state=ClockState.RUNNING,
    ).order_by("due")
    if kinds is not None:
        running = running.filter(kind__in=kinds)
    return queryset.annotate(
        next_due=Subquery(running.values("due")[:1]),
        # No running clock: no date, so nothing provisional (the API promises a boolean).
        next_due_provisional=Coalesce(Subquery(running.values("provisional")[:1]), Value(False)),
    )


class ComplaintStateColumn(tables.Column):
    """The machine state as a coloured badge; its label in exports."""

    labels = dict(ComplaintState.choices)

    def render(self, value: str) -> str:
        colour = ComplaintState.colour_of(value)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, self.value(value))

    def value(self, value: str, **kwargs: Any) -> str:
        return str(self.labels.get(value, value))


class DueColumn(tables.Column):
    """The next statutory deadline as people say it (a day limit ends at 24:00); a deadline
    counted without the year's holiday calendar is marked provisional (DESIGN.md §4)."""

    def render(self, value: Any, record: Complaint) -> str:
        text = self.value(value, record)
        if getattr(record, "next_due_provisional", False):
            return format_html(
                '{} <span class="badge text-bg-warning">{}</span>', text, _("provisional")
            )
        return text

    def value(self, value: Any, record: Complaint, **kwargs: Any) -> str:
        if value is None:
            return ""
        return deadline_text(value, provisional=getattr(record, "next_due_provisional", False))


class ComplaintTable(DirectoryTable):
    number = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    state = ComplaintStateColumn()
    channel = ChoiceBadgeColumn(choices=Channel)
    category = tables.Column(order_by=("category__path",))
    region = tables.Column(order_by=("region__path",))
    department = tables.Column(order_by=("department__name",))
    received_at = MomentColumn()
    next_due = DueColumn(verbose_name=_("next deadline"), order_by=("next_due",))
    repeat_count = tables.Column()
    transfer_count = tables.Column()

    class Meta(DirectoryTable.Meta):
        model = Complaint
        fields = (
            "number", "title", "state", "channel", "category", "region", "department",
            "received_at", "next_due", "repeat_count", "transfer_count",
        )  # fmt: skip
        order_by = ("-received_at",)
