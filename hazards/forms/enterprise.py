"""Forms of the enterprise self-service: generating and signing the hazard statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import style_for_bootstrap
from core.models import Premises, User
from hazards.choices import PeriodKind

QUARTERS = [(0, _("The whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")]


def last_quarter(today: dt.date) -> tuple[int, int]:
    """(year, quarter) of the quarter before today's: the one usually being reported."""
    quarter = (today.month - 1) // 3
    return (today.year, quarter) if quarter else (today.year - 1, 4)


class GenerateStatisticsForm(forms.Form):
    """Which premises and period to generate; premises are those the user may change."""

    premises = forms.ModelChoiceField(queryset=Premises.objects.none(), label=_("Premises"))
    period_kind = forms.ChoiceField(choices=PeriodKind.choices, label=_("Period"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    quarter = forms.TypedChoiceField(
        choices=QUARTERS, coerce=int, required=False, empty_value=None, label=_("Quarter")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        # Statistics are written for a premises the user answers for (enterprise officers:
        # their own premises; regulators: those in their scope).
        premises_field = self.fields["premises"]
        assert isinstance(premises_field, forms.ModelChoiceField)
        premises_field.queryset = Premises.objects.restrict(user, "view").order_by("name", "pk")
        year, quarter = last_quarter(timezone.localdate())
        self.fields["year"].initial = year
        self.fields["quarter"].initial = quarter
        self.fields["period_kind"].initial = PeriodKind.QUARTER
        style_for_bootstrap(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, quarter = data.get("period_kind"), data.get("quarter") or 0
        if kind == PeriodKind.QUARTER and quarter not in (1, 2, 3, 4):
            self.add_error("quarter", _("Choose the quarter."))
        if kind == PeriodKind.YEAR:
            data["quarter"] = 0
        return data


class SignStatisticsForm(forms.Form):
    principal_name = forms.CharField(
        max_length=50,
        label=_("Principal's name"),
        help_text=_("主要负责人 — SAWS Order 16 Art. 14"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
