"""Real TOTP codes for tests, computed the way an authenticator app does (RFC 6238)."""

from __future__ import annotations

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import User


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now and has not accepted before.

    The device refuses a time step it has already used (replay protection), so a second code
    in the same 30 seconds comes from the next step, which its tolerance of one step allows.
    """
    device.refresh_from_db()
    now_step = (int(time.time()) - device.t0) // device.step + device.drift
    step = max(now_step, device.last_t + 1)
    return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(totp_code(device))
    return f"{(right + 1) % 10**device.digits:0{device.digits}d}"


def enrol_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
