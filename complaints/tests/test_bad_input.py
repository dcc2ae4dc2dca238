"""Bad input to a complaint is refused with a clear 4xx and stores nothing: coordinates off the
globe (one range check for the REST API and Open311) and a title made only of invisible
characters (one text rule for the API, the desk's page, the portal and Open311)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from complaints.models import Category, Complainant, Complaint
from complaints.open311.keys import issue_key
from complaints.tests import test_intake_views as intake
from complaints.tests import test_open311_api as shared
from complaints.tests.factories import ComplaintWorld, complaint_world
from core.models import AuditEntry
from testing.api import token_client
from testing.world import World

fresh_caches = shared.fresh_caches
# Zero-width space, byte order mark, ideographic space, word joiner, a tab.
INVISIBLE = "\u200b\ufeff\u3000\u2060\t"


@pytest.fixture
def cw(world: World, settings: Any) -> ComplaintWorld:
    settings.OPEN311_DEFAULT_REGION = world.county.code
    return complaint_world(world)


def stored() -> tuple[int, int, int]:
    return Complaint.objects.count(), Complainant.objects.count(), AuditEntry.objects.count()


def api_body(cw: ComplaintWorld, **changes: Any) -> dict[str, Any]:
    return {
        "channel": "phone", "category": Category.objects.get(code="CITY-NOISE").pk,
        "region": cw.world.grid_a.pk, "title": "广场舞噪声", "summary": "夜间广场舞音响过大",
        "complainants": [{"name": "李四"}], "answers": {"when": "night"}, **changes,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lat": "91", "long": "120"}, "lat"),
        ({"lat": "-90.5", "long": "120"}, "lat"),
        ({"lat": "30", "long": "181"}, "long"),
        ({"lat": "30", "long": "-180.000001"}, "long"),
        ({"title": INVISIBLE}, "title"),
    ],
)
def test_the_api_refuses_off_globe_coordinates_and_invisible_titles(
    cw: ComplaintWorld, changes: dict[str, str], field: str
) -> None:
    before = stored()
    response = token_client(cw.user("clerk")).post(
        "/api/v1/complaints/", api_body(cw, **changes), "json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert stored() == before


def test_the_api_accepts_the_edges_of_the_globe(cw: ComplaintWorld) -> None:
    body = api_body(cw, lat="-90", long="180", title=f"{INVISIBLE}广场舞噪声{INVISIBLE}")
    response = token_client(cw.user("clerk")).post("/api/v1/complaints/", body, "json")
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().title == "广场舞噪声"


def test_open311_refuses_the_same_coordinates_with_the_same_rule(cw: ComplaintWorld) -> None:
    key = issue_key("bad-input")[1]
    before = stored()
    for lat, long in (("91", "120"), ("30", "181")):
        response = Client().post(
            f"{shared.BASE}/requests.json",
            {"api_key": key, "service_code": "CITY-NOISE", "attribute[when]": "night",
             "lat": lat, "long": long},
        )  # fmt: skip
        assert response.status_code == 400
        assert "degrees" in json.loads(response.content)[0]["description"]
    assert stored() == before


def test_the_desk_page_refuses_an_invisible_title(cw: ComplaintWorld) -> None:
    before = stored()
    data = intake.letter(cw, title=INVISIBLE, summary="\u200b")
    response = intake.client_for(cw.user("clerk")).post(intake.ADD, data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert stored() == before
