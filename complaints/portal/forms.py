"""Forms of the public portal: submit a matter, look it up, rate the reply.

Every value is checked here before anything is stored; the services store it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.choices import AttributeType, Satisfaction
from complaints.models import Category, CategoryAttribute
from complaints.portal import humancheck
from core.attachments import ACCEPTED_TYPES, max_bytes, sniff_media_type
from core.choices import RegionLevel
from core.forms import VisibleCharField
from core.models import Department, Region

# Places a citizen can name: a township and the villages, communities and grids within it.
PLACE_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE, RegionLevel.GRID)
BIG = "form-control form-control-lg"
ACCEPT = ",".join(ACCEPTED_TYPES)


def public_categories() -> list[Category]:
    """Categories offered to citizens: public ones whose parents are public too."""
    rows = list(Category.objects.order_by("path"))
    hidden = [c.path for c in rows if not c.public]
    return [c for c in rows if not any(c.path.startswith(p) for p in hidden)]


def category_choices(categories: list[Category], emergencies: Iterable[Category] = ()) -> list[Any]:
    """The leaves, grouped under their top-level heading; a top level without children stands
    alone. A category of danger to life says in its own name to call 110 / 119 / 120."""
    with_children = {c.parent_id for c in categories if c.parent_id is not None}
    tops = {c.path.strip("/").split("/")[0]: c for c in categories if c.parent_id is None}
    urgent = {c.pk for c in emergencies}
    groups: dict[str, list[tuple[str, str]]] = {}
    loose: list[tuple[str, str]] = []
    for category in categories:
        if category.pk in with_children:
            continue
        top = tops.get(category.path.strip("/").split("/")[0])
        label = category.name
        if category.pk in urgent:
            label = _("%(category)s: call 110 / 119 / 120 now") % {"category": label}
        if category.parent_id is None or top is None:
            loose.append((str(category.pk), label))
        else:
            groups.setdefault(top.name, []).append((str(category.pk), label))
    return [("", _("Choose what it is about")), *groups.items(), *loose]


def place_choices() -> list[Any]:
    """Townships, each with the villages and grids in it; the township itself comes first."""
    rows = Region.objects.filter(level__in=PLACE_LEVELS).order_by("path")
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for region in rows:
        if region.level == RegionLevel.TOWNSHIP:
            anywhere = _("%(place)s (anywhere in it)") % {"place": region.name}
            groups.append((region.name, [(str(region.pk), anywhere)]))
        elif groups:
            indent = "\u3000" * (1 if region.level == RegionLevel.VILLAGE else 2)
            groups[-1][1].append((str(region.pk), f"{indent}{region.name}"))
    return [("", _("Choose the township, village or grid")), *groups]


def unit_choices() -> list[tuple[str, str]]:
    units = Department.objects.order_by("region__path", "name").values_list("pk", "name")
    return [("", "—"), *((str(pk), name) for pk, name in units)]


def top_region() -> Region | None:
    """Where a matter given only by its address is filed: the one region at the top of the
    tree (the desk places it precisely when routing); None when the tree has several tops."""
    tops = list(Region.objects.filter(parent__isnull=True)[:2])
    return tops[0] if len(tops) == 1 else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def check_upload(upload: Any) -> None:
    """The same limits `store_attachment` applies, checked before anything is stored."""
    limit = max_bytes()
    name = getattr(upload, "name", "")
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB; attach a smaller photo.")
            % {"name": name, "limit": round(limit / 1048576, 1)},
            code="file_too_large",
        )
    upload.seek(0)
    media_type = sniff_media_type(upload.read(16))
    upload.seek(0)
    if upload.size == 0 or media_type not in ACCEPTED_TYPES:
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP photo or a PDF document.") % {"name": name},
            code="file_type",
        )


def question_field(attribute: CategoryAttribute) -> forms.Field:
    label, kind = attribute.description, attribute.datatype
    options = [(o.key, o.name) for o in attribute.options.all()]
    field: forms.Field
    if kind == AttributeType.SINGLE:
        field = forms.ChoiceField(choices=[("", "—"), *options], widget=forms.Select)
    elif kind == AttributeType.MULTI:
        field = forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple)
    elif kind == AttributeType.TEXT:
        field = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    elif kind == AttributeType.DATETIME:
        field = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    elif kind == AttributeType.NUMBER:
        field = forms.CharField(
            max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
        )
    else:
        field = forms.CharField(max_length=500)
    field.label, field.required = label, False  # required only for the chosen category
    if not isinstance(field.widget, forms.CheckboxSelectMultiple):
        css = "form-select form-select-lg" if kind == AttributeType.SINGLE else BIG
        field.widget.attrs["class"] = css
    return field


def answer_text(attribute: CategoryAttribute, value: Any) -> str | list[str]:
    """The answer as the intake takes it (several choices: a list)."""
    if value in (None, "", []):
        return ""
    if attribute.datatype == AttributeType.MULTI:
        return [str(v) for v in value]
    if attribute.datatype == AttributeType.DATETIME and isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip()


class SubmitForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("What is it about?"))
    region = forms.ChoiceField(label=gettext_lazy("Where?"), required=False)
    where_address = VisibleCharField(
        label=gettext_lazy("Address or landmark"), max_length=255, required=False,
        help_text=gettext_lazy("Street and number, or a place everyone knows."),
    )  # fmt: skip
    title = VisibleCharField(label=gettext_lazy("In one line, what is the matter?"), max_length=200)
    description = VisibleCharField(
        label=gettext_lazy("Tell us what happened"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("When and where, who is affected, what you would like done."),
    )  # fmt: skip
    respondent_unit = forms.ChoiceField(
        label=gettext_lazy("Is it about a government unit? (optional)"), required=False,
        help_text=gettext_lazy(
            "Name the unit you complain about: it will not handle your matter and never sees "
            "who you are."
        ),
    )  # fmt: skip
    attachments = MultipleFileField(
        label=gettext_lazy("Photos or documents"), required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )  # fmt: skip
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)
    contact_address = forms.CharField(
        label=gettext_lazy("Your postal address"), max_length=255, required=False
    )
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    human_token = forms.CharField(widget=forms.HiddenInput)
    human_answer = forms.CharField(label=gettext_lazy("Your answer"), max_length=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in public_categories()}
        self.emergencies = [c for c in self.categories.values() if c.is_emergency(self.categories)]
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices(
            list(self.categories.values()), self.emergencies
        )
        cast(forms.ChoiceField, self.fields["region"]).choices = place_choices()
        cast(forms.ChoiceField, self.fields["respondent_unit"]).choices = unit_choices()
        self.questions = self._add_questions()
        for name, field in self.fields.items():
            if name in ("category", "region", "respondent_unit"):
                field.widget.attrs["class"] = "form-select form-select-lg"
            elif not name.startswith("q_") and "class" not in field.widget.attrs:
                field.widget.attrs["class"] = BIG
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["human_answer"].widget.attrs.update({"inputmode": "numeric"})
        self.question = self._question()
        self.fields["human_token"].initial = self.question.token

    @property
    def emergency_ids(self) -> str:
        return " ".join(str(c.pk) for c in self.emergencies)

    def _add_questions(self) -> dict[int, list[tuple[str, CategoryAttribute]]]:
        attributes = CategoryAttribute.objects.filter(category__in=list(self.categories))
        by_category: dict[int, list[tuple[str, CategoryAttribute]]] = {}
        for attribute in attributes.prefetch_related("options"):
            name = f"q_{attribute.category_id}_{attribute.code}"
            self.fields[name] = question_field(attribute)
            by_category.setdefault(attribute.category_id, []).append((name, attribute))
        return by_category

    def _question(self) -> humancheck.Question:
        """The question shown: a fresh one unless the posted one is still valid."""
        posted = self.data.get("human_token", "") if self.is_bound else ""
        found = humancheck.question_of(posted) if posted else None
        return found or humancheck.new_question()

    def fresh_question(self) -> None:
        """A new question after a refused submission (each answer is usable once)."""
        self.question = humancheck.new_question()
        bound: Any = self.data
        posted = bound.copy()
        posted["human_token"], posted["human_answer"] = self.question.token, ""
        self.data = posted

    def question_groups(self) -> Iterable[tuple[Category, list[forms.BoundField]]]:
        for category_id, entries in self.questions.items():
            yield self.categories[category_id], [self[name] for name, _attr in entries]

    def clean_category(self) -> Category:
        category = self.categories.get(int(self.cleaned_data["category"] or 0))
        if category is None:
            raise ValidationError(_("Choose what the matter is about."))
        return category

    def clean_region(self) -> Region | None:
        value = self.cleaned_data.get("region")
        if not value:
            return None
        return Region.objects.filter(pk=value, level__in=PLACE_LEVELS).first()

    def clean_respondent_unit(self) -> Department | None:
        value = self.cleaned_data.get("respondent_unit")
        return Department.objects.filter(pk=value).first() if value else None

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > settings.PORTAL_MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(count)s files.") % {"count": settings.PORTAL_MAX_ATTACHMENTS}
            )
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return list(files)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not humancheck.answer_is_right(
            data.get("human_token", ""), data.get("human_answer", "")
        ):
            self.add_error(
                "human_answer",
                _("That answer is not right (or the question is too old); try this one."),
            )
        if not data.get("region") and not data.get("where_address", "").strip():
            self.add_error("region", _("Choose where it is, or give an address."))
        elif not data.get("region") and top_region() is None:
            self.add_error("region", _("Choose the township, village or grid."))
        category = data.get("category")
        if isinstance(category, Category):
            data["answers"] = self._answers(category, data)
        return data

    def _answers(self, category: Category, data: dict[str, Any]) -> dict[str, str | list[str]]:
        answers: dict[str, str | list[str]] = {}
        for name, attribute in self.questions.get(category.pk, []):
            value = answer_text(attribute, data.get(name))
            if attribute.required and not value:
                self.add_error(name, _("Please answer this question."))
            number = attribute.datatype == AttributeType.NUMBER
            if value and number and not _is_number(str(value)):
                self.add_error(name, _("Give a number."))
            if value:
                answers[attribute.code] = value
        return answers

    @property
    def region_or_top(self) -> Region:
        region = self.cleaned_data.get("region") or top_region()
        assert region is not None  # clean() refused the form otherwise
        return region


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


class TrackForm(forms.Form):
    receipt_code = forms.CharField(
        label=gettext_lazy("Receipt code"), max_length=20,
        widget=forms.TextInput(attrs={"class": BIG, "autocapitalize": "characters",
                                      "autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    password = forms.CharField(
        label=gettext_lazy("Query password"), max_length=20,
        widget=forms.PasswordInput(attrs={"class": BIG, "autocomplete": "off",
                                          "autocapitalize": "characters"}),
    )  # fmt: skip

    def clean_receipt_code(self) -> str:
        return normalise_code(self.cleaned_data["receipt_code"])

    def clean_password(self) -> str:
        return normalise_code(self.cleaned_data["password"])


def normalise_code(value: str) -> str:
    """What people type for a code read off paper: any case, spaces or dashes between groups."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=gettext_lazy("How satisfied are you with the reply?"),
        choices=Satisfaction.choices, widget=forms.RadioSelect,
    )  # fmt: skip
    solved = forms.ChoiceField(
        label=gettext_lazy("Was your matter solved?"), choices=YES_NO, widget=forms.RadioSelect
    )

    @property
    def solved_value(self) -> bool:
        return self.cleaned_data["solved"] == "yes"


class ReviewForm(forms.Form):
    """A review or re-review request (Arts 35, 36): the complainant says why they disagree."""

    reasons = forms.CharField(
        label=gettext_lazy("Why do you disagree with the reply?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": BIG}),
        help_text=gettext_lazy(
            "What is wrong or missing in it, and what you ask the body above to do."
        ),
    )  # fmt: skip
