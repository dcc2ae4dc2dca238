"""The risk point form: method and inputs as selects of the allowed values (DESIGN.md §5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RestrictedModelForm
from hazards.choices import RiskMethod
from hazards.models import RiskPoint
from hazards.services.risk import (
    INPUT_FIELDS,
    RiskInputError,
    checked_inputs,
    plain_number,
)

# What each value means, in the words of the usual LEC and matrix tables.
LEC_LIKELIHOOD = [
    ("10", _("10 — expected to happen")),
    ("6", _("6 — quite possible")),
    ("3", _("3 — unusual but possible")),
    ("1", _("1 — remotely possible")),
    ("0.5", _("0.5 — conceivable but very unlikely")),
    ("0.2", _("0.2 — practically impossible")),
    ("0.1", _("0.1 — virtually impossible")),
]
MATRIX_LEVELS = [("5", "5"), ("4", "4"), ("3", "3"), ("2", "2"), ("1", "1")]
MATRIX_LIKELIHOOD = [
    ("5", _("5 — very likely")),
    ("4", _("4 — likely")),
    ("3", _("3 — possible")),
    ("2", _("2 — unlikely")),
    ("1", _("1 — very unlikely")),
]
EXPOSURE = [
    ("10", _("10 — continuous")),
    ("6", _("6 — daily in working hours")),
    ("3", _("3 — weekly or now and then")),
    ("2", _("2 — monthly")),
    ("1", _("1 — a few times a year")),
    ("0.5", _("0.5 — very rarely")),
]
CONSEQUENCE = [
    ("100", _("100 — catastrophe, ten or more deaths")),
    ("40", _("40 — disaster, several deaths")),
    ("15", _("15 — very serious, one death")),
    ("7", _("7 — serious injury")),
    ("3", _("3 — disabling injury")),
    ("1", _("1 — minor, first aid")),
]
SEVERITY = [
    ("5", _("5 — catastrophic")),
    ("4", _("4 — major")),
    ("3", _("3 — moderate")),
    ("2", _("2 — minor")),
    ("1", _("1 — negligible")),
]
BLANK = [("", "---------")]
INPUT_CHOICES: dict[str, list[Any]] = {
    "likelihood": [
        *BLANK,
        (_("LEC"), LEC_LIKELIHOOD),
        (_("5×5 matrix"), MATRIX_LIKELIHOOD),
    ],
    "exposure": [*BLANK, *EXPOSURE],
    "consequence": [*BLANK, *CONSEQUENCE],
    "severity": [*BLANK, *SEVERITY],
}


class RiskPointForm(RestrictedModelForm):
    """Validates the inputs with the service's own rule; the view saves through
    `assess_risk_point`, which also scores and colours the point."""

    class Meta:
        model = RiskPoint
        fields = [
            "premises",
            "name",
            "location",
            "hazard_factors",
            "controls",
            "method",
            "likelihood",
            "exposure",
            "consequence",
            "severity",
        ]
        help_texts = {
            "exposure": _("LEC only."),
            "consequence": _("LEC only."),
            "severity": _("5×5 matrix only."),
        }
        widgets = {
            "hazard_factors": forms.Textarea(attrs={"rows": 2}),
            "controls": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in INPUT_FIELDS:
            field = self.fields[name]
            field.required = False
            field.widget = forms.Select(choices=INPUT_CHOICES[name], attrs={"class": "form-select"})
            stored = self.initial.get(name)
            if isinstance(stored, Decimal):
                self.initial[name] = plain_number(stored)
        self.fields["method"].widget.attrs["data-risk-method"] = ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        method = data.get("method")
        if not method or any(name in self.errors for name in INPUT_FIELDS):
            return data
        try:
            checked = checked_inputs(method, {name: data.get(name) for name in INPUT_FIELDS})
        except RiskInputError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return data
        for name in INPUT_FIELDS:
            data[name] = checked.get(name)
        return data

    def inputs(self) -> dict[str, Decimal | None]:
        return {name: self.cleaned_data.get(name) for name in INPUT_FIELDS}


class RiskPreviewForm(forms.Form):
    """The inputs alone, for the score shown while the form is filled in."""

    method = forms.ChoiceField(choices=RiskMethod.choices)
    likelihood = forms.CharField(required=False)
    exposure = forms.CharField(required=False)
    consequence = forms.CharField(required=False)
    severity = forms.CharField(required=False)
