"""The dashboard's choice of period and area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import RegionLevel
from core.forms import style_for_bootstrap
from core.models import Region, User
from core.scoping import scope_of, within_paths
from reports.dashboard import Period
from reports.periodic import CADENCES, KINDS, ReportPeriod

PERIOD_CHOICES = [
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("custom", _("From – until")),
]
# A custom period longer than this is refused: the trend chart has a point per month.
MAX_PERIOD_MONTHS = 36
MONTH_FORMAT = "%Y-%m"


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(format=MONTH_FORMAT)


class MonthField(forms.DateField):
    """A calendar month (YYYY-MM), as the first day of it: the dashboards count by month."""

    widget = MonthInput
    input_formats = [MONTH_FORMAT]


class AreaForm(forms.Form):
    """A form with an `area` field offering the areas the user's figures can be narrowed to;
    `today` is the day the periods are measured from."""

    def __init__(self, *args: Any, user: User, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        # Only places the user may see: choosing another one is "not a valid choice".
        self.areas = area.queryset = report_areas(user)
        style_for_bootstrap(self)


class DashboardForm(AreaForm):
    period = forms.ChoiceField(
        label=_("Period"), choices=PERIOD_CHOICES, required=False, initial="year"
    )
    start = MonthField(label=_("From"), required=False)
    end = MonthField(label=_("Until"), required=False)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Region.objects.none(), required=False, empty_label=_("All")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("Give both dates of the period."))
            if start > end:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end.year - start.year) * 12 + end.month - start.month >= MAX_PERIOD_MONTHS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
        return data

    def chosen_period(self) -> Period:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("period") or "year"
        if choice == "custom":
            return Period(data["start"], Period.month_of(data["end"]).end)
        return Period.current(choice, self.today)

    def chosen_area(self) -> Region | None:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("area")


class ReportForm(AreaForm):
    """Which periodic report to make: kind, cadence, which period of it, area and file type."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("periodic report", "Report"), choices=list(KINDS.items())
    )
    cadence = forms.ChoiceField(label=_("Cadence"), choices=list(CADENCES.items()))
    year = forms.IntegerField(label=_("Year"), min_value=2000)
    number = forms.IntegerField(
        label=_("Month or quarter"), min_value=1, max_value=12, required=False,
        help_text=_("1–12 for a month, 1–4 for a quarter; empty for a year."),
    )  # fmt: skip
    area = forms.ModelChoiceField(label=_("Area"), queryset=Region.objects.none())
    format = forms.ChoiceField(label=_("File"), choices=[("pdf", "PDF"), ("xlsx", "XLSX")])

    def __init__(self, *args: Any, user: User, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, user=user, today=today, **kwargs)
        last_quarter = ReportPeriod.last_complete("quarter", today)
        self.initial.update(
            {"cadence": "quarter", "year": last_quarter.year, "number": last_quarter.number,
             "area": self.areas.first()}
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cadence, year = data.get("cadence"), data.get("year")
        if cadence is None or year is None:
            return data
        number = data.get("number") or 1
        try:
            data["report_period"] = ReportPeriod(cadence, year, number)
        except ValueError:
            raise forms.ValidationError(_("A quarter is numbered 1–4, a month 1–12.")) from None
        if data["report_period"].period.start > self.today:
            raise forms.ValidationError(_("That period has not started yet."))
        return data


def report_areas(user: User) -> Any:
    """The county and township areas a user's figures can be narrowed to, in tree order: the
    user's own regions and those under them (the regions above are visible for breadcrumbs, but
    a township's figures must not be titled with the county's name), or, for a user scoped to
    units, every area those units' figures can fall in."""
    scope = scope_of(user)
    areas = Region.objects.restrict(user, "view").filter(
        level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
    )
    if not scope.unlimited and not scope.department_ids:
        areas = areas.filter(within_paths("path", scope.region_paths))
    return areas.order_by("path")
