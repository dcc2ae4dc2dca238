"""Token authentication that asks for the same second factor as the pages do."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from core.accounts import second_factor_required
from core.models import SecondFactorToken


class SecondFactorTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused for an account that must use a second factor when
    the token was obtained with the password alone: a password must not open through the API
    what it cannot open on a page. One query, as DRF's own class makes."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        tokens = Token.objects.select_related("user").annotate(
            verified=Exists(SecondFactorToken.objects.filter(token=OuterRef("pk"))),
            user_has_device=Exists(
                TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
            ),
        )
        token = tokens.filter(key=key).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        required = second_factor_required(token.user, has_device=token.user_has_device)  # type: ignore[attr-defined]
        if required and not token.verified:  # type: ignore[attr-defined]
            raise AuthenticationFailed(
                _(
                    "This account uses a second factor: get a new token with your one-time "
                    "code in the field otp."
                ),
                code="second_factor_required",
            )
        return token.user, token
