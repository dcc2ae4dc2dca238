"""Serializers of the directory API.

Every writable relation offers only rows the requesting user may view
(`ScopedPrimaryKeyRelatedField`), so an id outside the scope is "does not exist" (400);
the service then checks that the saved row is inside the user's scope for the action (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.models import (
    AuditEntry,
    Department,
    Licence,
    LicenceType,
    Premises,
    Region,
    Responsibility,
    Sector,
    User,
)
from core.roles import grantable_roles
from core.scoping import permission_name
from core.validators import visible_text


def user_of(
    serializer: serializers.Field | serializers.BaseSerializer,
) -> User | AnonymousUser | None:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id chosen from `restrict(user, "view")`: out-of-scope ids do not exist."""

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().restrict(user_of(self), "view")


class GrantableGroupField(serializers.PrimaryKeyRelatedField):
    """Roles the requesting user may hand out (the same rule as the user form), plus those
    the edited user already holds, so an edit may keep them without granting anything."""

    def get_queryset(self) -> QuerySet:
        user = user_of(self)
        if user is None or not user.is_authenticated:
            return Group.objects.none()
        edited = self.root.instance
        if not isinstance(edited, User):
            return grantable_roles(user)
        return grantable_roles(user) | Group.objects.filter(pk__in=edited.groups.values("pk"))


# A text field of the API: a value of nothing but invisible characters (zero-width spaces, a
# byte order mark, ideographic spaces) is blank, so a required title refuses it
# (core.validators.visible_text, the rule the pages' VisibleCharField follows too).
class VisibleCharField(serializers.CharField):
    def run_validation(self, data: Any = serializers.empty) -> Any:
        if self.trim_whitespace and isinstance(data, str):
            data = visible_text(data)
        return super().run_validation(data)


