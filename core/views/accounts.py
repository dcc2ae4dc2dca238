"""Sign-in, the TOTP second factor and the personal language switch."""

from __future__ import annotations

from typing import Any

import django_otp
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView
from django.views.i18n import set_language

from core.account_forms import LanguageForm, LoginForm, OneTimeCodeForm
from core.accounts import (
    confirm_totp_device,
    has_second_factor,
    manual_entry_secret,
    pending_totp_device,
    qr_code_svg,
    session_is_verified,
    set_user_language,
    signed_in_user,
)


class LoginView(auth_views.LoginView):
    """Password, plus the one-time code when the account has a second factor.

    The form puts the verified device on the user; django-otp's user_logged_in receiver
    then marks the new session as verified.
    """

    form_class = LoginForm
    template_name = "registration/login.html"


def _with_next(url_name: str, request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next")
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class SecondFactorView(LoginRequiredMixin, auth_views.RedirectURLMixin, FormView):
    """Shared shape of the setup and verify pages: one code field, then on to `next`."""

    form_class = OneTimeCodeForm
    next_page = "home"
    device_confirmed = True

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        return {**kwargs, "user": self.request.user, "device_confirmed": self.device_confirmed}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "next": self.get_redirect_url()}


class SecondFactorSetupView(SecondFactorView):
    """Enrol an authenticator app: scan the QR code (or type the secret), prove it with a code."""

    template_name = "registration/otp_setup.html"
    device_confirmed = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Someone holding only the password must not swap in a device of their own.
        user = request.user
        if user.is_authenticated and has_second_factor(user):
            if not session_is_verified(user):
                return redirect(_with_next("otp_verify", request))
            if request.method == "POST":
                return redirect("otp_setup")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = signed_in_user(self.request)
        if has_second_factor(user):
            return {**context, "enabled": True}
        device = pending_totp_device(user)
        return {**context, "qr_svg": qr_code_svg(device), "secret": manual_entry_secret(device)}

    def form_valid(self, form: OneTimeCodeForm) -> HttpResponse:
        confirm_totp_device(form.device)
        django_otp.login(self.request, form.device)
        messages.success(self.request, _("Two-step sign-in is on for your account."))
        return super().form_valid(form)


class SecondFactorVerifyView(SecondFactorView):
    """Ask a signed-in user with a device for a code before the session counts as verified."""

    template_name = "registration/otp_verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not has_second_factor(user):
            return redirect(_with_next("otp_setup", request))
        if user.is_authenticated and session_is_verified(user):
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: OneTimeCodeForm) -> HttpResponse:
        django_otp.login(self.request, form.device)
        return super().form_valid(form)


class UserLanguageView(LoginRequiredMixin, View):
    """Save the choice on the account, then let Django's set_language set the cookie and
    redirect, so signed-in and anonymous switching behave the same."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LanguageForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Unknown language."))
        set_user_language(signed_in_user(request), form.cleaned_data["language"])
        return set_language(request)
