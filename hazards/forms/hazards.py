"""Forms of the hazard pages: the ad hoc report, the governance plan and interim controls.

They validate; the services (hazards.services.hazards) write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, VisibleCharField, style_for_bootstrap
from core.models import Premises, User
from hazards.choices import HazardGrade, HazardSource, InterimControlKind
from hazards.models import GovernancePlan


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class HazardReportForm(forms.Form):
    """An ad hoc report, or an enterprise's self-report (source "enterprise")."""

    premises = forms.ModelChoiceField(queryset=Premises.objects.none(), label=_("Premises"))
    title = VisibleCharField(label=_("Title"), max_length=200)
    description = VisibleCharField(label=_("Description"), widget=forms.Textarea, required=False)
    location = VisibleCharField(label=_("Location at the premises"), max_length=200, required=False)
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=[("", _("Not graded yet")), *HazardGrade.choices],
        required=False,
    )
    rectify_by = forms.DateTimeField(label=_("Rectify by"), required=False, widget=DateTimeInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        premises = Premises.objects.restrict(user, "view").only("pk", "name")
        self.fields["premises"].queryset = premises  # type: ignore[attr-defined]
        style_for_bootstrap(self)

    def clean_rectify_by(self) -> dt.datetime | None:
        value = self.cleaned_data.get("rectify_by")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return value

    def source(self) -> str:
        # An enterprise officer reporting at their own premises is a self-report.
        premises = self.cleaned_data["premises"]
        if self.user.premises.filter(pk=premises.pk).exists():
            return HazardSource.ENTERPRISE
        return HazardSource.AD_HOC


class GovernancePlanForm(forms.ModelForm):
    """The six parts of SAWS Order 16 Art. 15."""

    class Meta:
        model = GovernancePlan
        fields = [
            "goals_and_tasks",
            "methods_and_measures",
            "funds_and_materials",
            "responsible_body_and_people",
            "deadline",
            "deadline_requirements",
            "safety_and_emergency",
            "reported_to_regulator_at",
            "reported_to_workers_congress_at",
        ]
        widgets = {
            "deadline": DateInput(),
            "reported_to_regulator_at": DateTimeInput(),
            "reported_to_workers_congress_at": DateTimeInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("goals_and_tasks", "methods_and_measures", "funds_and_materials",
                     "responsible_body_and_people", "deadline_requirements",
                     "safety_and_emergency"):  # fmt: skip
            self.fields[name].widget.attrs["rows"] = 3
        style_for_bootstrap(self)


class InterimControlForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=InterimControlKind.choices)
    description = forms.CharField(label=_("Description"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
