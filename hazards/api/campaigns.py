"""Campaigns, their grid assignments, the random draw and the inspection schedules (API)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedModelViewSet, RestrictedReadOnlyModelViewSet
from core.models import Region, Sector, User
from hazards.filtersets.campaigns import CampaignFilterSet, InspectionScheduleFilterSet
from hazards.models import Campaign, CampaignAssignment, InspectionSchedule
from hazards.services import campaigns as service


class CampaignAssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignAssignment
        fields = ["id", "grid", "inspector"]


class CampaignSerializer(serializers.ModelSerializer):
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    sectors = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all(), many=True)
    assignments = CampaignAssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "organiser", "region", "sectors", "starts_on", "ends_on",
                  "description", "assignments", "created"]  # fmt: skip
        read_only_fields = ["created"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError(
                {"ends_on": _("The campaign cannot end before it starts.")},
                code="dates_out_of_order",
            )
        return attrs


class AssignRequestSerializer(serializers.Serializer):
    grid = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    inspector = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class DrawRequestSerializer(serializers.Serializer):
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    sector = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(), required=False, allow_null=True, default=None
    )
    premises_count = serializers.IntegerField(min_value=1, max_value=500)
    inspector_count = serializers.IntegerField(min_value=1, max_value=50)
    planned_on = serializers.DateField()
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)


class DrawResultSerializer(serializers.Serializer):
    seed = serializers.IntegerField()
    premises = serializers.ListField(child=serializers.IntegerField())
    inspectors = serializers.ListField(child=serializers.IntegerField())
    inspections = serializers.ListField(child=serializers.IntegerField())


class CampaignViewSet(RestrictedModelViewSet):
    """Campaigns (专项整治): sectors, region, dates; inspectors assigned by grid."""

    model = Campaign
    # Campaigns are kept as the record of what was targeted: no role deletes them.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet
    ordering_fields = ["name", "starts_on", "ends_on", "region"]
    select_related = ("region",)

    def prefetch(self, queryset: Any) -> Any:
        return queryset.prefetch_related("sectors", "assignments")

    @extend_schema(request=AssignRequestSerializer, responses=CampaignAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign an inspector to a grid of the campaign."""
        campaign = self.get_object()
        body = AssignRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        assignment = service.assign_inspector(
            user=request.user, campaign=campaign, **body.validated_data
        )
        return Response(CampaignAssignmentSerializer(assignment).data, status=201)

    def scope_action(self) -> str:
        if getattr(self, "action", None) == "assign":
            return "change"
        if getattr(self, "action", None) == "draw":
            return "view"
        return super().scope_action()

    @extend_schema(request=DrawRequestSerializer, responses=DrawResultSerializer)
    @action(detail=False, methods=["post"])
    def draw(self, request: Request) -> Response:
        """双随机: draw premises and inspectors at random and plan unannounced inspections;
        the seed in the answer re-runs the same draw."""
        if not request.user.has_perm("hazards.add_campaign"):
            return Response(
                {"detail": _("You may not plan draws."), "code": "permission_denied"}, status=403
            )
        body = DrawRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        draw = service.unannounced_draw(user=request.user, **body.validated_data)
        data = {
            "seed": draw.seed,
            "premises": [row.pk for row in draw.premises],
            "inspectors": [row.pk for row in draw.inspectors],
            "inspections": [row.pk for row in draw.inspections],
        }
        return Response(DrawResultSerializer(data).data, status=201)


class InspectionScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionSchedule
        fields = ["id", "premises", "region", "interval_days", "last_inspected_on", "next_due_on"]


class InspectionScheduleViewSet(RestrictedReadOnlyModelViewSet):
    """When each premises' next routine inspection is due (kept by the inspections)."""

    model = InspectionSchedule
    serializer_class = InspectionScheduleSerializer
    filterset_class = InspectionScheduleFilterSet
    ordering_fields = ["next_due_on", "premises"]


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register(
        "inspection-schedules", InspectionScheduleViewSet, basename="inspectionschedule"
    )
