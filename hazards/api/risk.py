"""Risk points and the versioned band sets in the API (DESIGN.md §5).

Risk points are created and updated through `assess_risk_point`, the same service as the
pages: the score, colours and band version are computed, never posted.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from core.api.serializers import ValidatedModelSerializer
from core.api.views import RestrictedReadOnlyModelViewSet
from hazards.filtersets.risk import RiskBandSetFilterSet, RiskPointFilterSet
from hazards.models import RiskBand, RiskBandSet, RiskPoint
from hazards.services.risk import INPUT_FIELDS, RiskInputError, assess_risk_point, checked_inputs


class RiskBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskBand
        fields = ["colour", "above", "up_to"]


class RiskBandSetSerializer(serializers.ModelSerializer):
    bands = RiskBandSerializer(many=True, read_only=True)

    class Meta:
        model = RiskBandSet
        fields = [
            "id",
            "method",
            "version",
            "name",
            "source",
            "effective_from",
            "effective_until",
            "bands",
        ]


# One enum name per choice set in the schema: the band's `colour` names RiskColour, so the
# point's colours are plain strings here (values: red, orange, yellow, blue).
COLOUR_HELP = "red, orange, yellow or blue (RiskBand colour)"


class RiskPointSerializer(ValidatedModelSerializer):
    premises_name = serializers.CharField(source="premises.name", read_only=True)
    assessed_colour = serializers.CharField(read_only=True, help_text=COLOUR_HELP)
    live_colour = serializers.CharField(
        read_only=True, help_text="The assessed colour raised by open hazards: " + COLOUR_HELP
    )

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "premises",
            "premises_name",
            "region",
            "department",
            "name",
            "location",
            "hazard_factors",
            "controls",
            "method",
            *INPUT_FIELDS,
            "score",
            "band_set",
            "assessed_colour",
            "live_colour",
            "assessed_at",
            "assessed_by",
        ]
        read_only_fields = [
            "region",
            "department",
            "score",
            "band_set",
            "assessed_colour",
            "live_colour",
            "assessed_at",
            "assessed_by",
        ]
        extra_kwargs = {"likelihood": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        # The method's inputs, merged with the stored ones on a partial update, must be
        # allowed values; the other method's inputs are dropped by the service.
        merged = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("method", *INPUT_FIELDS)
        }
        try:
            checked_inputs(merged["method"] or "", merged)
        except RiskInputError as error:
            raise serializers.ValidationError(
                {error.field: [error.message]}, code="invalid"
            ) from None
        return attrs


class RiskPointViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, RestrictedReadOnlyModelViewSet
):
    """Risk points in scope; create and update score them with the bands in force."""

    model = RiskPoint
    serializer_class = RiskPointSerializer
    filterset_class = RiskPointFilterSet
    ordering_fields = ["name", "score", "live_colour", "assessed_at", "premises"]
    select_related = ("premises",)

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = self.assess(serializer.validated_data, None)

    def perform_update(self, serializer: BaseSerializer) -> None:
        instance = serializer.instance
        assert isinstance(instance, RiskPoint)
        serializer.instance = self.assess(serializer.validated_data, instance)

    def assess(self, data: dict[str, Any], point: RiskPoint | None) -> RiskPoint:
        def value(name: str) -> Any:
            return data[name] if name in data else getattr(point, name, "")

        try:
            return assess_risk_point(
                user=self.request.user,
                premises=value("premises"),
                name=value("name"),
                method=value("method"),
                inputs={name: value(name) for name in INPUT_FIELDS},
                location=value("location") or "",
                hazard_factors=value("hazard_factors") or "",
                controls=value("controls") or "",
                risk_point=point,
            )
        except RiskInputError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None


class RiskBandSetViewSet(RestrictedReadOnlyModelViewSet):
    """Versions of the risk bands (reference data, read-only here)."""

    model = RiskBandSet
    serializer_class = RiskBandSetSerializer
    filterset_class = RiskBandSetFilterSet
    ordering_fields = ["method", "version", "effective_from"]

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        return queryset.prefetch_related("bands")


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("risk-points", RiskPointViewSet, basename="riskpoint")
    router.register("risk-band-sets", RiskBandSetViewSet, basename="riskbandset")
