"""The one API transition endpoint, `POST …/{id}/transitions/{name}/`, on every viewset of a
model with a machine; and `/api/v1/supervision-notices/`.

The body is `{"version": n, "data": {...}}` as JSON, or, to send files, a multipart form with
`version`, the data keys as form fields and the files under their attachment kind (`evidence`);
the keys are the same as the page's form fields. The row is read through `restrict(user,
"view")` (outside the scope: 404) and handed to `workflow.engine.perform`, which reaches the
machine's service; refusals become responses in core.api.exceptions, never here.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api.parsers import BoundedJSONParser
from core.api.permissions import ModelPermissions
from core.api.views import RestrictedReadOnlyModelViewSet
from workflow.doors import Posted, posted_form
from workflow.engine import perform
from workflow.models import SupervisionNotice


class TransitionRequestSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version the client last read; a stale one is a 409."
    )
    data = serializers.DictField(
        required=False, default=dict, help_text="The transition's fields, by name."
    )


class TransitionFormSerializer(serializers.Serializer):
    """The multipart form of a transition: `version`, the transition's fields as form fields,
    and files under their attachment kind (e.g. `evidence` for a hazard's rectification)."""

    version = serializers.IntegerField(min_value=1)
    evidence = serializers.ListField(child=serializers.FileField(), required=False)


class TransitionPermission(ModelPermissions):
    """Firing needs the model's view permission here; the engine then checks the transition's
    roles, the permission of its action and the scope (a unit may apply to resume a listing
    that it may only view)."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


def posted(request: Request) -> Posted:
    """The body as JSON `{"version", "data"}` or as a form; the version is required either way."""
    if request.content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        form = posted_form(request.POST, request.FILES)
        body = {"version": form.version, "data": form.data}
    else:
        form, body = Posted(data={}), request.data
    checked = TransitionRequestSerializer(data=body)
    checked.is_valid(raise_exception=True)
    values = checked.validated_data
    return Posted(data=values["data"], version=values["version"], files=form.files)


# Comments, not a docstring: drf-spectacular would publish it on every endpoint built on it.
# Add to a restricted viewset of a model with a machine; its serializer answers the request.
class TransitionEndpoint:
    request: Request

    def scope_action(self) -> str:
        if getattr(self, "action", None) == "transition":
            return "view"
        return super().scope_action()  # type: ignore[misc]

    def get_permissions(self) -> list[Any]:
        if getattr(self, "action", None) == "transition":
            return [TransitionPermission()]
        return super().get_permissions()  # type: ignore[misc]

    @extend_schema(
        request={
            "application/json": TransitionRequestSerializer,
            "multipart/form-data": TransitionFormSerializer,
        }
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<transition>[a-z_]+)",
        parser_classes=[BoundedJSONParser, MultiPartParser, FormParser],
    )
    def transition(self, request: Request, transition: str, **kwargs: Any) -> Response:
        """Fire a transition with the version last read (a stale one is a 409); refusals
        answer with their status and a stable `code`."""
        obj = self.get_object()  # type: ignore[attr-defined]
        body = posted(request)
        fired = perform(transition, obj, request.user, body.data, body.version, body.files)
        return Response(self.get_serializer(self.as_stored(fired)).data)  # type: ignore[attr-defined]

    def as_stored(self, fired: Any) -> Any:
        """The record as the viewset reads it (its joins and annotations), while the user
        still sees it; else the fired record itself."""
        rows = self.get_queryset()  # type: ignore[attr-defined]
        return rows.filter(pk=fired.pk).first() or fired


class SupervisionNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionNotice
        fields = [
            "id", "number", "state", "version", "subject_label", "department", "region",
            "request", "issued_by", "issued_at", "reply_due", "reply", "replied_by",
            "replied_at",
        ]  # fmt: skip
        read_only_fields = fields


class SupervisionNoticeViewSet(TransitionEndpoint, RestrictedReadOnlyModelViewSet):
    """Supervision notices (督查督办) within the user's scope; transitions: reply (the unit),
    send_back and close (the supervisor)."""

    model = SupervisionNotice
    serializer_class = SupervisionNoticeSerializer
    filterset_fields = ["state", "department", "region"]
    ordering_fields = ["issued_at", "reply_due", "number", "state"]


def register(router: BaseRouter) -> None:
    """Add the engine's own resources to the /api/v1/ router."""
    router.register("supervision-notices", SupervisionNoticeViewSet, basename="supervisionnotice")
