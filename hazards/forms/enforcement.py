"""Forms of enforcement documents: drafting (from a premises or a hazard), editing a draft,
lifting. Choice lists come through restrict(user, "view")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, RestrictedModelForm, style_for_bootstrap
from hazards.models import EnforcementAction


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


WIDGETS = {
    "facts": forms.Textarea(attrs={"rows": 4}),
    "legal_basis": forms.Textarea(attrs={"rows": 3}),
    "requirements": forms.Textarea(attrs={"rows": 3}),
    "deadline": DateTimeInput(),
    "effective_until": DateInput(),
}
HELP = {
    "legal_basis": _("Left empty, the default basis of the kind of document is used."),
    "deadline": _("Order to rectify: the date to rectify by. A power cut notice sets its own."),
    "effective_until": _("Suspension: at most six months from the day it is issued."),
    "amount": _("Fine: the amount in yuan."),
}


class EnforcementActionForm(RestrictedModelForm):
    """A new draft; the service numbers and checks it (hazards.services.enforcement)."""

    class Meta:
        model = EnforcementAction
        fields: tuple[str, ...] = (
            "premises",
            "hazard",
            "kind",
            "facts",
            "legal_basis",
            "requirements",
            "deadline",
            "effective_until",
            "amount",
        )
        widgets = WIDGETS
        help_texts = HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].required = False
        hazards = self.fields["hazard"]
        hazard = self.initial.get("hazard")
        if hazard and not self.initial.get("premises"):
            # Drafted from a hazard: the premises is the hazard's.
            found = hazards.queryset.filter(pk=hazard).first()  # type: ignore[attr-defined]
            if found is not None:
                self.initial["premises"] = found.premises_id
        # Only the chosen premises' hazards are offered (a county holds a million hazards).
        premises = self.data.get("premises") or self.initial.get("premises")
        premises = premises or getattr(self.instance, "premises_id", None)
        if "premises" in self.fields or premises:
            where = {"premises": premises} if str(premises or "").isdigit() else {"pk__in": []}
            hazards.queryset = hazards.queryset.filter(**where)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hazard, premises = data.get("hazard"), data.get("premises")
        if hazard is not None and premises is not None and hazard.premises_id != premises.pk:
            self.add_error("hazard", _("The hazard is at another premises."))
        return data

    def _post_clean(self) -> None:
        # The service validates and saves; skip the model's full_clean on a half-made draft.
        pass


class DraftEditForm(EnforcementActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(EnforcementActionForm.Meta):
        fields: tuple[str, ...] = (
            "hazard",
            "facts",
            "legal_basis",
            "requirements",
            "deadline",
            "effective_until",
            "amount",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = forms.ModelForm.clean(self) or {}
        hazard = data.get("hazard")
        if hazard is not None and hazard.premises_id != self.instance.premises_id:
            self.add_error("hazard", _("The hazard is at another premises."))
        return data


class LiftForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    lift_reason = forms.CharField(
        label=_("Reason for lifting"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
