from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode

from core.accounts import has_second_factor, session_is_verified, signed_in_user
from core.audit import audit_context

Handler = Callable[[HttpRequest], HttpResponse]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed X-Request-ID) and echo it back."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.id  # type: ignore[attr-defined]
        return response


class AuditActorMiddleware:
    """Open the audit context for the request: who, which request, through which door."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        if request.path.startswith("/admin/"):
            source = "admin"
        with audit_context(source=source, request_id=request.id, request=request):  # type: ignore[attr-defined]
            return self.get_response(request)


class PrivateResponseMiddleware:
    """What a signed-in user is shown (a complainant's identity above all, cases, personal
    data, API answers) is never kept by the browser's cache or a proxy: on a shared office
    computer the next person's back button or a copy of the disk must not show it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API's token authentication sets the user on the request inside the view.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class UserLanguageMiddleware:
    """A signed-in user's own language choice wins over the browser's."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class AdminSecondFactorMiddleware:
    """In production an administrator must pass a TOTP check before doing anything else:
    enrol a device first if they have none, otherwise give a code for this session."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_verify(request):
            return redirect(self._second_factor_url(request))
        return self.get_response(request)

    @staticmethod
    def _second_factor_url(request: HttpRequest) -> str:
        url_name = "otp_verify" if has_second_factor(signed_in_user(request)) else "otp_setup"
        return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"

    def _must_verify(self, request: HttpRequest) -> bool:
        if not settings.CIVICDESK_REQUIRE_ADMIN_OTP:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_superuser:
            return False
        if request.path.startswith(self.EXEMPT_PREFIXES):
            return False
        return not session_is_verified(user)
