"""Inspections API: open one, record item results (and photos), complete or cancel it
(`POST …/{id}/transitions/{complete|cancel}/`, workflow.api), list and read them with their
results. The same service functions as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedReadOnlyModelViewSet
from core.models import Premises
from hazards.choices import InspectionKind, Outcome
from hazards.filtersets.inspections import InspectionFilterSet
from hazards.models import Campaign, ChecklistItem, ChecklistTemplate, Inspection, InspectionResult
from hazards.services import inspections as service
from workflow.api import TransitionEndpoint


class InspectionResultSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="item.number", read_only=True)
    hazard = serializers.SerializerMethodField()

    class Meta:
        model = InspectionResult
        fields = ["id", "item", "number", "outcome", "note", "recorded_at", "hazard"]

    def get_hazard(self, result: InspectionResult) -> int | None:
        hazard = getattr(result, "hazard", None)
        return hazard.pk if hazard is not None else None


class InspectionSerializer(serializers.ModelSerializer):
    results = InspectionResultSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "premises", "region", "department", "template", "kind", "campaign",
                  "inspector", "state", "version", "planned_on", "started_at", "completed_at",
                  "representative_name", "notes", "score", "failed_count", "results"]  # fmt: skip
        read_only_fields = fields


class InspectionListSerializer(InspectionSerializer):
    class Meta(InspectionSerializer.Meta):
        fields = [name for name in InspectionSerializer.Meta.fields if name != "results"]
        read_only_fields = fields


class OpenInspectionSerializer(serializers.Serializer):
    premises = ScopedPrimaryKeyRelatedField(queryset=Premises.objects.all())
    template = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistTemplate.objects.all(), required=False, allow_null=True, default=None
    )
    kind = serializers.ChoiceField(choices=InspectionKind.choices, default=InspectionKind.ROUTINE)
    campaign = ScopedPrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True, default=None
    )
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RecordResultSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ChecklistItem.objects.all())
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PhotoSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ChecklistItem.objects.all())
    photo = serializers.FileField()


class InspectionViewSet(
    TransitionEndpoint, mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet
):
    """Inspections with their item results; `POST` opens one (default checklist: the
    premises' sector's), `results` records an item, `photo` adds a photo; transitions:
    complete (scores it), cancel."""

    model = Inspection
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet
    ordering_fields = ["started_at", "completed_at", "planned_on", "score", "failed_count"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return InspectionListSerializer if self.action == "list" else InspectionSerializer

    def scope_action(self) -> str:
        if getattr(self, "action", None) in ("results", "photo"):
            return "change"
        return super().scope_action()

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        if self.action == "list":
            return queryset
        results = InspectionResult.objects.select_related("item", "hazard").order_by("item__number")
        return queryset.prefetch_related(Prefetch("results", queryset=results))

    def refreshed(self, inspection: Inspection, code: int = 200) -> Response:
        fresh = self.prefetch(Inspection.objects.filter(pk=inspection.pk)).get()
        return Response(InspectionSerializer(fresh, context=self.get_serializer_context()).data,
                        status=code)  # fmt: skip

    @extend_schema(request=OpenInspectionSerializer, responses=InspectionSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = OpenInspectionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        inspection = service.open_inspection(user=request.user, **body.validated_data)
        return self.refreshed(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=RecordResultSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        """Record (or correct) one checklist item's outcome and note."""
        inspection = self.get_object()
        body = RecordResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.record_result(user=request.user, inspection=inspection, **body.validated_data)
        return self.refreshed(inspection)

    @extend_schema(request=PhotoSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def photo(self, request: Request, pk: str | None = None) -> Response:
        """Attach a photo to an answered item (stored with time, size and SHA-256)."""
        inspection = self.get_object()
        body = PhotoSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = InspectionResult.objects.filter(
            inspection=inspection, item=body.validated_data["item"]
        ).first()
        if result is None:
            return Response(
                {"detail": _("Record the outcome before adding a photo."), "code": "no_result"},
                status=400,
            )
        service.add_photo(user=request.user, result=result, upload=body.validated_data["photo"])
        return self.refreshed(inspection, status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("inspections", InspectionViewSet, basename="inspection")
