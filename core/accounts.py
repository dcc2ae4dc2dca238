"""Account operations: the personal language choice, the TOTP second factor and API tokens.

Views call these; they never change an account themselves.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core.audit import record_change, snapshot
from core.models import SecondFactorToken, User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user where a page needs an account (behind `login_required`)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied  # anonymous: login_required normally redirects first
    return user


def set_user_language(user: User, language: str) -> None:
    """Keep the user's language on the account, so it follows them to every device."""
    with transaction.atomic():
        before = snapshot(user)
        user.language = language
        user.save(update_fields=["language"])
        record_change(user, before)


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def second_factor_required(user: User, *, has_device: bool | None = None) -> bool:
    """Whoever signs in to pages with a one-time code: an account with a confirmed device, and
    in production every superuser (`CIVICDESK_REQUIRE_ADMIN_OTP`). `has_device` spares the
    query when the caller already knows."""
    if user.is_superuser and settings.CIVICDESK_REQUIRE_ADMIN_OTP:
        return True
    return has_second_factor(user) if has_device is None else has_device


def issue_api_token(user: User, *, second_factor_verified: bool) -> Token:
    """The user's API token. One obtained with the one-time code is marked so; a token the
    account holds from before, obtained with the password alone, is replaced rather than
    promoted, so a copy of it never becomes valid."""
    with transaction.atomic():
        token, created = Token.objects.select_for_update().get_or_create(user=user)
        if not second_factor_verified:
            return token
        if not created and not SecondFactorToken.objects.filter(token=token).exists():
            token.delete()
            token = Token.objects.create(user=user)
        SecondFactorToken.objects.get_or_create(token=token)
        return token


def session_is_verified(user: User) -> bool:
    """OTPMiddleware puts the device on the request's user when this session gave a code."""
    return getattr(user, "otp_device", None) is not None


def pending_totp_device(user: User) -> TOTPDevice:
    """The device being enrolled; reloading the setup page keeps the same secret."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def confirm_totp_device(device: TOTPDevice) -> None:
    """Turn the proven device on and drop abandoned enrolments with their secrets."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.devices_for_user(device.user, confirmed=False).delete()


def manual_entry_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for apps that cannot scan a QR code."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as inline SVG, drawn here: the secret never leaves the server."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=_("QR code"))
