"""Danger to life is not a web form (DESIGN.md §6): the portal tells the citizen to call 110 /
119 / 120 now; a matter still sent runs the 12345 emergency limit (2 hours from receipt, not the
15 days of Art. 22) and the duty desk of its area hears of it at once, marked urgent."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from complaints.choices import REGISTER_ROUTE, HotlineLimit
from complaints.models import Category, Complaint
from complaints.tests.factories import ComplaintWorld, complaint_world
from complaints.tests.test_portal import RECEIPT, SUBMIT, noise_form, post_submit
from testing.world import World
from workflow.choices import EscalationLevel
from workflow.clocks import open_clocks
from workflow.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts() -> Iterator[None]:
    cache.clear()  # the per-address counts and used questions live in the cache
    yield
    cache.clear()


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def danger_form(cw: ComplaintWorld) -> dict[str, Any]:
    danger = Category.objects.get(code="EMERG-DANGER")
    return noise_form(
        cw,
        category=danger.pk,
        **{f"q_{danger.pk}_people_at_risk": "yes"},
        title="楼道里有燃气味，邻居家无人应门",
        description="某路1号3单元楼道燃气味很重，敲门无人应答。",
    )


def test_the_portal_tells_the_citizen_to_call_110_119_120_for_danger_to_life(
    cw: ComplaintWorld,
) -> None:
    danger = Category.objects.get(code="EMERG-DANGER")
    page = Client().get(SUBMIT).content.decode()
    # The warning is in the page itself (no script needed), tied to the emergency category ...
    tied = re.search(r'data-emergency-for="([^"]*)"', page)
    assert tied is not None and str(danger.pk) in tied.group(1).split()
    for number in ("110", "119", "120"):
        assert f'href="tel:{number}"' in page
    # ... and the category's own name in the list says it too.
    assert f"{danger.name}: call 110 / 119 / 120 now" in page
    noise = Category.objects.get(code="CITY-NOISE")
    assert f"{noise.name}: call" not in page


def test_a_danger_to_life_matter_runs_two_hours_and_alerts_the_duty_desk_at_once(
    cw: ComplaintWorld,
) -> None:
    client = Client()
    response = post_submit(client, danger_form(cw))
    assert response.status_code == 302 and response.url == RECEIPT

    complaint = Complaint.objects.get()
    clock = open_clocks(complaint, (HotlineLimit.EMERGENCY, REGISTER_ROUTE)).get()
    assert clock.kind == HotlineLimit.EMERGENCY
    assert clock.due - complaint.received_at == dt.timedelta(hours=2)

    # The clerks of the area hear of it at once, urgent; a clerk of another township does not.
    alert = Notification.objects.get(recipient=cw.user("clerk"), topic="complaint.emergency")
    assert alert.urgency == EscalationLevel.GOVERNMENT_LEADER
    assert complaint.number in alert.title and alert.url == complaint.get_absolute_url()
    assert not Notification.objects.filter(recipient=cw.user("clerk_b")).exists()
    # The name of the person who wrote never travels in the alert.
    assert "李四" not in f"{alert.title} {alert.body}"

    receipt = client.get(RECEIPT).content.decode()
    assert "data-emergency" in receipt and 'href="tel:110"' in receipt


def test_an_ordinary_matter_keeps_the_15_days_and_alerts_nobody(cw: ComplaintWorld) -> None:
    post_submit(Client(), noise_form(cw))
    complaint = Complaint.objects.get()
    assert open_clocks(complaint, (HotlineLimit.EMERGENCY, REGISTER_ROUTE)).get().kind == (
        REGISTER_ROUTE
    )
    assert not Notification.objects.filter(topic="complaint.emergency").exists()
