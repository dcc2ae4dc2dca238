"""List table of checklist templates (also the export's columns)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DirectoryTable
from hazards.models import ChecklistTemplate


class ChecklistTemplateTable(DirectoryTable):
    code = tables.Column(linkify=True, attrs={"td": {"translate": "no"}})
    name = tables.Column(linkify=True)
    sector = tables.Column(order_by=("sector__path",))
    item_count = tables.Column(verbose_name=_("items"))
    major_count = tables.Column(verbose_name=_("major-hazard criteria"))

    class Meta(DirectoryTable.Meta):
        model = ChecklistTemplate
        fields = (
            "code",
            "name",
            "version",
            "sector",
            "effective_from",
            "effective_until",
            "item_count",
            "major_count",
        )
