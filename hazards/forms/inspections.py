"""Forms of inspections: starting one, one item's outcome, the signature."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import style_for_bootstrap
from core.models import Premises, User
from hazards.choices import InspectionKind, Outcome
from hazards.models import Campaign, ChecklistTemplate


class StartInspectionForm(forms.Form):
    premises = forms.ModelChoiceField(queryset=Premises.objects.none(), label=_("Premises"))
    template = forms.ModelChoiceField(
        queryset=ChecklistTemplate.objects.all(),
        label=_("Checklist"),
        required=False,
        help_text=_("Leave empty for the current checklist of the premises' sector."),
    )
    kind = forms.ChoiceField(choices=InspectionKind.choices, label=_("Kind"), initial="routine")
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), label=_("Campaign"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["premises"].queryset = Premises.objects.restrict(user, "view").order_by("name")  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.restrict(user, "view")  # type: ignore[attr-defined]
        style_for_bootstrap(self)


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, label=_("Outcome"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"))


class SignatureForm(forms.Form):
    representative_name = forms.CharField(label=_("Premises representative"), max_length=50)
    signature = forms.FileField(label=_("Signature"))
