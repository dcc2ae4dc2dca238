"""Generic viewsets: every row is read through `restrict()` and written through the services.

A viewset declares its model, serializer, filterset, ordering allow-list and the joins its
serializer needs; it never builds its own base queryset, so scoping cannot be forgotten.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.authtoken import serializers as authtoken_serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core import filtersets
from core.account_forms import OneTimeCodeForm
from core.accounts import has_second_factor, issue_api_token, second_factor_required
from core.api import serializers
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
from core.services import delete_in_scope, save_in_scope

# The scope action a request needs: reading is `view`, each kind of write its own action.
ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


# Base classes carry comments, not docstrings: drf-spectacular would publish a base class's
# docstring as the description of every endpoint built on it.


# `get_queryset` is `model.objects.restrict(user, action)` plus the joins, nothing else.
# Rows outside the user's scope for the request's action are therefore 404, never 403:
# the API does not confirm that a record it will not show exists.
class RestrictedQuerysetMixin:
    model: ClassVar[type[models.Model]]
    select_related: ClassVar[tuple[str, ...]] = ()
    request: Request

    def scope_action(self) -> str:
        return ACTION_BY_METHOD.get(self.request.method or "GET", "view")

    def get_queryset(self) -> QuerySet:
        restricted = self.model.objects.restrict(self.request.user, self.scope_action())  # type: ignore[attr-defined]
        if self.select_related:
            restricted = restricted.select_related(*self.select_related)
        return self.prefetch(restricted)

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        """Related rows the serializer reads; override with restricted `Prefetch` objects."""
        return queryset


class ScopedFiguresMixin:
    """An API view that answers with figures, not rows: the service that computes them reads
    its rows through restrict(), so the view holds no queryset of its own to restrict."""


# List and retrieve within the user's view scope.
class RestrictedReadOnlyModelViewSet(RestrictedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    pass


# Full CRUD; every write is `save_in_scope` / `delete_in_scope`: the scope check on the
# result and the audit entry happen in the write's own transaction.
class RestrictedModelViewSet(
    RestrictedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    def perform_create(self, serializer: BaseSerializer) -> None:
        model = serializer.Meta.model
        save_in_scope(self.request.user, model(), serializer.save)

    def perform_update(self, serializer: BaseSerializer) -> None:
        save_in_scope(self.request.user, serializer.instance, serializer.save)

    def perform_destroy(self, instance: models.Model) -> None:
        delete_in_scope(self.request.user, instance)


class SecondFactorSetupRequired(PermissionDenied):
    code = "second_factor_setup_required"


class AuthTokenSerializer(authtoken_serializers.AuthTokenSerializer):
    """Username and password, and the one-time code where the account has a second factor."""

    otp = drf_serializers.CharField(
        label=_("One-time code"),
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("The code from the authenticator app, for accounts with a second factor."),
    )


class ObtainTokenView(ObtainAuthToken):
    """`POST /api/v1/auth/token/` → `{"token": "…"}`; a locked-out account gets 403, no token.

    django-axes denies the login inside `authenticate()`; we say so with a stable code so
    that a client can tell "wait for the cool-off" from "wrong password". An account that
    signs in to pages with a one-time code gives it here too (`otp`); a superuser who must use
    one and has not set it up gets no token (403 `second_factor_setup_required`).
    """

    serializer_class = AuthTokenSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        # Validate once: each authenticate() call counts as an attempt for the lockout.
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": _("Too many failed logins; try again later."), "code": "locked_out"},
                    status=status.HTTP_403_FORBIDDEN,
                )
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        verified = verify_second_factor(user, serializer.validated_data.get("otp", ""))
        token = issue_api_token(user, second_factor_verified=verified)
        return Response({"token": token.key})


def verify_second_factor(user: User, code: str) -> bool:
    """True when the account must give a one-time code and gave a valid one; raises when it
    must and did not. The form checks the code with the device locked and throttled."""
    if not second_factor_required(user):
        return False
    if not has_second_factor(user):
        raise SecondFactorSetupRequired(
            _("This account must use a second factor: set it up on the web first.")
        )
    form = OneTimeCodeForm(user, data={"otp_token": code})
    if not form.is_valid():
        raise ValidationError({"otp": [str(e) for errors in form.errors.values() for e in errors]})
    return True


class RegionViewSet(RestrictedModelViewSet):
    model = Region
    serializer_class = serializers.RegionSerializer
    filterset_class = filtersets.RegionFilterSet
    ordering_fields = ["code", "name", "level", "path", "depth"]


class SectorViewSet(RestrictedModelViewSet):
    model = Sector
    serializer_class = serializers.SectorSerializer
    filterset_class = filtersets.SectorFilterSet
    ordering_fields = ["code", "name", "path"]


class LicenceTypeViewSet(RestrictedModelViewSet):
    model = LicenceType
    serializer_class = serializers.LicenceTypeSerializer
    filterset_class = filtersets.LicenceTypeFilterSet
    ordering_fields = ["code", "name"]


class DepartmentViewSet(RestrictedModelViewSet):
    model = Department
    serializer_class = serializers.DepartmentSerializer
    filterset_class = filtersets.DepartmentFilterSet
    ordering_fields = ["code", "name", "region"]
    select_related = ("region",)

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related("sectors", "lead_sectors", "licence_types")


class PremisesViewSet(RestrictedModelViewSet):
    model = Premises
    serializer_class = serializers.PremisesSerializer
    filterset_class = filtersets.PremisesFilterSet
    ordering_fields = ["name", "credit_code", "status", "region", "sector", "created", "updated"]
    select_related = ("region", "sector")

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "list":
            return serializers.PremisesListSerializer
        return serializers.PremisesSerializer

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(*serializers.premises_prefetches(self.request.user))


class LicenceViewSet(RestrictedModelViewSet):
    model = Licence
    serializer_class = serializers.LicenceSerializer
    filterset_class = filtersets.LicenceFilterSet
    ordering_fields = ["number", "valid_from", "valid_until", "premises", "licence_type"]
    select_related = ("licence_type",)


class ResponsibilityViewSet(RestrictedReadOnlyModelViewSet):
    """Derived from grid, sector and licences: read here, changed through the premises."""

    model = Responsibility
    serializer_class = serializers.ResponsibilitySerializer
    filterset_class = filtersets.ResponsibilityFilterSet
    ordering_fields = ["premises", "kind", "valid_from", "valid_until"]
    select_related = ("region", "department")


class UserViewSet(RestrictedModelViewSet):
    model = User
    serializer_class = serializers.UserSerializer
    filterset_class = filtersets.UserFilterSet
    ordering_fields = ["username", "last_name", "date_joined", "last_login"]

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related("groups", "regions", "departments", "premises")


class AuditEntryViewSet(RestrictedReadOnlyModelViewSet):
    """The audit log is read-only everywhere; entries are written only by the services."""

    model = AuditEntry
    serializer_class = serializers.AuditEntrySerializer
    filterset_class = filtersets.AuditEntryFilterSet
    ordering_fields = ["seq", "timestamp"]
    select_related = ("content_type",)
