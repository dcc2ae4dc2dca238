"""List tables of hazards and listings; their columns are also the exports' columns."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ChoiceBadgeColumn, DirectoryTable, MomentColumn
from hazards.choices import HazardGrade, HazardState, ListingState
from hazards.models import Hazard, HazardListing


class StateColumn(tables.Column):
    """A machine state as a coloured badge (the state field itself carries no choices)."""

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        self.choices = choices
        self.labels = dict(choices.choices)
        super().__init__(*args, **kwargs)

    def render(self, value: str) -> str:
        colour = self.choices.colour_of(value)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, self.value(value))

    def value(self, value: str, **kwargs: Any) -> str:
        return str(self.labels.get(value, value))


class HazardTable(DirectoryTable):
    number = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    premises = tables.Column(order_by=("premises__name",))
    grade = ChoiceBadgeColumn(choices=HazardGrade)
    state = StateColumn(choices=HazardState)
    found_at = MomentColumn()
    rectify_by = MomentColumn(deadline=True, verbose_name=_("Rectify by"))
    region = tables.Column(order_by=("region__path",))

    class Meta(DirectoryTable.Meta):
        model = Hazard
        fields = (
            "number",
            "title",
            "premises",
            "grade",
            "state",
            "found_at",
            "rectify_by",
            "region",
            "department",
            "source",
        )
        order_by = ("-found_at",)


class HazardListingTable(DirectoryTable):
    number = tables.Column(linkify=True)
    hazard = tables.Column(linkify=True, order_by=("hazard__number",))
    state = StateColumn(choices=ListingState)

    class Meta(DirectoryTable.Meta):
        model = HazardListing
        fields = ("number", "hazard", "level", "office", "listed_on", "deadline", "state")
