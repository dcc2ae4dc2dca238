"""Callbacks and rates: the callback form, the callbacks' API filters and the rates' choices."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.choices import CallbackSource, Satisfaction
from complaints.models import Callback
from complaints.services.rates import GROUPINGS, PERIODS
from core.forms import DateInput, style_for_bootstrap
from core.models import Region, User

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class CallbackForm(forms.Form):
    """What the complainant said; solved and the grade only when they were reached."""

    contacted = forms.ChoiceField(
        label=_("Was the complainant reached?"), choices=YES_NO, widget=forms.RadioSelect
    )
    solved = forms.ChoiceField(
        label=_("Is the matter solved?"), choices=[("", "—"), *YES_NO], required=False
    )
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=[("", "—"), *Satisfaction.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as record_callback takes them."""
        data = self.cleaned_data
        solved = {"yes": True, "no": False}.get(data.get("solved") or "")
        return {
            "contacted": data["contacted"] == "yes",
            "solved": solved,
            "satisfaction": data.get("satisfaction") or "",
            "note": data.get("note") or "",
        }


class CallbackFilterSet(django_filters.FilterSet):
    complaint = django_filters.NumberFilter(field_name="complaint_id", label=_("Case"))
    source = django_filters.ChoiceFilter(choices=CallbackSource.choices, label=_("Source"))
    contacted = django_filters.BooleanFilter(label=_("Reached"))
    satisfaction = django_filters.ChoiceFilter(
        choices=Satisfaction.choices, label=_("Satisfaction")
    )

    class Meta:
        model = Callback
        fields = ["complaint", "source", "contacted", "satisfaction"]


class RatesForm(forms.Form):
    """How the rates page groups and limits the complaints (also the API's query parameters)."""

    group_by = forms.ChoiceField(
        label=_("Group by"), choices=list(GROUPINGS.items()), required=False
    )
    period = forms.ChoiceField(label=_("Period"), choices=list(PERIODS.items()), required=False)
    start = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Received until"), required=False, widget=DateInput())
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("Within"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = Region.objects.restrict(user, "view")
        style_for_bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end is before the start."))
        data["group_by"] = data.get("group_by") or "unit"
        data["period"] = data.get("period") or "month"
        return data
