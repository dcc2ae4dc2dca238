"""The premises page shows the safety area's panels, within the reader's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from hazards.services.hazards import report_hazard

pytestmark = pytest.mark.django_db


def test_premises_page_shows_its_open_hazards_to_the_territory(client, world):
    hazard = report_hazard(
        user=world.user("township_a"),
        premises=world.premises_a,
        title="消防通道堵塞",
        source="ad_hoc",
        rectify_by=timezone.now() + dt.timedelta(days=3),
    )
    client.force_login(world.user("township_a"))

    page = client.get(world.premises_a.get_absolute_url()).content.decode()

    assert hazard.number in page and "消防通道堵塞" in page


def test_premises_page_hides_safety_panels_from_a_user_without_safety_permissions(client, world):
    report_hazard(
        user=world.user("township_a"), premises=world.premises_a, title="电线私拉乱接",
        source="ad_hoc",
    )  # fmt: skip
    no_safety = world.user("township_a")
    no_safety.groups.clear()
    no_safety.user_permissions.add(*_view_premises_permissions())
    client.force_login(world.user("township_a"))

    response = client.get(world.premises_a.get_absolute_url())

    assert response.status_code == 200
    assert "电线私拉乱接" not in response.content.decode()


def _view_premises_permissions():
    return Permission.objects.filter(
        content_type__app_label="core", codename__in=["view_premises", "view_licence"]
    )


def test_a_suspended_premises_shows_a_warning_badge_in_the_premises_list(client, world):
    world.premises_a.status = "suspended"
    world.premises_a.save()
    client.force_login(world.user("township_a"))

    page = client.get("/premises/").content.decode()

    assert '<span class="badge text-bg-warning">' in page
