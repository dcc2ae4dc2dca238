"""`/api/v1/case-documents/`: a case's written documents (notices, the four-part opinions).

- list (`?complaint=`, `?kind=`, `?state=`) and retrieve, within the user's scope;
- create: an opinion draft `{"complaint", "kind", "request", "facts_and_reasons", "decision",
  "legal_basis", "outcome"}` or a notice `{"complaint", "kind", "body"}` (blank: standard text);
- PATCH `{"version", ...text}` edits a draft opinion or an undelivered notice;
- `POST …/{id}/transitions/{submit|approve|send_back|deliver}/` `{"version", "data"}`;
  deliver takes `{"delivered_at", "delivery_method", "delivery_proof"}` and, for an opinion,
  moves the case on with the review window starting at `delivered_at` (Arts 35–36);
- `GET …/{id}/pdf/`: the document, addressed to the complainant (404 for the unit complained
  about, 403 without sight of identity; each download audited).

`/api/v1/review-requests/` records the complainant's review or re-review request, dated when
it reached us (refused after the window, naming its end); `/api/v1/hearings/` starts or ends a
re-review hearing (its time is not counted). Errors carry stable codes; never a 500.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from complaints.choices import (
    OPINION_KINDS,
    DeliveryMethod,
    DocumentKind,
    DocumentState,
    OpinionOutcome,
)
from complaints.models import CaseDocument, Complaint
from complaints.services import documents as service
from complaints.services import reviews
from core.api.permissions import ModelPermissions
from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedQuerysetMixin, RestrictedReadOnlyModelViewSet
from workflow.api import TransitionRequestSerializer, error_response
from workflow.errors import UnknownTransition, WorkflowError

TEXT_FIELDS = ("body", "request", "facts_and_reasons", "decision", "legal_basis", "outcome")


class CaseDocumentSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = [
            "id", "complaint", "kind", "number", "state", "version", *TEXT_FIELDS,
            "drafted_by", "drafted_at", "approved_by", "approved_at", "return_reason",
            "delivered_at", "delivery_method", "delivery_proof", "pdf_url",
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


class DeliverySerializer(serializers.Serializer):
    delivered_at = serializers.DateTimeField()
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    delivery_proof = serializers.CharField(required=False, allow_blank=True, default="")


class CaseDocumentFilterSet(django_filters.FilterSet):
    complaint = django_filters.NumberFilter(field_name="complaint_id")
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    state = django_filters.ChoiceFilter(choices=DocumentState.choices)

    class Meta:
        model = CaseDocument
        fields = ["complaint", "kind", "state"]


# Transitions change the document: its change permission; the services check roles and scope.
class DocumentPermissions(ModelPermissions):
    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) == "transition":
            return bool(request.user.has_perm("complaints.change_casedocument"))
        return super().has_permission(request, view)


class CaseDocumentViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, RestrictedReadOnlyModelViewSet
):
    """A case's written documents: drafted, approved, delivered; their PDF."""

    model = CaseDocument
    serializer_class = CaseDocumentSerializer
    filterset_class = CaseDocumentFilterSet
    permission_classes = [DocumentPermissions]
    ordering_fields = ["drafted_at", "delivered_at", "number", "kind", "state"]
    select_related = ("complaint",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_action(self) -> str:
        # transitions, edits and the PDF are checked by the services for their own action
        if self.action in ("transition", "pdf", "partial_update", "update"):
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
        try:
            if kind in OPINION_KINDS:
                document = service.draft_opinion(complaint, request.user, kind, **data)
            else:
                document = service.issue_notice(complaint, request.user, kind, body)
        except WorkflowError as error:
            return error_response(error)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DocumentUpdateSerializer, responses=CaseDocumentSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        incoming = DocumentUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version")
        try:
            saved = service.update_draft(document, request.user, data, version)
        except WorkflowError as error:
            return error_response(error)
        return Response(self.get_serializer(saved).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Use PATCH to edit a draft.", "code": "method_not_allowed"},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=TransitionRequestSerializer, responses=CaseDocumentSerializer)
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<transition>[a-z_]+)")
    def transition(self, request: Request, transition: str, **kwargs: Any) -> Response:
        """`submit`, `approve`, `send_back` (`{"return_reason"}`) or `deliver`
        (`{"delivered_at", "delivery_method", "delivery_proof"}`); body `{"version", "data"}`."""
        document = self.get_object()
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version, data = body.validated_data["version"], body.validated_data["data"]
        try:
            fired = self.fire(document, transition, version, data)
        except WorkflowError as error:
            return error_response(error)
        return Response(self.get_serializer(fired).data)

    def fire(
        self, document: CaseDocument, transition: str, version: int, data: dict[str, Any]
    ) -> CaseDocument:
        user = self.request.user
        if transition == "submit":
            return service.submit(document, user, version)
        if transition == "approve":
            return service.approve(document, user, version)
        if transition == "send_back":
            return service.send_back(document, user, str(data.get("return_reason", "")), version)
        if transition == "deliver":
            delivery = DeliverySerializer(data=data)
            delivery.is_valid(raise_exception=True)
            d = delivery.validated_data
            return service.deliver(
                document, user, d["delivered_at"], d["delivery_method"], d["delivery_proof"],
                expected_version=version,
            )  # fmt: skip
        raise UnknownTransition(transition=transition)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, **kwargs: Any) -> HttpResponse:
        """The document as a PDF addressed to the complainant (a draft is marked DRAFT)."""
        from complaints.views.documents import document_pdf_response

        return document_pdf_response(request.user, self.get_object())


