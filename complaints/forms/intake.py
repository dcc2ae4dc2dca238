"""The clerk's intake form: the matter, who brought it (a formset: one person, several, or up to
5 representatives of a joint visit), who it is about, the category's questions and the files.

The forms validate and build a `services.intake.Intake`; `register_complaint` stores it. Every
choice list is limited to what the clerk may see: regions of their own area, premises and
units through `restrict()`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.choices import AttributeType, Channel
from complaints.models import Category, CategoryAttribute
from complaints.services.intake import (
    MAX_REPRESENTATIVES,
    ComplainantData,
    Intake,
    RespondentData,
)
from core.forms import VisibleCharField, style_for_bootstrap
from core.models import Department, Premises, Region, User
from core.scoping import scope_of, within_paths
from core.validators import validate_not_future

# The channels a clerk registers; the portal and Open311 create their own complaints.
DESK_CHANNELS = (Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.HOTLINE, Channel.WEB)
PHONE = re.compile(r"^[0-9+\-() ]{3,32}$")
ID_NUMBER = re.compile(r"^[0-9A-Za-z]{6,32}$")
ANSWER_PREFIX = "answer_"
# Fields whose change asks the page for likely matches (static/complaints/intake.js).
MATCH_INPUT = "cd-match-input"
# People one intake can record (a letter signed by many); a joint visit sends at most 5
# representatives, which the formset and the service both check.
MAX_PEOPLE = 30


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class CategoryChoiceField(forms.ModelChoiceField):
    """The category tree as an indented list."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'\u3000' * obj.depth}{obj.name}"


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'\u3000' * max(obj.depth - 2, 0)}{obj.name}"


def regions_in_area(user: User) -> QuerySet[Region]:
    """Regions a user's desk covers: their scope regions and everything below (never the
    regions above, which `restrict("view")` shows for breadcrumbs)."""
    scope = scope_of(user)
    regions = Region.objects.all()
    if not scope.unlimited:
        regions = regions.filter(within_paths("path", scope.region_paths))
    return regions.order_by("path")


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


def staff_choices(user: User) -> QuerySet[User]:
    """Staff of the units the clerk can see (a respondent may be a named official)."""
    units = Department.objects.restrict(user, "view")
    return (
        User.objects.filter(is_active=True, departments__in=units).distinct().order_by("username")
    )


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in DESK_CHANNELS]
    )
    received_at = forms.DateTimeField(label=_("Received"), widget=DateTimeInput())
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    region = RegionChoiceField(
        label=_("Where"), queryset=Region.objects.none(),
        help_text=_("The township, village or grid where the matter is."),
    )  # fmt: skip
    title = VisibleCharField(label=_("Matter"), max_length=200)
    summary = VisibleCharField(
        label=_("Summary for the units"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the units will read: the matter only, never who complained."),
    )  # fmt: skip
    original_text = VisibleCharField(
        label=_("Original text"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The complainant's own words: never shown to those complained about."),
    )  # fmt: skip
    address = VisibleCharField(label=_("Address of the matter"), max_length=255, required=False)
    premises = forms.ModelChoiceField(
        label=_("Premises concerned"), queryset=Premises.objects.none(), required=False
    )
    visitor_count = forms.IntegerField(
        label=_("People who came"), min_value=1, max_value=10000, initial=1,
        help_text=_("For a visit: how many people came (more than 5 choose representatives)."),
    )  # fmt: skip
    respondent_units = forms.ModelMultipleChoiceField(
        label=_("Units complained about"), queryset=Department.objects.none(), required=False
    )
    respondent_premises = forms.ModelMultipleChoiceField(
        label=_("Premises complained about"), queryset=Premises.objects.none(), required=False
    )
    respondent_staff = StaffChoiceField(
        label=_("Staff complained about"), queryset=User.objects.none(), required=False
    )
    attachments = MultipleFileField(
        label=_("Material (letters, photos)"), required=False,
        help_text=_("JPEG, PNG, WebP or PDF; protected like the original text."),
    )  # fmt: skip
    override_reason = forms.CharField(
        label=_("Reason to accept again after re-review"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A matter concluded after re-review (Art. 36): why it is accepted again."),
    )  # fmt: skip
    # "" (not decided yet), "new", or the pk of the open complaint to link the contact to.
    decision = forms.CharField(required=False, widget=forms.HiddenInput())
    repeat_note = forms.CharField(label=_("Note on the repeat"), required=False, max_length=500)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        fields: Any = self.fields
        fields["category"].queryset = Category.objects.restrict(user, "view").order_by("path")
        fields["region"].queryset = regions_in_area(user)
        premises = Premises.objects.restrict(user, "view").only("pk", "name").order_by("name")
        fields["premises"].queryset = premises
        fields["respondent_premises"].queryset = premises
        fields["respondent_units"].queryset = Department.objects.restrict(user, "view").order_by(
            "code"
        )
        fields["respondent_staff"].queryset = staff_choices(user)
        if not user.has_perm("complaints.override_rereview"):
            del self.fields["override_reason"]
        self._wire_htmx()
        self.questions = list(self._questions())
        for question in self.questions:
            self.fields[ANSWER_PREFIX + question.code] = answer_field(question)
        style_for_bootstrap(self)

    def _wire_htmx(self) -> None:
        # A change of category reloads its questions; these fields also look for matches.
        for name in ("category", "region", "title", "summary"):
            self.fields[name].widget.attrs["class"] = MATCH_INPUT
        self.fields["category"].widget.attrs.update({
            "hx-get": reverse("complaints:intake_questions"), "hx-trigger": "change",
            "hx-target": "#intake-questions", "hx-swap": "innerHTML",
        })  # fmt: skip

    def _questions(self) -> QuerySet[CategoryAttribute]:
        category = self.data.get("category") or self.initial.get("category")
        category_id = str(getattr(category, "pk", category) or "")
        if not category_id.isdigit():
            return CategoryAttribute.objects.none()
        return (
            CategoryAttribute.objects.filter(category_id=int(category_id))
            .prefetch_related("options")
            .order_by("order", "code")
        )

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[ANSWER_PREFIX + q.code] for q in self.questions]

    def clean_received_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["received_at"]
        validate_not_future(value)
        return value

    def answers(self) -> dict[str, str | list[str]]:
        data = self.cleaned_data
        return {
            q.code: _answer_text(data.get(ANSWER_PREFIX + q.code))
            for q in self.questions
            if data.get(ANSWER_PREFIX + q.code) not in (None, "", [])
        }

    def respondents(self) -> list[RespondentData]:
        data = self.cleaned_data
        return [
            *(RespondentData(department=unit) for unit in data.get("respondent_units") or ()),
            *(RespondentData(premises=p) for p in data.get("respondent_premises") or ()),
            *(RespondentData(user=person) for person in data.get("respondent_staff") or ()),
        ]

    def intake(self, complainants: list[ComplainantData]) -> Intake:
        data = self.cleaned_data
        return Intake(
            channel=data["channel"], category=data["category"], region=data["region"],
            title=data["title"], summary=data["summary"], original_text=data["original_text"],
            address=data["address"], premises=data["premises"], received_at=data["received_at"],
            complainants=complainants, respondents=self.respondents(), answers=self.answers(),
            visitor_count=data["visitor_count"], attachments=data.get("attachments") or [],
            override_reason=data.get("override_reason") or "",
        )  # fmt: skip


def _answer_text(value: Any) -> str | list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def answer_field(question: CategoryAttribute) -> forms.Field:
    """A form field for one of the category's questions (Open311 attribute datatypes)."""
    common: dict[str, Any] = {"label": question.description, "required": question.required}
    options = [(o.key, o.name) for o in question.options.all()]
    kind = question.datatype
    if kind == AttributeType.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *options], **common)
    if kind == AttributeType.MULTI:
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == AttributeType.NUMBER:
        return forms.DecimalField(**common)
    if kind == AttributeType.DATETIME:
        return forms.DateTimeField(widget=DateTimeInput(), **common)
    if kind == AttributeType.TEXT:
        return forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}), **common)
    return forms.CharField(max_length=500, **common)


class ComplainantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    is_representative = forms.BooleanField(label=_("Representative"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("phone", "id_number"):
            self.fields[name].widget.attrs["class"] = MATCH_INPUT
        style_for_bootstrap(self)

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError(_("A phone number has digits, spaces, + or - only."))
        return value

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if value and not ID_NUMBER.match(value):
            raise forms.ValidationError(_("An ID number has letters and digits only."))
        return value

    def person(self) -> ComplainantData | None:
        data = getattr(self, "cleaned_data", {})
        if not any(data.get(name) for name in ("name", "phone", "id_number", "address", "email")):
            return None  # an empty row of the formset
        return ComplainantData(
            name=data["name"], id_number=data["id_number"], phone=data["phone"],
            address=data["address"], email=data["email"],
            is_representative=data["is_representative"],
        )  # fmt: skip


class BaseComplainantFormSet(forms.BaseFormSet):
    channel: str = ""

    def clean(self) -> None:
        if any(self.errors):
            return
        people = self.people()
        representatives = sum(1 for p in people if p.is_representative)
        # Letters and Visits Regulations 2022, Art. 18: a joint visit chooses at most 5.
        if representatives > MAX_REPRESENTATIVES:
            raise forms.ValidationError(
                _("A joint visit sends at most %(limit)s representatives; %(count)s were entered.")
                % {"limit": MAX_REPRESENTATIVES, "count": representatives},
                code="too_many_representatives",
            )
        if self.channel == Channel.VISIT and len(people) > MAX_REPRESENTATIVES:
            raise forms.ValidationError(
                _("More than %(limit)s people came: record their representatives, at most "
                  "%(limit)s (Letters and Visits Regulations 2022, Art. 18).")
                % {"limit": MAX_REPRESENTATIVES},
                code="too_many_visitors",
            )  # fmt: skip

    def people(self) -> list[ComplainantData]:
        found = (form.person() for form in self.forms if getattr(form, "cleaned_data", None))
        return [person for person in found if person is not None]


ComplainantFormSet = forms.formset_factory(
    ComplainantForm, formset=BaseComplainantFormSet, extra=1, max_num=MAX_PEOPLE,
    absolute_max=MAX_PEOPLE, validate_max=True,
)  # fmt: skip


def complainant_formset(data: Any = None, channel: str = "") -> BaseComplainantFormSet:
    formset: Any = ComplainantFormSet(data, prefix="person")
    formset.channel = channel
    assert isinstance(formset, BaseComplainantFormSet)
    return formset
