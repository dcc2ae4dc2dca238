"""API side of the engine: workflow errors as 400/403/404/409 with a stable code, and a viewset
mixin that exposes `POST …/{id}/transitions/{name}/` on any stateful model's viewset."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from workflow.engine import fire
from workflow.errors import WorkflowError


def error_response(error: WorkflowError) -> Response:
    """`{"detail": …, "code": …, **details}` with the error's status (never a 500)."""
    return Response(error.as_dict(), status=error.status)


class TransitionRequestSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version the client last read; a stale one is a 409."
    )
    data = serializers.DictField(required=False, default=dict)


class TransitionActionMixin:
    """Add to a restricted ModelViewSet: `get_object()` keeps out-of-scope records a 404."""

    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<transition>[a-z_]+)")
    def transition(self, request: Request, transition: str, **kwargs: Any) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            fired = fire(
                transition,
                obj,
                request.user,
                body.validated_data["data"],
                body.validated_data["version"],
            )
        except WorkflowError as error:
            return error_response(error)
        return Response(self.get_serializer(fired).data)  # type: ignore[attr-defined]
