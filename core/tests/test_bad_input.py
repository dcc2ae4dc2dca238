"""Bad input to the API and the list pages gets a clear 4xx that names what is wrong, never a
500 and never an answer that silently ignores part of the question."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.api.parsers import MAX_DEPTH
from core.models import AuditEntry, Sector
from testing.api import UNSCOPED, add_api_personas, token_client
from testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world: World) -> Any:
    add_api_personas(world)
    return token_client(world.user(UNSCOPED))


def nested(depth: int) -> str:
    return '{"name": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deeply_nested_json_is_400_with_a_message_and_stores_nothing(api: Any, depth: int) -> None:
    sectors, entries = Sector.objects.count(), AuditEntry.objects.count()
    response = api.post("/api/v1/sectors/", nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than 32" in response.json()["detail"]
    assert (Sector.objects.count(), AuditEntry.objects.count()) == (sectors, entries)


def test_json_within_the_depth_is_read_as_before(api: Any) -> None:
    response = api.post("/api/v1/sectors/", nested(3), content_type="application/json")
    assert response.status_code == 400  # a list is no name: the serializer, not the parser
    # Sectors have a field called `code`, so the field errors travel under `detail`.
    assert "name" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"is_active": "-1797"}, "is_active"),
        ({"is_active": "maybe"}, "is_active"),
        ({"region": "not-a-region"}, "region"),
        ({"ordering": "password"}, "ordering"),
        ({"limit": "lots"}, "limit"),
        ({"offset": "-3"}, "offset"),
    ],
)
def test_an_unreadable_filter_value_is_400_naming_the_parameter(
    api: Any, params: dict[str, str], named: str
) -> None:
    response = api.get("/api/v1/users/", params)
    assert response.status_code == 400, response.content
    assert named in response.json()  # the field errors, keyed by the parameter


def test_readable_filters_still_filter(api: Any, world: World) -> None:
    inactive = world.user("township_b")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    for value, expected in (("true", True), ("false", False)):
        rows = api.get("/api/v1/users/", {"is_active": value}).json()["results"]
        assert rows and {row["is_active"] for row in rows} == {expected}
    assert api.get("/api/v1/users/", {"unknown_parameter": "x"}).status_code == 200


def test_a_list_page_says_which_filter_it_cannot_read_and_lists_nothing(world: World) -> None:
    add_api_personas(world)
    client = Client()
    client.force_login(world.user(UNSCOPED))
    response = client.get(reverse("core:user_list"), {"is_active": "-1797"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is_active" in page
    assert world.user("township_a").username not in page
    assert client.get(reverse("core:user_list"), {"is_active": "true"}).status_code == 200
