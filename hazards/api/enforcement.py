"""`/api/v1/enforcement-actions/`: enforcement documents (Work Safety Law Arts 65, 70, 102,
113). Create drafts one, PATCH edits a draft, `POST …/{id}/transitions/{issue|lift|cancel}/`
(workflow.api) issues (numbers), lifts (`lift_reason`) or cancels it through the same service
as the pages, and
`GET …/{id}/pdf/` returns the document. Documents are never deleted: a draft is cancelled."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedReadOnlyModelViewSet
from core.models import Premises
from core.pdf import pdf_response, render_pdf
from hazards.choices import EnforcementKind
from hazards.filtersets.enforcement import EnforcementActionFilterSet
from hazards.models import EnforcementAction, Hazard
from hazards.services import enforcement as service
from hazards.views.enforcement import document_context, pdf_template
from workflow.api import TransitionEndpoint

READ_FIELDS = [
    "id",
    "number",
    "kind",
    "state",
    "version",
    "premises",
    "premises_name",
    "premises_status",
    "region",
    "department",
    "hazard",
    "facts",
    "legal_basis",
    "requirements",
    "deadline",
    "effective_until",
    "amount",
    "issued_by",
    "issued_at",
    "lifted_by",
    "lifted_at",
    "lift_reason",
    "created_by",
    "created",
    "pdf_url",
]


class EnforcementKindField(serializers.ChoiceField):
    """The kind of document (named EnforcementKindEnum in the schema: settings)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=EnforcementKind.choices, **kwargs)


class EnforcementActionSerializer(serializers.ModelSerializer):
    kind = EnforcementKindField(read_only=True)
    premises_name = serializers.CharField(source="premises.name", read_only=True)
    premises_status = serializers.CharField(source="premises.status", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = EnforcementAction
        fields = READ_FIELDS
        read_only_fields = READ_FIELDS

    def get_pdf_url(self, obj: EnforcementAction) -> str:
        return reverse("api:enforcementaction-pdf", args=[obj.pk])


class DraftSerializer(serializers.Serializer):
    premises = ScopedPrimaryKeyRelatedField(queryset=Premises.objects.all())
    kind = EnforcementKindField()
    hazard = ScopedPrimaryKeyRelatedField(
        queryset=Hazard.objects.all(), required=False, allow_null=True
    )
    facts = serializers.CharField()
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    requirements = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    effective_until = serializers.DateField(required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )


class DraftUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version last read (409).")
    hazard = ScopedPrimaryKeyRelatedField(
        queryset=Hazard.objects.all(), required=False, allow_null=True
    )
    facts = serializers.CharField(required=False)
    legal_basis = serializers.CharField(required=False)
    requirements = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.DateTimeField(required=False, allow_null=True)
    effective_until = serializers.DateField(required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )


class EnforcementActionViewSet(
    TransitionEndpoint,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RestrictedReadOnlyModelViewSet,
):
    """Enforcement documents: drafted, issued with a number, lifted; their PDF."""

    model = EnforcementAction
    serializer_class = EnforcementActionSerializer
    filterset_class = EnforcementActionFilterSet
    ordering_fields = ["created", "issued_at", "number", "kind", "state", "deadline"]
    select_related = ("premises",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_action(self) -> str:
        return "view" if self.action == "pdf" else super().scope_action()

    @extend_schema(request=DraftSerializer, responses={201: EnforcementActionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = DraftSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        draft = service.draft_action(user=request.user, **incoming.validated_data)
        draft.refresh_from_db()
        return Response(self.get_serializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DraftUpdateSerializer, responses=EnforcementActionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        incoming = DraftUpdateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version")
        saved = service.update_draft(request.user, obj, data, version)
        return Response(self.get_serializer(saved).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Use PATCH to edit a draft.", "code": "method_not_allowed"},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, **kwargs: Any) -> HttpResponse:
        """The document as a PDF (a draft is marked DRAFT)."""
        obj = self.get_object()
        content = render_pdf(pdf_template(obj), document_context(obj))
        return pdf_response(content, f"{obj.number} {obj.get_kind_display()}")


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("enforcement-actions", EnforcementActionViewSet, basename="enforcementaction")
