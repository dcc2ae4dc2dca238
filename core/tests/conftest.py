"""Fixtures of the sign-in and second-factor tests, for pages and the API alike."""

from __future__ import annotations

import pytest

from core.models import User
from testing.world import PASSWORD


@pytest.fixture
def no_otp_throttle(settings):
    # django-otp waits 1 s after a wrong code; these tests retry at once on purpose.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", "root@example.org", PASSWORD, language="en")


@pytest.fixture
def admin_otp_required(settings):
    settings.CIVICDESK_REQUIRE_ADMIN_OTP = True
