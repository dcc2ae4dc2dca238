"""The form that lists a major hazard for supervision (SAWS Order 16 Art. 21)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, style_for_bootstrap
from core.models import User
from hazards.choices import HazardGrade, HazardState, ListingLevel
from hazards.models import Hazard


class HazardListingForm(forms.Form):
    hazard = forms.ModelChoiceField(queryset=Hazard.objects.none(), label=_("Major hazard"))
    level = forms.ChoiceField(label=_("Supervising level"), choices=ListingLevel.choices)
    office = forms.CharField(label=_("Supervising office"), max_length=100)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    public_notice = forms.CharField(label=_("Public notice"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        majors = (
            Hazard.objects.restrict(user, "view")
            .filter(grade=HazardGrade.MAJOR)
            .exclude(state=HazardState.CLOSED)
            .only("pk", "number", "title")
        )
        self.fields["hazard"].queryset = majors  # type: ignore[attr-defined]
        style_for_bootstrap(self)
