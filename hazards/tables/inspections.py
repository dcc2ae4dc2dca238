"""List table of inspections (also the inspection ledger's columns in exports)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ChoiceBadgeColumn, DirectoryTable
from hazards.choices import InspectionKind, InspectionState
from hazards.models import Inspection


class StateColumn(tables.Column):
    """The workflow state (a plain column on stateful models) as a coloured, translated badge."""

    def render(self, value: str) -> str:
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            InspectionState.colour_of(value),
            state_label(value),
        )

    def value(self, value: str) -> str:
        return state_label(value)


def state_label(value: str) -> str:
    return str(InspectionState(value).label) if value in InspectionState.values else value


class InspectionTable(DirectoryTable):
    id = tables.Column(linkify=True, verbose_name=_("No."))
    premises = tables.Column(order_by=("premises__name",))
    state = StateColumn()
    kind = ChoiceBadgeColumn(choices=InspectionKind)
    template = tables.Column(verbose_name=_("checklist"), orderable=False)
    region = tables.Column(order_by=("region__path",))

    class Meta(DirectoryTable.Meta):
        model = Inspection
        fields = (
            "id",
            "premises",
            "state",
            "kind",
            "template",
            "inspector",
            "region",
            "planned_on",
            "started_at",
            "completed_at",
            "score",
            "failed_count",
            "representative_name",
        )
