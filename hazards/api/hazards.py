"""`/api/v1/hazards/`, `/governance-plans/` and `/interim-controls/`.

Hazards are created through `report_hazard` and moved only by their machine
(`POST /hazards/{id}/transitions/{name}/` with the version last read, workflow.api; the
rectification's `evidence` travels as multipart files); the list uses a slim
serializer with one join (the premises' name), so its query count does not grow with the page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from core.api.permissions import ModelPermissions
from core.api.serializers import ScopedPrimaryKeyRelatedField, VisibleCharField
from core.api.views import RestrictedReadOnlyModelViewSet
from core.models import Premises
from hazards.choices import HazardGrade, HazardSource, InterimControlKind
from hazards.filtersets.hazards import HazardFilterSet
from hazards.models import ChecklistItem, GovernancePlan, Hazard, InterimControl, RiskPoint
from hazards.services.hazards import (
    PLAN_FIELDS,
    lift_interim_control,
    record_interim_control,
    report_hazard,
    save_governance_plan,
)
from workflow.api import TransitionEndpoint


class HazardListSerializer(serializers.ModelSerializer):
    premises_name = serializers.CharField(source="premises.name", read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "number",
            "title",
            "state",
            "grade",
            "source",
            "premises",
            "premises_name",
            "region",
            "department",
            "found_at",
            "rectify_by",
            "version",
        ]
        read_only_fields = fields


class HazardSerializer(HazardListSerializer):
    class Meta(HazardListSerializer.Meta):
        fields = [
            *HazardListSerializer.Meta.fields,
            "description",
            "location",
            "sub_grade",
            "grade_reason",
            "major_criterion",
            "inspection",
            "inspection_result",
            "checklist_item",
            "risk_point",
            "complaint_reference",
            "found_by",
            "rectification_measures",
            "rectification_note",
            "rectified_by",
            "rectified_at",
            "verification_note",
            "verified_by",
            "verified_at",
            "closed_by",
            "closed_at",
        ]
        read_only_fields = fields


class HazardReportSerializer(serializers.Serializer):
    premises = ScopedPrimaryKeyRelatedField(queryset=Premises.objects.all())
    title = VisibleCharField(max_length=200)
    source = serializers.ChoiceField(choices=HazardSource.choices, default=HazardSource.AD_HOC)
    description = VisibleCharField(required=False, allow_blank=True, default="")
    location = VisibleCharField(required=False, allow_blank=True, default="", max_length=200)
    grade = serializers.ChoiceField(choices=HazardGrade.choices, required=False, allow_null=True)
    rectify_by = serializers.DateTimeField(required=False, allow_null=True)
    found_at = serializers.DateTimeField(required=False, allow_null=True)
    checklist_item = ScopedPrimaryKeyRelatedField(
        queryset=ChecklistItem.objects.all(), required=False, allow_null=True
    )
    risk_point = ScopedPrimaryKeyRelatedField(
        queryset=RiskPoint.objects.all(), required=False, allow_null=True
    )
    complaint_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=32
    )


class HazardViewSet(TransitionEndpoint, mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Hazards on the closed loop (DESIGN.md §5). Create reports one (numbered, placed,
    graded, on the deadline clock when `rectify_by` is given); transitions: register, grade,
    start_rectifying, rectify (needs an `evidence` attachment), verify, reject, close."""

    model = Hazard
    serializer_class = HazardSerializer
    filterset_class = HazardFilterSet
    ordering_fields = ["found_at", "rectify_by", "number", "state", "grade"]

    def get_queryset(self) -> QuerySet:
        rows = super().get_queryset()
        # The list row shows the premises' name: that one join, nothing per row.
        return rows.select_related("premises") if self.action == "list" else rows

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "list":
            return HazardListSerializer
        if self.action == "create":
            return HazardReportSerializer
        return HazardSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = HazardReportSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        hazard = report_hazard(user=request.user, **data)
        return Response(HazardSerializer(hazard).data, status=status.HTTP_201_CREATED)


class GovernancePlanSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedPrimaryKeyRelatedField

    class Meta:
        model = GovernancePlan
        fields = [
            "id",
            "hazard",
            *PLAN_FIELDS,
            "submitted_by",
            "submitted_at",
        ]
        read_only_fields = ["submitted_by", "submitted_at"]
        # The service decides "one plan per hazard" (a revision), not a uniqueness error.
        validators: list[Any] = []

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["hazard"].validators = []
        if self.instance is not None:
            fields["hazard"].read_only = True
        return fields


class GovernancePlanViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, RestrictedReadOnlyModelViewSet
):
    """The six-part governance plan of a major hazard (SAWS Order 16 Art. 15); writing a plan
    for a hazard that has one revises it."""

    model = GovernancePlan
    serializer_class = GovernancePlanSerializer
    ordering_fields = ["submitted_at", "deadline"]
    select_related = ("hazard",)
    filterset_fields = ["hazard"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        hazard = data.pop("hazard")
        serializer.instance = self.save(hazard, data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("hazard", None)
        serializer.instance = self.save(serializer.instance.hazard, data)

    def save(self, hazard: Hazard, parts: dict[str, Any]) -> GovernancePlan:
        return save_governance_plan(user=self.request.user, hazard=hazard, **parts)


class InterimControlSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedPrimaryKeyRelatedField
    kind = serializers.ChoiceField(choices=InterimControlKind.choices)

    class Meta:
        model = InterimControl
        fields = [
            "id",
            "hazard",
            "kind",
            "description",
            "in_place_from",
            "lifted_at",
            "recorded_by",
        ]
        read_only_fields = ["lifted_at", "recorded_by"]
        extra_kwargs = {"in_place_from": {"required": False}}


class InterimControlViewSet(mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Measures kept while a major hazard is open (Work Safety Law Art. 41): workers withdrawn,
    cordon, equipment stopped…; `POST …/{id}/lift/` ends one."""

    model = InterimControl
    serializer_class = InterimControlSerializer
    ordering_fields = ["in_place_from"]
    select_related = ("hazard",)
    filterset_fields = ["hazard", "kind"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = record_interim_control(user=self.request.user, **data)

    def scope_action(self) -> str:
        return "change" if self.action == "lift" else super().scope_action()

    def get_permissions(self) -> list[Any]:
        if self.action == "lift":
            return [LiftPermission()]
        return super().get_permissions()

    @action(detail=True, methods=["post"])
    def lift(self, request: Request, pk: Any = None) -> Response:
        """Record that the measure was lifted."""
        control = self.get_object()
        lifted = lift_interim_control(user=request.user, control=control)
        return Response(InterimControlSerializer(lifted).data)


class LiftPermission(ModelPermissions):
    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("hazards", HazardViewSet, basename="hazard")
    router.register("governance-plans", GovernancePlanViewSet, basename="governanceplan")
    router.register("interim-controls", InterimControlViewSet, basename="interimcontrol")
