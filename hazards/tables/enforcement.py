"""List table of enforcement documents (also the export's columns)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ChoiceBadgeColumn, DirectoryTable
from hazards.choices import EnforcementKind, EnforcementState
from hazards.models import EnforcementAction


class StateColumn(tables.Column):
    """The state as a coloured badge (StatefulModel.state carries no choices of its own)."""

    def render(self, value: str) -> str:
        label = EnforcementState(value).label if value in EnforcementState.values else value
        colour = EnforcementState.colour_of(value)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)

    def value(self, value: str) -> str:
        return str(EnforcementState(value).label) if value in EnforcementState.values else value


class EnforcementActionTable(DirectoryTable):
    number = tables.Column(linkify=True)
    kind = ChoiceBadgeColumn(choices=EnforcementKind)
    premises = tables.Column(linkify=True, order_by=("premises__name",))
    state = StateColumn()
    region = tables.Column(verbose_name=_("Grid"), order_by=("region__path",))
    department = tables.Column(verbose_name=_("Regulator"))

    class Meta(DirectoryTable.Meta):
        model = EnforcementAction
        fields = (
            "number",
            "kind",
            "premises",
            "state",
            "issued_at",
            "deadline",
            "effective_until",
            "amount",
            "region",
            "department",
        )
        order_by = ("-created",)
