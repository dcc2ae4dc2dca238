"""Forms of campaigns, grid assignments and the random draw."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, RestrictedModelForm, style_for_bootstrap
from core.models import Region, Sector, User
from hazards.models import Campaign
from hazards.services.campaigns import inspector_candidates
from workflow.calendar import local_date


class CampaignForm(RestrictedModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "organiser", "region", "sectors", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return data


class AssignmentForm(forms.Form):
    grid = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Grid"))
    inspector = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Inspector"))

    def __init__(self, *args: Any, user: User, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Region.objects.restrict(user, "view").filter(  # type: ignore[attr-defined]
            path__startswith=campaign.region.path
        )
        self.fields["inspector"].queryset = inspector_candidates(user, campaign.region)  # type: ignore[attr-defined]
        style_for_bootstrap(self)


class DrawForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Region"))
    sector = forms.ModelChoiceField(
        queryset=Sector.objects.all(), label=_("Sector"), required=False
    )
    premises_count = forms.IntegerField(min_value=1, max_value=500, label=_("Premises to draw"))
    inspector_count = forms.IntegerField(min_value=1, max_value=50, label=_("Inspectors to draw"))
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput())
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        label=_("Seed"),
        help_text=_("Leave empty for a new random draw; enter a recorded seed to re-check one."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"planned_on": local_date(timezone.now())})
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user, "view")  # type: ignore[attr-defined]
        style_for_bootstrap(self)
