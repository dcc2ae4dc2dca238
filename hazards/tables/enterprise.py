"""The enterprise statistics list; its columns are also those of the export."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DirectoryTable, MomentColumn
from hazards.models import EnterpriseStatistics


class EnterpriseStatisticsTable(DirectoryTable):
    # EnterpriseStatistics has no get_absolute_url: link to its page by name.
    period = tables.Column(
        verbose_name=_("period"),
        empty_values=(),
        order_by=("year", "quarter"),
        linkify=("hazards:enterprisestatistics_detail", [tables.A("pk")]),
    )
    premises = tables.Column(order_by=("premises__name",))
    signed_at = MomentColumn()

    class Meta(DirectoryTable.Meta):
        model = EnterpriseStatistics
        fields = (
            "period",
            "premises",
            "due_on",
            "due_provisional",
            "inspections",
            "hazards_found",
            "major_found",
            "rectified",
            "open_at_end",
            "major_open_at_end",
            "principal_name",
            "signed_at",
        )
        order_by = ("-year", "-quarter")

    def render_period(self, record: EnterpriseStatistics) -> str:
        return period_label(record)

    def value_period(self, record: EnterpriseStatistics) -> str:
        return period_label(record)


def period_label(record: EnterpriseStatistics) -> str:
    return f"{record.year} Q{record.quarter}" if record.quarter else str(record.year)
