"""`/api/v1/case-documents/`: a complaint's written documents (notices, the four-part opinions).

- list (`?complaint=`, `?kind=`, `?state=`) and retrieve, within the user's scope;
- create: an opinion draft `{"complaint", "kind", "request", "facts_and_reasons", "decision",
  "legal_basis", "outcome"}` or a notice `{"complaint", "kind", "body"}` (blank: standard text);
- PATCH `{"version", ...text}` edits a draft opinion or an undelivered notice;
- `POST …/{id}/transitions/{submit|approve|send_back|deliver}/` `{"version", "data"}`
  (workflow.api); deliver takes `{"delivered_at", "delivery_method", "delivery_proof"}` (and
  scans as multipart `proof` files) and, for an opinion, moves the complaint on with the review
  window starting at `delivered_at` (Arts 35–36);
- `GET …/{id}/pdf/`: the document, addressed to the complainant (404 for the unit complained
  about, 403 without sight of identity; each download audited).

The complainant's review and re-review requests and a re-review hearing are the complaint's own
transitions (`/api/v1/complaints/{id}/transitions/request_review/` …). Errors carry stable
codes; never a 500.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from complaints.choices import (
    OPINION_KINDS,
    DocumentKind,
    DocumentState,
    OpinionOutcome,
)
from complaints.models import CaseDocument, Complaint
from complaints.services import documents as service
from complaints.views.documents import document_pdf_response
from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedReadOnlyModelViewSet
from workflow.api import TransitionEndpoint

TEXT_FIELDS = ("body", "request", "facts_and_reasons", "decision", "legal_basis", "outcome")


class CaseDocumentSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = [
            "id", "complaint", "kind", "number", "state", "version", *TEXT_FIELDS,
            "drafted_by", "drafted_at", "approved_by", "approved_at", "return_reason",
            "delivered_at", "delivery_method", "delivery_proof", "supersedes", "pdf_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_pdf_url(self, obj: CaseDocument) -> str:
        return reverse("api:casedocument-pdf", args=[obj.pk])


class DocumentCreateSerializer(serializers.Serializer):
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.all())
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    request = serializers.CharField(required=False, allow_blank=True, default="")
    facts_and_reasons = serializers.CharField(required=False, allow_blank=True, default="")
    decision = serializers.CharField(required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=OpinionOutcome.choices, required=False, allow_blank=True, default=""
    )


class DocumentUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version last read (409).")
    body = serializers.CharField(required=False, allow_blank=True)
    request = serializers.CharField(required=False, allow_blank=True)
    facts_and_reasons = serializers.CharField(required=False, allow_blank=True)
    decision = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    outcome = serializers.ChoiceField(
        choices=OpinionOutcome.choices, required=False, allow_blank=True
    )


class CaseDocumentFilterSet(django_filters.FilterSet):
    complaint = django_filters.NumberFilter(field_name="complaint_id")
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    state = django_filters.ChoiceFilter(choices=DocumentState.choices)

    class Meta:
        model = CaseDocument
        fields = ["complaint", "kind", "state"]


class CaseDocumentViewSet(
    TransitionEndpoint,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RestrictedReadOnlyModelViewSet,
):
    """A complaint's written documents: drafted, approved, delivered; their PDF."""

    model = CaseDocument
    serializer_class = CaseDocumentSerializer
    filterset_class = CaseDocumentFilterSet
    ordering_fields = ["drafted_at", "delivered_at", "number", "kind", "state"]
    select_related = ("complaint",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_action(self) -> str:
        # edits and the PDF are checked by the services for their own action
        if self.action in ("pdf", "partial_update", "update"):
            return "view"
        return super().scope_action()

    @extend_schema(request=DocumentCreateSerializer, responses={201: CaseDocumentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = DocumentCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        complaint, kind, body = data.pop("complaint"), data.pop("kind"), data.pop("body")
        if kind in OPINION_KINDS:
            document = service.draft_opinion(complaint, request.user, kind, **data)
        else:
            document = service.issue_notice(complaint, request.user, kind, body)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DocumentUpdateSerializer, responses=CaseDocumentSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        incoming = DocumentUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version")
        saved = service.update_draft(document, request.user, data, version)
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
        """The document as a PDF addressed to the complainant (a draft is marked DRAFT)."""
        return document_pdf_response(request.user, self.get_object())


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("case-documents", CaseDocumentViewSet, basename="casedocument")
