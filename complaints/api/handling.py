"""`/api/v1/complaint-tasks/`, `/complaint-transfers/`, `/complaint-notes/`,
`/complaint-referrals/` and the handling actions on `/complaint-actions/{id}/…`.

Everything is read through `restrict(user)` (outside the scope: 404) and written through
complaints.services.handling, the same functions the pages call; a refusal answers with its
status and a stable `code` (`{"detail", "code"}`), and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from complaints.choices import ComplaintState, ReferralBody, TaskRole
from complaints.models import CaseNote, Complaint, HandlingTask, Transfer
from complaints.services import handling
from core.api.permissions import ModelPermissions
from core.api.serializers import ScopedPrimaryKeyRelatedField
from core.api.views import RestrictedQuerysetMixin, RestrictedReadOnlyModelViewSet
from core.models import Department
from workflow.api import error_response
from workflow.errors import WorkflowError


class ActOnViewPermission(ModelPermissions):
    """Acting needs the model's view permission here; the service then checks the role, the
    scope for the change and the rules of the step (403 or 400 with the reason)."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class ActionsMixin:
    """Detail actions read the row with the view scope (404 outside) and act through a
    service; any refusal is the service's WorkflowError."""

    act_actions: tuple[str, ...] = ()

    def scope_action(self) -> str:
        if getattr(self, "action", None) in self.act_actions:
            return "view"
        return super().scope_action()  # type: ignore[misc]

    def get_permissions(self) -> list[Any]:
        if getattr(self, "action", None) in self.act_actions:
            return [ActOnViewPermission()]
        return super().get_permissions()  # type: ignore[misc]


def acted(call: Any, answer: Any) -> Response:
    try:
        result = call()
    except WorkflowError as error:
        return error_response(error)
    return Response(answer(result))


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


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version last read; a stale one is a 409."
    )


class TaskResultSerializer(VersionSerializer):
    result = serializers.CharField()


