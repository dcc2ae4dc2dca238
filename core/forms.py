"""Edit forms for the directory. Every choice list is read through `restrict(user, "view")`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import Department, Licence, LicenceType, Premises, Region, Sector, User
from core.roles import grantable_roles, name_of
from core.validators import visible_text

BOOTSTRAP_CLASS = {
    forms.CheckboxInput: "form-check-input",
    forms.Select: "form-select",
    forms.SelectMultiple: "form-select",
}


def style_for_bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    """Give each widget Bootstrap's class, so templates can render fields in one loop, and
    name each row a list offers as pages name it (a role by its label, not its key)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and is_default_label(field):
            field.label_from_instance = name_of  # type: ignore[method-assign,assignment]
        widget = field.widget
        css = next(
            (css for kind, css in BOOTSTRAP_CLASS.items() if isinstance(widget, kind)),
            "form-control",
        )
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


def is_default_label(field: forms.ModelChoiceField) -> bool:
    return getattr(field.label_from_instance, "__func__", None) in (
        forms.ModelChoiceField.label_from_instance,
        forms.ModelMultipleChoiceField.label_from_instance,
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def choice_model(field: forms.ModelChoiceField) -> type[Model]:
    # A model form builds every relation field with a queryset; only a bare field lacks one.
    if field.queryset is None:
        raise TypeError(f"{field!r} has no queryset to choose from")
    return field.queryset.model


class VisibleCharField(forms.CharField):
    """A text field whose value of nothing but invisible characters (zero-width spaces, a byte
    order mark, ideographic spaces) is empty: a required title refuses it
    (core.validators.visible_text; the API's VisibleCharField follows the same rule)."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if self.strip and isinstance(value, str):
            value = visible_text(value) or self.empty_value
        return value


def visible_text_fields(form: forms.BaseForm) -> None:
    """The model form's plain text fields follow VisibleCharField, keeping their settings."""
    for field in form.fields.values():
        if type(field) is forms.CharField:
            field.__class__ = VisibleCharField


class RestrictedModelForm(forms.ModelForm):
    """A model form whose choice lists offer only rows the editor may view.

    The object's current choices stay selectable so an edit never fails merely because the
    editor cannot see, say, the grid a premises lies in; keeping a value grants nothing new.
    Whether the saved object is within the editor's scope is checked by `save_in_scope`.
    A choice over a model without `restrict()` must be listed in `own_choice_fields` and
    limited by the subclass; otherwise the form refuses to build.
    """

    own_choice_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        visible_text_fields(self)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and name not in self.own_choice_fields:
                field.queryset = self.visible_choices(name, choice_model(field))
        style_for_bootstrap(self)

    def visible_choices(self, name: str, model: type[Model]) -> QuerySet:
        # The stubs know `objects` only on concrete model classes; restrict() comes with it.
        manager: Any = model.objects  # type: ignore[attr-defined]
        if not hasattr(manager, "restrict"):
            raise TypeError(f"{type(self).__name__}.{name}: {model.__name__} has no restrict()")
        visible = manager.restrict(self.user, "view")
        current = self.current_choice_ids(name)
        if current:
            visible = visible | manager.filter(pk__in=current)
        return visible.distinct()

    def current_choice_ids(self, name: str) -> list[Any]:
        if self.instance.pk is None:
            return []
        model_field = self.instance._meta.get_field(name)
        if model_field.many_to_many:
            return list(getattr(self.instance, name).values_list("pk", flat=True))
        value = getattr(self.instance, model_field.attname)
        return [value] if value is not None else []


class RegionForm(RestrictedModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class SectorForm(RestrictedModelForm):
    class Meta:
        model = Sector
        fields = ["code", "name", "parent"]


class LicenceTypeForm(RestrictedModelForm):
    class Meta:
        model = LicenceType
        fields = ["code", "name"]


class DepartmentForm(RestrictedModelForm):
    class Meta:
        model = Department
        fields = [
            "code",
            "name",
            "region",
            "sectors",
            "lead_sectors",
            "licence_types",
            "supervises_all",
            "phone",
            "superior",
        ]


class PremisesForm(RestrictedModelForm):
    # Longer than the 18 characters stored: people paste codes with spaces, cleaned below.
    credit_code = forms.CharField(
        label=Premises._meta.get_field("credit_code").verbose_name, max_length=40
    )

    class Meta:
        model = Premises
        fields = [
            "name",
            "credit_code",
            "sector",
            "region",
            "address",
            "status",
            "contact_name",
            "contact_phone",
        ]

    def clean_credit_code(self) -> str:
        # Codes are printed in upper case; people type them with spaces and lower case.
        return "".join(self.cleaned_data["credit_code"].split()).upper()


class LicenceForm(RestrictedModelForm):
    class Meta:
        model = Licence
        fields = ["premises", "licence_type", "number", "issued_by", "valid_from", "valid_until"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("A licence cannot expire before it is valid."))
        return cleaned


class UserForm(RestrictedModelForm):
    """Edit a user's profile, roles and scope (regions, departments, premises)."""

    own_choice_fields = ("groups",)

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "language",
            "is_active",
            "groups",
            "regions",
            "departments",
            "premises",
        ]
        labels = {"groups": _("roles")}
        help_texts = {"groups": ""}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        groups = cast(forms.ModelMultipleChoiceField, self.fields["groups"])
        groups.queryset = grantable_roles(user) | Group.objects.filter(
            pk__in=self.current_choice_ids("groups")
        )


class UserCreateForm(UserForm):
    """A new user gets a password now; later changes go through the password views."""

    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if first and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        return second

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # a Django hook the stubs leave out
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password2", error)

    def save(self, commit: bool = True) -> User:
        self.instance.set_password(self.cleaned_data["password1"])
        return super().save(commit=commit)