# Runs the model's own validation (`full_clean`) as the UI's model forms do, so rules such as
# "a tree node cannot be moved under itself" hold for the API too (400, not 500). A comment,
# not a docstring: drf-spectacular would publish it as every subclass's description.
class ValidatedModelSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedPrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: VisibleCharField,
        models.TextField: VisibleCharField,
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        values = {key: value for key, value in attrs.items() if key not in many_to_many}
        instance = self.instance if self.instance is not None else model()
        for key, value in values.items():
            setattr(instance, key, value)
        unchecked = [f.name for f in model._meta.concrete_fields if f.name not in values]
        try:
            instance.full_clean(exclude=unchecked, validate_unique=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return attrs


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """Django's `__all__` key becomes DRF's `non_field_errors`."""
    return {
        api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key: messages
        for key, messages in error.message_dict.items()
    }


class RegionSerializer(ValidatedModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path", "depth"]


class SectorSerializer(ValidatedModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "parent", "path", "depth"]


class LicenceTypeSerializer(ValidatedModelSerializer):
    class Meta:
        model = LicenceType
        fields = ["id", "code", "name"]


class DepartmentSerializer(ValidatedModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "code",
            "name",
            "region",
            "region_name",
            "sectors",
            "lead_sectors",
            "licence_types",
            "supervises_all",
            "phone",
            "superior",
        ]


class LicenceSerializer(ValidatedModelSerializer):
    licence_type_name = serializers.CharField(source="licence_type.name", read_only=True)

    class Meta:
        model = Licence
        fields = [
            "id",
            "premises",
            "licence_type",
            "licence_type_name",
            "number",
            "issued_by",
            "valid_from",
            "valid_until",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        until, since = attrs.get("valid_until"), attrs.get("valid_from")
        if until and since and until < since:
            raise serializers.ValidationError({"valid_until": ["Ends before it starts."]})
        return attrs


class ResponsibilitySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(
        source="region.name", read_only=True, allow_null=True, default=None
    )
    department_name = serializers.CharField(
        source="department.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Responsibility
        fields = [
            "id",
            "premises",
            "kind",
            "region",
            "region_name",
            "department",
            "department_name",
            "licence",
            "is_lead",
            "derived",
            "valid_from",
            "valid_until",
        ]
        read_only_fields = fields


# The nested rows of a premises. Licences and responsibilities are scoped through their
# premises (their `scope_filter` is "the premises is visible"), so under a premises already
# read through `restrict()` only the permission is left to check. Running restrict()'s premises
# subquery again cost ~100 ms per nested list at 1 M premises on SQLite;
# test_nested_rows_are_exactly_the_restricted_rows guards the equivalence.
def nested_rows(model: type[models.Model], user: User) -> QuerySet:
    if user is None or not user.has_perm(permission_name(model, "view")):
        return model._default_manager.none()
    return model._default_manager.all()


# Ordered within a premises only: the models' default ordering joins the premises table.
def visible_licences(user: User) -> QuerySet:
    rows = nested_rows(Licence, user).select_related("licence_type")
    return rows.order_by("licence_type__code", "pk")


def current_responsibilities(user: User) -> QuerySet:
    rows = nested_rows(Responsibility, user).current()  # type: ignore[attr-defined]
    return rows.select_related("region", "department").order_by("kind", "-is_lead", "pk")


def premises_prefetches(user: User) -> list[Prefetch]:
    return [
        Prefetch("licences", queryset=visible_licences(user), to_attr="visible_licences"),
        Prefetch(
            "responsibilities",
            queryset=current_responsibilities(user),
            to_attr="current_responsibilities",
        ),
    ]


class PremisesListSerializer(ValidatedModelSerializer):
    """A premises as a list row: its own fields. Licences and responsibilities come with one
    premises (GET /premises/{id}/) or from /licences/ and /responsibilities/?premises=…;
    nesting them in every row of a list was half the cost of a page."""

    region_name = serializers.CharField(source="region.name", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)

    class Meta:
        model = Premises
        fields = [
            "id",
            "name",
            "credit_code",
            "status",
            "region",
            "region_name",
            "sector",
            "sector_name",
            "address",
            "contact_name",
            "contact_phone",
            "created",
            "updated",
        ]


class PremisesSerializer(PremisesListSerializer):
    """One premises with its licences and current responsibility assignments."""

    licences = serializers.SerializerMethodField()
    responsibilities = serializers.SerializerMethodField()

    class Meta(PremisesListSerializer.Meta):
        fields = [*PremisesListSerializer.Meta.fields, "licences", "responsibilities"]

    def nested(
        self, premises: Premises, attr: str, rows: Callable[[Any], QuerySet]
    ) -> list[models.Model]:
        prefetched = getattr(premises, attr, None)
        if prefetched is not None:
            return prefetched
        return list(rows(user_of(self)).filter(premises=premises))

    @extend_schema_field(LicenceSerializer(many=True, read_only=True))
    def get_licences(self, premises: Premises) -> list[dict[str, Any]]:
        rows = self.nested(premises, "visible_licences", visible_licences)
        return self.represent(LicenceSerializer, rows)

    @extend_schema_field(ResponsibilitySerializer(many=True, read_only=True))
    def get_responsibilities(self, premises: Premises) -> list[dict[str, Any]]:
        rows = self.nested(premises, "current_responsibilities", current_responsibilities)
        return self.represent(ResponsibilitySerializer, rows)

    def represent(
        self, serializer_class: type[serializers.ModelSerializer], rows: list[models.Model]
    ) -> list[dict[str, Any]]:
        # One nested serializer per list, not per premises: building its fields is the
        # expensive part (a quarter of a second for a page of 50).
        nested = self.__dict__.setdefault("_nested_serializers", {})
        if serializer_class not in nested:
            nested[serializer_class] = serializer_class(context=self.context)
        return [nested[serializer_class].to_representation(row) for row in rows]


class UserSerializer(ValidatedModelSerializer):
    """A user account with its roles and scope; a password may be set, never read."""

    password = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Optional on create (the user cannot log in until one is set).",
    )
    groups = GrantableGroupField(many=True, required=False, queryset=Group.objects.all())
    roles = serializers.SlugRelatedField(
        source="groups", slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "phone",
            "language",
            "is_active",
            "groups",
            "roles",
            "regions",
            "departments",
            "premises",
            "unlimited_scope",
            "date_joined",
            "last_login",
        ]
        read_only_fields = ["unlimited_scope", "date_joined", "last_login"]

    def validate_password(self, value: str) -> str:
        validate_password(value, self.instance)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        password = attrs.pop("password", None)
        attrs = super().validate(attrs)
        if password is not None:
            attrs["password"] = password
        return attrs

    def create(self, validated_data: dict[str, Any]) -> User:
        password = validated_data.pop("password", None)
        user = super().create(validated_data)
        self._store_password(user, password)
        return user

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        password = validated_data.pop("password", None)
        user = super().update(instance, validated_data)
        if password is not None:
            self._store_password(user, password)
        return user

    def _store_password(self, user: User, password: str | None) -> None:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])


class AuditEntrySerializer(serializers.ModelSerializer):
    content_type = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "seq",
            "timestamp",
            "actor",
            "actor_label",
            "source",
            "request_id",
            "action",
            "content_type",
            "object_id",
            "object_repr",
            "changes",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    def get_content_type(self, entry: AuditEntry) -> str:
        """`app_label.model`, e.g. `core.premises`."""
        return f"{entry.content_type.app_label}.{entry.content_type.model}"
