"""`manage.py open311_key NAME`: prints a new client's key once, stores only its digest,
refuses a second key for the same name unless asked to rotate, and a rotated key is dead."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from complaints.models import Open311Client
from complaints.open311.keys import key_digest
from complaints.tests import test_open311_api as shared
from complaints.tests.factories import ComplaintWorld
from complaints.tests.test_open311_api import BASE

# The shared fixtures of the Open311 tests.
fresh_caches, cw = shared.fresh_caches, shared.cw


FORM = {"service_code": "CITY-SANITATION", "address_string": "甲镇菜市场门口"}


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("open311_key", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def posts_with(key: str) -> int:
    return Client().post(f"{BASE}/requests.json", {**FORM, "api_key": key}).status_code


def test_key_is_printed_once_and_only_its_digest_is_stored(cw: ComplaintWorld) -> None:
    key, note = run("城市服务App")
    assert "not shown again" in note
    client = Open311Client.objects.get(name="城市服务App")
    assert client.key_digest == key_digest(key)
    assert key not in client.key_digest and client.key_prefix == key[:8]
    assert posts_with(key) == 200
    assert Open311Client.objects.get().last_used is not None


def test_a_second_key_for_the_same_name_is_refused(cw: ComplaintWorld) -> None:
    key, _note = run("城市服务App")
    with pytest.raises(CommandError, match="--rotate"):
        run("城市服务App")
    assert Open311Client.objects.get().key_digest == key_digest(key)
    assert posts_with(key) == 200


def test_rotate_replaces_the_key_and_the_old_one_stops_working(cw: ComplaintWorld) -> None:
    old, _note = run("城市服务App")
    assert posts_with(old) == 200
    new, note = run("城市服务App", "--rotate")
    assert "New key" in note and new != old
    assert Open311Client.objects.count() == 1
    assert posts_with(new) == 200
    response = Client().post(f"{BASE}/requests.json", {**FORM, "api_key": old})
    assert response.status_code == 403
    assert json.loads(response.content)[0]["code"] == 403


def test_a_blank_name_is_refused(cw: ComplaintWorld) -> None:
    with pytest.raises(CommandError, match="NAME"):
        run("  ")
    assert not Open311Client.objects.exists()


def test_revoke_stops_the_key_and_rotate_brings_the_client_back(cw: ComplaintWorld) -> None:
    key, _note = run("城市服务App")
    _out, note = run("城市服务App", "--revoke")
    assert "inactive" in note
    assert posts_with(key) == 403
    new, _note = run("城市服务App", "--rotate")
    assert posts_with(new) == 200
    with pytest.raises(CommandError, match="no Open311 client"):
        run("nobody", "--revoke")