class ReviewRequestSerializer(serializers.Serializer):
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.all())
    which = serializers.ChoiceField(choices=[("review", "review"), ("rereview", "rereview")])
    requested_at = serializers.DateTimeField(
        help_text="When the request reached us (the window is counted to this moment)."
    )
    version = serializers.IntegerField(min_value=1, help_text="The case version last read.")


class HearingSerializer(serializers.Serializer):
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.all())
    step = serializers.ChoiceField(choices=[("start", "start"), ("end", "end")])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, help_text="The case version last read.")


class CaseActionPermission(ModelPermissions):
    """Recording a request or a hearing changes the case; the engine checks roles and scope."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class CaseActionViewSet(RestrictedQuerysetMixin, viewsets.GenericViewSet):
    model = Complaint
    permission_classes = [CaseActionPermission]

    def scope_action(self) -> str:
        return "view"

    def answer(self, complaint: Complaint) -> Response:
        complaint.refresh_from_db()
        return Response(
            {
                "complaint": complaint.pk,
                "state": complaint.state,
                "version": complaint.version,
                "hearing_in_progress": reviews.hearing_in_progress(complaint),
            }
        )


class ReviewRequestViewSet(CaseActionViewSet):
    """The complainant's review (Art. 35) or re-review (Art. 36) request."""

    @extend_schema(request=ReviewRequestSerializer, responses=OpenApiTypes.OBJECT)
    def create(self, request: Request) -> Response:
        incoming = ReviewRequestSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        ask = reviews.request_review if d["which"] == "review" else reviews.request_rereview
        try:
            complaint = ask(d["complaint"], request.user, d["requested_at"], d["version"])
        except WorkflowError as error:
            return error_response(error)
        return self.answer(complaint)


class HearingViewSet(CaseActionViewSet):
    """A re-review hearing starts (the opinion clock pauses) or ends (it runs again)."""

    @extend_schema(request=HearingSerializer, responses=OpenApiTypes.OBJECT)
    def create(self, request: Request) -> Response:
        incoming = HearingSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        try:
            if d["step"] == "start":
                complaint = reviews.hold_hearing(
                    d["complaint"], request.user, d["reason"], d["version"]
                )
            else:
                complaint = reviews.end_hearing(d["complaint"], request.user, d["version"])
        except WorkflowError as error:
            return error_response(error)
        return self.answer(complaint)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("case-documents", CaseDocumentViewSet, basename="casedocument")
    router.register("review-requests", ReviewRequestViewSet, basename="reviewrequest")
    router.register("hearings", HearingViewSet, basename="hearing")
