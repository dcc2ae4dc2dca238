"""`/api/v1/backlog-cases/`: backlog cases (积案) within the user's scope, the matter only.

- list (the backlog list's filters, `ordering`) and retrieve;
- `PATCH`/`PUT backlog-cases/{id}/` sets the responsible leader, the plan and the target date
  (unit leaders and supervisors, through complaints.services.backlog.plan_backlog);
- `POST backlog-cases/{id}/resolve/` `{"resolution"}` closes it.
Complaints become backlog cases by the periodic designation, never through the API.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from complaints.forms.backlog import BacklogCaseFilterSet
from complaints.models import BacklogCase
from complaints.services.backlog import plan_backlog, resolve_backlog
from core.api.permissions import ModelPermissions
from core.api.views import RestrictedReadOnlyModelViewSet
from core.models import User


class BacklogCaseSerializer(serializers.ModelSerializer):
    complaint_number = serializers.CharField(source="complaint.number", read_only=True)
    title = serializers.CharField(source="complaint.title", read_only=True)

    class Meta:
        model = BacklogCase
        fields = [
            "id", "complaint", "complaint_number", "title", "rule", "reason", "state", "region",
            "department", "responsible_leader", "plan", "target_date", "designated_at",
            "resolved_at", "resolution",
        ]  # fmt: skip
        read_only_fields = fields


class BacklogPlanSerializer(serializers.Serializer):
    # Checked by the service against the leaders the editor may name.
    responsible_leader = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    plan = serializers.CharField()
    target_date = serializers.DateField()


class BacklogResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()


class ChangePermission(ModelPermissions):
    """Resolving (the only POST here) is a change of the backlog case."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class BacklogCaseViewSet(mixins.UpdateModelMixin, RestrictedReadOnlyModelViewSet):
    """Backlog cases (积案): overdue or repeated complaints, each with a responsible leader, a
    resolution plan and a target date. Update sets those three; `resolve` closes the complaint."""

    model = BacklogCase
    serializer_class = BacklogCaseSerializer
    filterset_class = BacklogCaseFilterSet
    permission_classes = [ChangePermission]
    ordering_fields = ["designated_at", "target_date", "state", "reason"]
    select_related = ("complaint",)

    def scope_action(self) -> str:
        return "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"

    @extend_schema(request=BacklogPlanSerializer, responses={200: BacklogCaseSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        backlog = self.get_object()
        partial = kwargs.get("partial", False)
        incoming = BacklogPlanSerializer(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        values = {
            "responsible_leader": backlog.responsible_leader,
            "plan": backlog.plan,
            "target_date": backlog.target_date,
            **incoming.validated_data,
        }
        stored = plan_backlog(backlog, request.user, **values)
        return Response(BacklogCaseSerializer(stored).data)

    @extend_schema(request=BacklogPlanSerializer, responses={200: BacklogCaseSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=BacklogResolveSerializer, responses={200: BacklogCaseSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        """Close the backlog case, saying how it was resolved."""
        backlog = self.get_object()
        incoming = BacklogResolveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        stored = resolve_backlog(backlog, request.user, **incoming.validated_data)
        return Response(BacklogCaseSerializer(stored).data)


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
    router.register("backlog-cases", BacklogCaseViewSet, basename="backlogcase")
