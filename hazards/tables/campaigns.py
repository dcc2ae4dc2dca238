"""List table of campaigns (also the export's columns)."""

from __future__ import annotations

import django_tables2 as tables

from core.tables import DirectoryTable, NamesColumn
from hazards.models import Campaign


class CampaignTable(DirectoryTable):
    name = tables.Column(linkify=True)
    region = tables.Column(order_by=("region__path",))
    sectors = NamesColumn(orderable=False)

    class Meta(DirectoryTable.Meta):
        model = Campaign
        fields = ("name", "organiser", "region", "sectors", "starts_on", "ends_on")
