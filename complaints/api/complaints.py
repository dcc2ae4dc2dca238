"""`/api/v1/complaints/`: complaints within the user's scope, the matter only.

- list (the complaint-list filters, `ordering`, `limit`/`offset` with `count`) and retrieve;
- create: a clerk registers a complaint through `register_complaint` (all channels' one path); the
  answer carries the number, the receipt code and the query password, this once;
- `POST complaints/{id}/transitions/{name}/` `{"version", "data"}` (workflow.api): every step
  of the complaint, errors with stable codes (`version_conflict` 409, `transition_forbidden` 403,
  …);
- `GET complaints/{id}/complainants/`: the identity, for staff who may see it, every showing
  audited; a 404 for the unit complained about (Letters and Visits Regulations, Arts 30, 46).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.serializers import BaseSerializer

from complaints.api.serializers import (
    ComplainantSerializer,
    ComplaintCreateSerializer,
    ComplaintListSerializer,
    ComplaintSerializer,
    ReceiptSerializer,
)
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint
from complaints.services import protection
from complaints.services.intake import ComplainantData, Intake, RespondentData, register_complaint
from complaints.tables import LIST_JOINS, with_next_due
from core.api.views import RestrictedReadOnlyModelViewSet
from workflow.api import TransitionEndpoint


def intake_from(data: dict[str, Any]) -> Intake:
    return Intake(
        channel=data["channel"],
        category=data["category"],
        region=data["region"],
        title=data["title"],
        original_text=data["original_text"],
        summary=data["summary"],
        address=data["address"],
        lat=data["lat"],
        long=data["long"],
        received_at=data["received_at"],
        premises=data["premises"],
        complainants=[ComplainantData(**person) for person in data["complainants"]],
        respondents=[RespondentData(**named) for named in data["respondents"]],
        answers=dict(data["answers"]),
        visitor_count=data["visitor_count"],
    )


class ComplaintViewSet(TransitionEndpoint, mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Citizen complaints (信访事项) on the statutory clocks of DESIGN.md §6. Create registers
    one (clerks); transitions: route, object_remit, accept, not_accept, refer, extend,
    deliver_opinion, request_review, deliver_review_opinion, request_rereview, hold_hearing,
    end_hearing, deliver_rereview_opinion, conclude."""

    model = Complaint
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    ordering_fields = ["received_at", "number", "state", "next_due", "repeat_count"]
    select_related = LIST_JOINS

    def scope_action(self) -> str:
        return "view" if self.action == "complainants" else super().scope_action()

    def prefetch(self, queryset: QuerySet) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return queryset  # the schema generator needs the model only, no database
        rows = with_next_due(queryset)
        if self.action in ("retrieve", "transition"):
            return rows.prefetch_related("answers__attribute")
        return rows

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "list":
            return ComplaintListSerializer
        if self.action == "create":
            return ComplaintCreateSerializer
        if self.action == "complainants":
            return ComplainantSerializer
        return ComplaintSerializer

    @extend_schema(responses={201: ReceiptSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ComplaintCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        receipt = register_complaint(intake_from(incoming.validated_data), request.user)
        complaint = receipt.complaint
        answer = {
            "id": complaint.pk, "number": complaint.number, "receipt_code": receipt.receipt_code,
            "query_password": receipt.query_password, "state": complaint.state,
            "version": complaint.version,
        }  # fmt: skip
        return Response(ReceiptSerializer(answer).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ComplainantSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def complainants(self, request: Request, pk: Any = None) -> Response:
        """Who complained: each showing is written to the audit log. 404 for users the complaint
        is about or who recused; 403 for roles without sight of identities."""
        complaint = self.get_object()
        if not request.user.has_perm("complaints.view_complainant"):
            raise PermissionDenied()
        if not protection.may_see_identity(request.user, complaint):
            raise Http404
        people = protection.reveal(request.user, complaint)
        return Response(ComplainantSerializer(people, many=True).data)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("complaints", ComplaintViewSet, basename="complaint")
