"""No time travel at intake: a receipt time in the future is refused, and a receipt before the
first rule set in force (Letters and Visits Regulations 2022, in force 2022-05-01) is a clear
refusal naming the date — on the clerk's page and in the API alike, with nothing stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Category, Complaint
from complaints.tests.factories import ComplaintWorld, complaint_world
from complaints.tests.test_intake_views import ADD, client_for, letter
from testing.api import token_client
from testing.world import World

pytestmark = pytest.mark.django_db
API = reverse("api:complaint-list")


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def api_intake(cw: ComplaintWorld, received_at: str) -> dict[str, Any]:
    return {
        "channel": "letter",
        "category": Category.objects.get(code="CITY-NOISE").pk,
        "region": cw.world.grid_a.pk,
        "title": "广场舞噪声",
        "complainants": [{"name": "李四", "phone": "13900000000", "address": "某路2号"}],
        "answers": {"when": "night"},
        "received_at": received_at,
    }


def test_api_refuses_a_receipt_in_the_future_and_creates_no_case(cw: ComplaintWorld) -> None:
    future = (timezone.now() + dt.timedelta(days=400)).isoformat()
    response = token_client(cw.user("clerk")).post(API, api_intake(cw, future), "json")
    assert response.status_code == 400, response.content
    assert "future" in response.content.decode()
    assert not Complaint.objects.exists()


def test_api_refuses_a_receipt_before_any_rule_set_naming_the_date(cw: ComplaintWorld) -> None:
    response = token_client(cw.user("clerk")).post(
        API, api_intake(cw, "2021-06-01T09:00:00+08:00"), "json"
    )
    assert response.status_code == 400, response.content
    assert "2021-06-01" in response.content.decode()
    assert not Complaint.objects.exists()


def test_intake_page_explains_a_receipt_before_any_rule_set(cw: ComplaintWorld) -> None:
    response = client_for(cw.user("clerk")).post(ADD, letter(cw, received_at="2021-06-01T09:30"))
    assert response.status_code == 200
    assert "2021-06-01" in response.content.decode()
    assert not Complaint.objects.exists()


def test_intake_page_refuses_a_receipt_in_the_future(cw: ComplaintWorld) -> None:
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(cw.user("clerk")).post(ADD, letter(cw, received_at=future))
    assert response.status_code == 200
    assert "is in the future" in response.content.decode()
    assert not Complaint.objects.exists()
