"""The API's one error path: every refusal a service raises becomes a response here, with a
stable machine-readable `code` beside the human `detail`. Endpoints never catch them.

- a `ServiceError` (workflow errors among them): its own status and `as_dict()`;
- Django's `ValidationError`: 400 with the service's code (field errors by field);
- `Http404` (a row outside the scope, `core.scoping.get_restricted`): 404 `not_found`;
- `PermissionDenied`: 403 with the refusal's own `code` when it has one (`out_of_scope` when a
  write would leave the user's scope);
- `ProtectedError`: 409 `protected`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import OutOfScopeError, ServiceError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_body(exc), status=status.HTTP_400_BAD_REQUEST)
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
    if response is not None:
        response.data = refusal_body(response.data, exc)
    return response


def refusal_body(data: Any, exc: Exception) -> dict[str, Any]:
    """Every refusal is an object with its `code`. Messages that are not by field, or whose
    field is called `code`, go under `detail`, as a service's messages by field do."""
    if not isinstance(data, dict) or not isinstance(data.get("code", ""), str):
        data = {"detail": data}
    data.setdefault("code", error_code(exc))
    return data


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL under /api/ that matches no route (an id that is not a number) is refused as the
    API refuses, in JSON with its code; pages keep the site's 404 page."""
    if request.path.startswith("/api/"):
        body = {"detail": str(NotFound.default_detail), "code": "not_found"}
        return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def validation_body(error: DjangoValidationError) -> dict[str, Any]:
    """A service's ValidationError: its messages (by field when it names fields) and code."""
    detail: Any = error.message_dict if hasattr(error, "error_dict") else " ".join(error.messages)
    return {"detail": detail, "code": getattr(error, "code", None) or "invalid"}


def error_code(exc: Exception) -> str:
    """One stable code per error; field-by-field validation errors are `invalid`."""
    if isinstance(exc, Http404):
        return "not_found"
    if isinstance(exc, PermissionDenied):
        # A service's refusal may name itself (`code = "callback_refused"`).
        return getattr(exc, "code", None) or "permission_denied"
    codes = exc.get_codes() if isinstance(exc, APIException) else None
    return codes if isinstance(codes, str) else "invalid"
