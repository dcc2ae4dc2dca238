"""Forms of the reception-day pages: the schedule, booking a complaint, and the record."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ReceptionDay
from core.forms import DateInput, RestrictedModelForm, style_for_bootstrap
from core.models import User

LEADER_ROLE = "government_leader"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class ReceptionDayForm(RestrictedModelForm):
    class Meta:
        model = ReceptionDay
        fields = ["leader", "region", "day", "starts", "ends", "place", "capacity", "cancelled"]
        widgets = {"day": DateInput(), "starts": TimeInput(), "ends": TimeInput()}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        # Leaders only: the people who hold the government-leader role.
        leader = cast(forms.ModelChoiceField, self.fields["leader"])
        assert leader.queryset is not None
        leader.queryset = leader.queryset.filter(groups__name=LEADER_ROLE).distinct()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The day ends after it starts."))
        return cleaned


class BookingForm(forms.Form):
    """The desk books a complaint (by its number) for a time on the day."""

    number = forms.CharField(label=_("Case number"), max_length=32)
    at = forms.TimeField(label=_("Time"), widget=TimeInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        style_for_bootstrap(self)

    def clean_number(self) -> Complaint:
        number = self.cleaned_data["number"].strip().upper()
        found = Complaint.objects.restrict(self.user, "view").filter(number=number).first()
        if found is None:
            raise forms.ValidationError(
                _("No case %(number)s that you may see.") % {"number": number}
            )
        return found


class RecordForm(forms.Form):
    summary = forms.CharField(
        label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 4})
    )
    instructions = forms.CharField(
        label=_("The leader's instructions"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Each case received gets them as an internal note."),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_for_bootstrap(self)
