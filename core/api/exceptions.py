"""API errors carry a stable machine-readable `code` beside the human `detail`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import OutOfScopeError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, OutOfScopeError):
        return Response(
            {"detail": str(exc), "code": "out_of_scope"}, status=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, ProtectedError):
        return Response(
            {
                "detail": "Other records still refer to this one; remove or reassign them first.",
                "code": "protected",
            },
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        response.data["code"] = error_code(exc)
    return response


def error_code(exc: Exception) -> str:
    """One stable code per error; field-by-field validation errors are `invalid`."""
    if isinstance(exc, Http404):
        return "not_found"
    if isinstance(exc, PermissionDenied):
        return "permission_denied"
    codes = exc.get_codes() if isinstance(exc, APIException) else None
    return codes if isinstance(codes, str) else "invalid"
