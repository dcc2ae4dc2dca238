"""Forms of the handling pages: tasks, notes and the referral result.

They only validate input; complaints.services.handling decides and writes. Unit choices are
read through `restrict(user, "view")`; the unit complained about stays in the list so the
service can refuse it with its reason (a silently missing unit would only puzzle the clerk).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from complaints.choices import TaskRole
from complaints.models import Complaint
from core.forms import style_for_bootstrap
from core.models import Department, User


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class HandlingForm(forms.Form):
    """Carries the version of the complaint the page showed: a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, complaint: Complaint | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = units_for(user, complaint)
        style_for_bootstrap(self)


def units_for(user: User, complaint: Complaint | None) -> QuerySet[Department]:
    """Units the user may name on the complaint: those in the user's view, and every unit of the
    governments over the place of the matter (a unit leader asks the water bureau to assist
    without having the water bureau in scope; naming a unit reads nothing of it)."""
    units = Department.objects.restrict(user, "view")
    if complaint is not None:
        codes = complaint.region.path.strip("/").split("/")
        units = units | Department.objects.filter(region__code__in=codes)
    return units.distinct().order_by("name")


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReferralResultForm(HandlingForm):
    result = forms.CharField(label=_("What became of the referral"), widget=textarea())


class TaskForm(HandlingForm):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Unit"))
    role = forms.ChoiceField(label=_("Role"), choices=TaskRole.choices)
    instructions = forms.CharField(label=_("What to do"), widget=textarea())
    due = forms.DateTimeField(label=_("Due"), widget=DateTimeInput())


class TaskResultForm(HandlingForm):
    result = forms.CharField(label=_("Result"), widget=textarea())


class NoteForm(HandlingForm):
    text = forms.CharField(label=_("Note"), widget=textarea())
    for_complainant = forms.BooleanField(
        label=_("Show to the complainant (on the portal)"), required=False,
        help_text=_("Unticked, the note stays internal to staff."),
    )  # fmt: skip
