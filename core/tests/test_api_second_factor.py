"""The API asks for the same second factor as the pages: getting a token needs the one-time
code, and a token obtained with the password alone does not open the API for such an account."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from testing.second_factor import enrol_device, totp_code, wrong_code
from testing.world import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
SOME_API = "/api/v1/regions/"


def obtain(username: str, **extra: str):
    return APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra})


def with_token(key: str):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get(SOME_API)


def test_superuser_without_a_device_gets_no_token_in_production(superuser, admin_otp_required):
    response = obtain("root")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_setup_required"
    assert "token" not in response.json()
    assert not Token.objects.filter(user=superuser).exists()


def test_superuser_needs_the_code_for_a_token_and_the_token_opens_the_api(
    superuser, admin_otp_required, no_otp_throttle
):
    device = enrol_device(superuser)
    refused = obtain("root")
    assert refused.status_code == 400 and "otp" in refused.json()
    assert obtain("root", otp=wrong_code(device)).status_code == 400
    assert not Token.objects.filter(user=superuser).exists()
    response = obtain("root", otp=totp_code(device))
    assert response.status_code == 200
    assert with_token(response.json()["token"]).status_code == 200


def test_a_superusers_token_from_the_password_alone_stops_working(superuser, admin_otp_required):
    device = enrol_device(superuser)
    old = Token.objects.create(user=superuser)
    refused = with_token(old.key)
    assert refused.status_code == 401
    assert refused.json()["code"] == "second_factor_required"
    new = obtain("root", otp=totp_code(device)).json()["token"]
    assert new != old.key  # the old key is replaced, never promoted
    assert with_token(old.key).status_code == 401
    assert with_token(new).status_code == 200
    again = obtain("root", otp=totp_code(device)).json()["token"]
    assert again == new


def test_staff_with_a_device_give_the_code_for_a_token_too(world):
    user = world.user("township_a")
    device = enrol_device(user)
    old = Token.objects.create(user=user)
    assert obtain(user.username).status_code == 400
    assert with_token(old.key).status_code == 401
    response = obtain(user.username, otp=totp_code(device))
    assert response.status_code == 200
    assert with_token(response.json()["token"]).status_code == 200


def test_staff_without_a_device_still_use_the_password(world, admin_otp_required):
    user = world.user("township_a")
    response = obtain(user.username)
    assert response.status_code == 200
    assert with_token(response.json()["token"]).status_code == 200