class HandlingTaskViewSet(ActionsMixin, mixins.CreateModelMixin, RestrictedReadOnlyModelViewSet):
    """Unit tasks: the lead unit's and each assisting unit's own task and deadline. Create
    gives a task (the desk or the lead unit; never to the unit complained about); `complete`
    reports it done with its result, `cancel` withdraws it."""

    model = HandlingTask
    serializer_class = TaskSerializer
    filterset_fields = ["complaint", "department", "role", "state"]
    ordering_fields = ["due", "assigned_at", "state"]
    select_related = ("complaint", "department")
    act_actions = ("complete", "cancel")

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TaskCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        try:
            task = handling.assign_task(
                values["complaint"], request.user, values["department"], values["role"],
                values["instructions"], values["due"],
            )  # fmt: skip
        except WorkflowError as error:
            return error_response(error)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TaskResultSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        """Report the task done, with its result."""
        task = self.get_object()
        body = TaskResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        return acted(
            lambda: handling.complete_task(
                task, request.user, values["result"], values.get("version")
            ),
            lambda done: TaskSerializer(done).data,
        )

    @extend_schema(request=VersionSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        """Withdraw the task (the desk or the unit leader)."""
        task = self.get_object()
        body = VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return acted(
            lambda: handling.cancel_task(task, request.user, body.validated_data.get("version")),
            lambda done: TaskSerializer(done).data,
        )


# --- transfers and notes -------------------------------------------------------------------


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = ["id", "complaint", "kind", "from_department", "to_department", "reason",
                  "by", "at"]  # fmt: skip
        read_only_fields = fields


class TransferViewSet(RestrictedReadOnlyModelViewSet):
    """Every move of a case: routed by the desk, transferred (counted), or returned by a unit
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
    """Notes on a case: internal (staff only), or `for_complainant` (shown on the portal;
    written only by the desk and the lead unit). A unit the case is about reads only the
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
        try:
            note = handling.add_note(
                values["complaint"], request.user, values["text"],
                values.get("for_complainant", False),
            )  # fmt: skip
        except WorkflowError as error:
            return error_response(error)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- the case's handling actions -----------------------------------------------------------


class CaseStateSerializer(serializers.ModelSerializer):
    """The case after a handling step: the matter's state, never who complained."""

    class Meta:
        model = Complaint
        fields = [
            "id", "number", "title", "state", "version", "department", "handler",
            "transfer_count", "routed_at", "accepted_at", "objection_reason", "referral_body",
            "referral_reason", "referral_result", "referral_result_at",
        ]  # fmt: skip
        read_only_fields = fields


class RouteSerializer(VersionSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True,
        help_text="Left out: the unit the category and place route to.",
    )  # fmt: skip
    summary = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TransferRequestSerializer(VersionSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    reason = serializers.CharField()


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField()


class ReferSerializer(VersionSerializer):
    referral_body = serializers.ChoiceField(choices=ReferralBody.choices)
    referral_reason = serializers.CharField()


class ExtendSerializer(VersionSerializer):
    days = serializers.IntegerField(min_value=1, max_value=30)
    reason = serializers.CharField()


class ReferralResultSerializer(VersionSerializer):
    result = serializers.CharField()


class ComplaintActionViewSet(ActionsMixin, RestrictedQuerysetMixin, viewsets.GenericViewSet):
    """Handling steps on a case, each with the version last read: `route` (the desk),
    `transfer` (the desk, with a reason; counted), `object` (the lead unit, within 5 working
    days: not its remit; counted), `accept` (the lead unit), `refer` (诉访分离, with a
    referral notice), `extend` (the unit leader, ≤ 30 days in total, with an extension
    notice), `referral-result`. Refused to the unit complained about."""

    model = Complaint
    serializer_class = CaseStateSerializer
    act_actions = ("route", "transfer", "object", "accept", "refer", "extend", "referral_result")

    def _act(self, request: Request, incoming: type[serializers.Serializer], step: Any) -> Response:
        case = self.get_object()
        body = incoming(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        version = values.pop("version", None)
        return acted(
            lambda: step(case, request.user, values, version),
            lambda done: CaseStateSerializer(done).data,
        )

    @extend_schema(request=RouteSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"])
    def route(self, request: Request, pk: Any = None) -> Response:
        """The desk routes the matter to a unit (Art. 22)."""
        return self._act(request, RouteSerializer, _route)

    @extend_schema(request=TransferRequestSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: Any = None) -> Response:
        """The desk moves the case to another unit, with a reason; the new unit accepts."""
        return self._act(request, TransferRequestSerializer, _transfer)

    @extend_schema(request=ReasonSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"], url_path="object")
    def object(self, request: Request, pk: Any = None) -> Response:
        """The lead unit says the matter is not its remit (Art. 23: 5 working days)."""
        return self._act(request, ReasonSerializer, _object)

    @extend_schema(request=VersionSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        """The lead unit accepts: the handling clock starts (Art. 34)."""
        return self._act(request, VersionSerializer, _accept)

    @extend_schema(request=ReferSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: Any = None) -> Response:
        """Refer to a court, arbitration, reconsideration or discipline body (Art. 31)."""
        return self._act(request, ReferSerializer, _refer)

    @extend_schema(request=ExtendSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: Any = None) -> Response:
        """The unit leader extends the handling time (Art. 34: ≤ 30 days in total)."""
        return self._act(request, ExtendSerializer, _extend)

    @extend_schema(request=ReferralResultSerializer, responses={200: CaseStateSerializer})
    @action(detail=True, methods=["post"], url_path="referral-result")
    def referral_result(self, request: Request, pk: Any = None) -> Response:
        """Record what became of a referred matter."""
        return self._act(request, ReferralResultSerializer, _referral_result)


# Each step: (case, user, validated values, version) → the case as now stored.
def _route(case: Complaint, user: Any, v: dict[str, Any], version: Any) -> Complaint:
    return handling.route(case, user, v.get("department"), v.get("summary"), v["note"], version)


def _transfer(case: Complaint, user: Any, v: dict[str, Any], version: Any) -> Complaint:
    return handling.transfer(case, user, v["department"], v["reason"], version)


def _object(case: Complaint, user: Any, v: dict[str, Any], version: Any) -> Complaint:
    return handling.object_to_remit(case, user, v["reason"], version)


def _accept(case: Complaint, user: Any, v: dict[str, Any], version: Any) -> Complaint:
    return handling.accept(case, user, None, version)


def _refer(case: Complaint, user: Any, v: dict[str, Any], version: Any) -> Complaint:
    return handling.refer(case, user, v["referral_body"], v["referral_reason"], version)


def _extend(case: Complaint, user: Any, v: dict[str, Any], version: Any) -> Complaint:
    return handling.extend(case, user, v["days"], v["reason"], version)


def _referral_result(case: Complaint, user: Any, v: dict[str, Any], version: Any) -> Complaint:
    return handling.record_referral_result(case, user, v["result"], version)


class ReferralViewSet(RestrictedReadOnlyModelViewSet):
    """Referred matters (诉访分离); `?awaiting=true` keeps those whose result is not yet
    recorded."""

    model = Complaint
    serializer_class = CaseStateSerializer
    ordering_fields = ["updated", "number"]

    def get_queryset(self) -> QuerySet:
        rows = super().get_queryset().filter(state=ComplaintState.REFERRED)
        if self.request.query_params.get("awaiting") in ("true", "1"):
            rows = rows.filter(referral_result="")
        return rows


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("complaint-tasks", HandlingTaskViewSet, basename="handlingtask")
    router.register("complaint-transfers", TransferViewSet, basename="transfer")
    router.register("complaint-notes", CaseNoteViewSet, basename="casenote")
    router.register("complaint-referrals", ReferralViewSet, basename="referral")
    router.register("complaint-actions", ComplaintActionViewSet, basename="complaintaction")
