"""Enterprise hazard statistics in the API: generated from the ledger (POST), signed by the
principal (POST …/sign/), otherwise read-only (SAWS Order 16 Art. 14)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedReadOnlyModelViewSet
from core.models import Premises
from hazards.choices import PeriodKind
from hazards.filtersets.enterprise import EnterpriseStatisticsFilterSet
from hazards.models import EnterpriseStatistics
from hazards.services.statistics import generate_statistics, sign_statistics

FIGURES = [
    "due_on",
    "due_provisional",
    "generated_at",
    "inspections",
    "hazards_found",
    "major_found",
    "rectified",
    "open_at_end",
    "major_open_at_end",
    "principal_name",
    "signed_at",
]


class EnterpriseStatisticsSerializer(serializers.ModelSerializer):
    premises = ScopedPrimaryKeyRelatedField(queryset=Premises.objects.all())
    premises_name = serializers.CharField(source="premises.name", read_only=True)
    quarter = serializers.IntegerField(min_value=0, max_value=4, default=0)

    class Meta:
        model = EnterpriseStatistics
        fields = ["id", "premises", "premises_name", "period_kind", "year", "quarter", *FIGURES]
        read_only_fields = FIGURES
        # Posting an existing period regenerates it (the service decides), so the unique
        # constraint is not a validation error here.
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("period_kind") == PeriodKind.YEAR:
            attrs["quarter"] = 0
        elif attrs.get("quarter") not in (1, 2, 3, 4):
            raise serializers.ValidationError({"quarter": ["A quarter is 1, 2, 3 or 4."]})
        return attrs


class SignSerializer(serializers.Serializer):
    principal_name = serializers.CharField(max_length=50)


class MayChange(BasePermission):
    """Signing is a change of the statistics (POST would otherwise ask for `add`)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("hazards.change_enterprisestatistics"))


class EnterpriseStatisticsViewSet(mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Quarterly and annual hazard statistics of premises in scope. POST generates a period
    from the ledger (or regenerates it while unsigned); a signed period is refused (400,
    code `signed`)."""

    model = EnterpriseStatistics
    serializer_class = EnterpriseStatisticsSerializer
    filterset_class = EnterpriseStatisticsFilterSet
    ordering_fields = ["year", "quarter", "due_on", "premises", "signed_at"]
    select_related = ("premises",)

    def scope_action(self) -> str:
        return "change" if self.action == "sign" else super().scope_action()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        statistics = generate_statistics(
            user=request.user,
            premises=data["premises"],
            kind=data["period_kind"],
            year=data["year"],
            quarter=data["quarter"],
        )
        return Response(self.get_serializer(statistics).data, status=status.HTTP_201_CREATED)

    def perform_create(self, serializer: BaseSerializer) -> None:  # pragma: no cover
        raise NotImplementedError("create() calls the service")

    @extend_schema(request=SignSerializer, responses=EnterpriseStatisticsSerializer)
    @action(detail=True, methods=["post"], permission_classes=[MayChange])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """The principal signs: name and time recorded, the figures frozen."""
        statistics = self.get_object()
        form = SignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        signed = sign_statistics(
            user=request.user,
            statistics=statistics,
            principal_name=form.validated_data["principal_name"],
        )
        return Response(self.get_serializer(signed).data)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register(
        "enterprise-statistics", EnterpriseStatisticsViewSet, basename="enterprisestatistics"
    )
