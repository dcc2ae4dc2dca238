"""Login and second-factor forms.

The one-time code is checked by django-otp's form mixin, which verifies inside a transaction
with the device row locked and throttles repeated failures.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.accounts import has_second_factor
from core.models import User


def one_time_code_field(required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("One-time code"),
        required=required,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "class": "form-control",
            }
        ),
    )


class OneTimeCodeMixin(OTPAuthenticationFormMixin):
    """Checks `otp_token` against the user's TOTP device (confirmed, or the one being set up)."""

    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("This account uses a second factor: enter the code from your app."),
        invalid_token=_("That code is not valid. Check the time on your phone and try again."),
    )
    device_confirmed = True

    def _chosen_device(self, user: User) -> TOTPDevice | None:
        # Called inside clean_otp's transaction; the lock stops one code being used twice.
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=self.device_confirmed)
        return devices.select_for_update().first()

    def _update_form(self, user: User) -> None:
        # django-otp would echo the password back into the page; we make the user retype it.
        return None


class LoginForm(OneTimeCodeMixin, AuthenticationForm):
    """Password for everyone, plus a one-time code for accounts with a second factor."""

    otp_token = one_time_code_field(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("username", "password"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["otp_token"].help_text = _("Only if you have turned on two-step sign-in.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and has_second_factor(user):
            self.clean_otp(user)
        return cleaned


class OneTimeCodeForm(OneTimeCodeMixin, forms.Form):
    """A code alone, for a signed-in user: confirming a new device or verifying a session."""

    otp_token = one_time_code_field(required=True)

    def __init__(self, user: User, *args: Any, device_confirmed: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device_confirmed = device_confirmed

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors:
            self.clean_otp(self.user)
        return self.cleaned_data

    @property
    def device(self) -> TOTPDevice | None:
        return getattr(self.user, "otp_device", None)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
