"""The risk point list; its columns are also those of the CSV/XLSX export."""

from __future__ import annotations

import django_tables2 as tables

from core.tables import ChoiceBadgeColumn, DirectoryTable
from hazards.choices import RiskColour
from hazards.models import RiskPoint


class RiskPointTable(DirectoryTable):
    name = tables.Column(linkify=True)
    premises = tables.Column(order_by=("premises__name",))
    region = tables.Column(order_by=("region__path",))
    live_colour = ChoiceBadgeColumn(choices=RiskColour)
    assessed_colour = ChoiceBadgeColumn(choices=RiskColour)
    band_set = tables.Column(orderable=False)

    class Meta(DirectoryTable.Meta):
        model = RiskPoint
        fields = (
            "name",
            "premises",
            "region",
            "location",
            "live_colour",
            "assessed_colour",
            "method",
            "likelihood",
            "exposure",
            "consequence",
            "severity",
            "score",
            "band_set",
            "assessed_at",
        )
