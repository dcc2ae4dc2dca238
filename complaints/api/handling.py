"""`/api/v1/complaint-tasks/`, `/complaint-transfers/`, `/complaint-notes/` and
`/complaint-referrals/`.

Everything is read through `restrict(user)` (outside the scope: 404) and written through
complaints.services.handling, the same functions the pages call. A task's steps (complete,
cancel) are its machine's transitions (`POST …/{id}/transitions/{name}/`, workflow.api), as
are the complaint's (`/complaints/{id}/transitions/{route|transfer|…}/`). A refusal answers with
its status and a stable `code` (`{"detail", "code"}`, core.api.exceptions), and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from complaints.choices import ComplaintState, TaskRole
from complaints.models import CaseNote, Complaint, HandlingTask, Transfer
from complaints.services import handling
from core.api.permissions import ModelPermissions
from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedReadOnlyModelViewSet
from core.models import Department
from workflow.api import TransitionEndpoint

# --- tasks ---------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    complaint_number = serializers.CharField(source="complaint.number", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = HandlingTask
        fields = [
            "id", "complaint", "complaint_number", "department", "department_name", "role",
            "instructions", "due", "state", "version", "assigned_by", "assigned_at", "result",
            "done_by", "done_at",
        ]  # fmt: skip
        read_only_fields = fields


class TaskCreateSerializer(serializers.Serializer):
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.all())
    # Any unit of the directory may be named (the service refuses the unit complained about).
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    role = serializers.ChoiceField(choices=TaskRole.choices)
    instructions = serializers.CharField()
    due = serializers.DateTimeField()


class HandlingTaskViewSet(
    TransitionEndpoint, mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet
):
    """Unit tasks: the lead unit's and each assisting unit's own task and deadline. Create
    gives a task (the desk or the lead unit; never to the unit complained about); transitions:
    complete (`{"result"}`, the unit reports it done), cancel (withdraws it)."""

    model = HandlingTask
    serializer_class = TaskSerializer
    filterset_fields = ["complaint", "department", "role", "state"]
    ordering_fields = ["due", "assigned_at", "state"]
    select_related = ("complaint", "department")

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TaskCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        task = handling.assign_task(
            values["complaint"], request.user, values["department"], values["role"],
            values["instructions"], values["due"],
        )  # fmt: skip
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


# --- transfers and notes -------------------------------------------------------------------


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = ["id", "complaint", "kind", "from_department", "to_department", "reason",
                  "by", "at"]  # fmt: skip
        read_only_fields = fields


class TransferViewSet(RestrictedReadOnlyModelViewSet):
    """Every move of a complaint: routed by the desk, transferred (counted), or returned by a unit
    as not its remit (counted), each with its reason."""

    model = Transfer
    serializer_class = TransferSerializer
    filterset_fields = ["complaint", "kind", "to_department", "from_department"]
    ordering_fields = ["at", "id"]


class NoteSerializer(serializers.ModelSerializer):
    complaint = ScopedPrimaryKeyRelatedField(queryset=Complaint.objects.all())

    class Meta:
        model = CaseNote
        fields = ["id", "complaint", "text", "for_complainant", "author", "at"]
        read_only_fields = ["id", "author", "at"]


class CaseNoteViewSet(mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Notes on a complaint: internal (staff only), or `for_complainant` (shown on the portal;
    written only by the desk and the lead unit). A unit the complaint is about reads only the
    notes meant for the complainant and its own."""

    model = CaseNote
    serializer_class = NoteSerializer
    filterset_fields = ["complaint", "for_complainant"]
    ordering_fields = ["at", "id"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return CaseNote.objects.none()
        if self.scope_action() != "view":
            return super().get_queryset()
        return handling.notes_for(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = NoteSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        note = handling.add_note(
            values["complaint"], request.user, values["text"],
            values.get("for_complainant", False),
        )  # fmt: skip
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- the complaint's handling actions -----------------------------------------------------------


class CaseStateSerializer(serializers.ModelSerializer):
    """The complaint after a handling step: the matter's state, never who complained."""

    class Meta:
        model = Complaint
        fields = [
            "id", "number", "title", "state", "version", "department", "handler",
            "transfer_count", "routed_at", "accepted_at", "objection_reason", "referral_body",
            "referral_reason", "referral_result", "referral_result_at",
        ]  # fmt: skip
        read_only_fields = fields


class ReferralResultSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version last read; a stale one is a 409."
    )
    result = serializers.CharField()


class ReferralResultPermission(ModelPermissions):
    """Recording the result needs the complaint's view permission here; the service checks the
    change permission, the scope and that the desk or the lead unit records it."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class ReferralViewSet(RestrictedReadOnlyModelViewSet):
    """Referred matters (诉访分离); `?awaiting=true` keeps those whose result is not yet
    recorded; `POST …/{id}/result/` records what became of one."""

    model = Complaint
    serializer_class = CaseStateSerializer
    ordering_fields = ["updated", "number"]

    def get_queryset(self) -> QuerySet:
        rows = super().get_queryset().filter(state=ComplaintState.REFERRED)
        if self.request.query_params.get("awaiting") in ("true", "1"):
            rows = rows.filter(referral_result="")
        return rows

    def scope_action(self) -> str:
        return "view" if self.action == "result" else super().scope_action()

    def get_permissions(self) -> list[Any]:
        if self.action == "result":
            return [ReferralResultPermission()]
        return super().get_permissions()

    @extend_schema(request=ReferralResultSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"])
    def result(self, request: Request, pk: Any = None) -> Response:
        """Record what the court, arbitrator or body did with the referred matter."""
        complaint = self.get_object()
        body = ReferralResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        done = handling.record_referral_result(
            complaint, request.user, values["result"], values.get("version")
        )
        return Response(CaseStateSerializer(done).data)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("complaint-tasks", HandlingTaskViewSet, basename="handlingtask")
    router.register("complaint-transfers", TransferViewSet, basename="transfer")
    router.register("complaint-notes", CaseNoteViewSet, basename="casenote")
    router.register("complaint-referrals", ReferralViewSet, basename="referral")
