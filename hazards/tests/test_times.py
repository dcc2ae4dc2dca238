"""A hazard deadline and a finding time read the same on every surface a person sees: in the
configured zone (Asia/Shanghai), to the minute, and a deadline that ends with its day as `24:00`
of that day (Civil Code Art. 203). The API keeps ISO 8601 with the offset."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hazards.choices import EnforcementKind as K
from hazards.tests.test_enforcement_rules import issued
from hazards.tests.test_hazards_api import hazard_at
from testing.api import token_client
from testing.pdf import pdf_text
from testing.views import export_text
from testing.world import World

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# 16:15 UTC is 00:15 the next day in Asia/Shanghai: an evening event moves a day if shown raw.
FOUND = dt.datetime(2026, 12, 7, 16, 15, 47, 816832, tzinfo=UTC)
# 24:00 of 2026-12-15 in Asia/Shanghai, stored as 16:00 UTC.
END_OF_DAY = dt.datetime(2026, 12, 15, 16, 0, tzinfo=UTC)


def signed_in(client: Client, world: World, persona: str) -> Client:
    client.force_login(world.user(persona))
    return client


def page(client: Client, url: str, **query: Any) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def test_hazard_times_read_local_to_the_minute_and_the_deadline_at_24_00(client, world):
    hazard = hazard_at(world, "township_a", "夜间隐患", found_at=FOUND, rectify_by=END_OF_DAY)
    signed_in(client, world, "township_a")
    detail = page(client, reverse("hazards:hazard_detail", args=[hazard.pk]))
    listing = page(client, reverse("hazards:hazard_list"))
    exports = [
        export_text(client.get(reverse("hazards:hazard_list"), {"export": export_format}))
        for export_format in ("csv", "xlsx")
    ]
    for text in (detail, listing, *exports):
        assert "2026-12-08 00:15" in text
        assert "2026-12-15 24:00" in text
        assert "+00:00" not in text and "16:15:47" not in text, text[
            text.find("+00:00") - 600 : text.find("+00:00") + 50
        ]
        assert "2026-12-16 00:00" not in text


def test_an_order_deadline_reads_24_00_on_its_page_and_in_its_pdf(client, world):
    order = issued(world, K.RECTIFICATION_ORDER, deadline=END_OF_DAY)
    signed_in(client, world, "department")
    detail = page(client, reverse("hazards:enforcementaction_detail", args=[order.pk]))
    assert "2026-12-15 24:00" in detail and "2026-12-16 00:00" not in detail
    response = client.get(reverse("hazards:enforcementaction_pdf", args=[order.pk]))
    text = "".join(pdf_text(response.content).split())
    assert "2026年12月15日24:00" in text and "12月16日" not in text


def test_the_api_keeps_iso_8601_with_the_offset(world):
    hazard = hazard_at(world, "township_a", "夜间隐患", found_at=FOUND, rectify_by=END_OF_DAY)
    client = token_client(world.user("township_a"))
    body = client.get(reverse("api:hazard-detail", args=[hazard.pk])).json()
    assert dt.datetime.fromisoformat(body["found_at"]) == FOUND
    assert dt.datetime.fromisoformat(body["rectify_by"]) == END_OF_DAY
    assert body["rectify_by"].endswith("+08:00")
