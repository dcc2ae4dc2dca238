"""The inspections, campaigns and inspection-schedules API: generic four-case tests, and a
checklist run over the API (open, record, photo, complete) with the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Sector, User
from hazards.models import Campaign, Inspection, InspectionSchedule
from hazards.services import campaigns as campaigns_service
from hazards.services import inspections as service
from hazards.tests.test_inspections import PNG, make_template
from testing.api import (
    UNSCOPED,
    APIViewTestCases,
    CreateTests,
    ListTests,
    RetrieveTests,
    UpdateTests,
    token_client,
)
from testing.world import World, make_user

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class InspectionWorld:
    world: World

    def set_up(self, world: World) -> None:
        make_template(world)
        self.inspection_a = service.open_inspection(
            user=world.user(UNSCOPED), premises=world.premises_a
        )
        self.inspection_b = service.open_inspection(
            user=world.user(UNSCOPED), premises=world.premises_b
        )


class TestInspectionAPI(InspectionWorld, ListTests, RetrieveTests, CreateTests):
    model = Inspection
    basename = "inspection"

    def in_scope(self) -> Inspection:
        return self.inspection_a

    def out_of_scope(self) -> Inspection:
        return self.inspection_b

    def create_data(self) -> dict[str, Any]:
        return {"premises": self.world.premises_a.pk, "kind": "routine"}

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {"premises": self.world.premises_b.pk, "kind": "routine"}


class TestCampaignAPI(ListTests, RetrieveTests, CreateTests, UpdateTests):
    model = Campaign
    basename = "campaign"

    def set_up(self, world: World) -> None:
        self.school = Sector.objects.get(code="SCHOOL")
        self.campaigns = []
        for name, region in (
            ("甲镇校园专项", world.township_a),
            ("乙镇校园专项", world.township_b),
        ):
            campaign = Campaign.objects.create(
                name=name, region=region, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=9)
            )
            campaign.sectors.add(self.school)
            self.campaigns.append(campaign)

    def in_scope(self) -> Campaign:
        return self.campaigns[0]

    def out_of_scope(self) -> Campaign:
        return self.campaigns[1]

    def create_data(self) -> dict[str, Any]:
        return {
            "name": "甲镇建筑施工专项",
            "region": self.world.township_a.pk,
            "sectors": [Sector.objects.get(code="CONSTR").pk],
            "starts_on": "2026-07-01",
            "ends_on": "2026-09-30",
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "region": self.world.township_b.pk}

    def update_data(self) -> dict[str, Any]:
        return {"description": "延长至九月"}


class TestInspectionScheduleAPI(APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = InspectionSchedule
    basename = "inspectionschedule"

    def set_up(self, world: World) -> None:
        self.schedules = [
            campaigns_service.refresh_schedule(premises, on=TODAY)
            for premises in (world.premises_a, world.premises_b)
        ]

    def in_scope(self) -> InspectionSchedule:
        return self.schedules[0]

    def out_of_scope(self) -> InspectionSchedule:
        return self.schedules[1]


# --- a checklist over the API --------------------------------------------------------------------


def api(world: World, persona: str) -> Any:
    return token_client(world.user(persona))


def test_a_checklist_run_over_the_api(world: World) -> None:
    make_template(world, items=3)
    inspector = make_user("inspector_api", "grid_inspector", regions=[world.grid_a])
    world.users["inspector_api"] = inspector
    client = api(world, "inspector_api")
    opened = client.post(reverse("api:inspection-list"), {"premises": world.premises_a.pk}, "json")
    assert opened.status_code == 201, opened.content
    body = opened.json()
    items = list(Inspection.objects.get(pk=body["id"]).template.items.order_by("number"))
    url = reverse("api:inspection-results", args=[body["id"]])
    for item, outcome in zip(items, ["pass", "fail", "na"], strict=True):
        answer = client.post(url, {"item": item.pk, "outcome": outcome, "note": "n"}, "json")
        assert answer.status_code == 200, answer.content
    assert [row["outcome"] for row in answer.json()["results"]] == ["pass", "fail", "na"]

    photo = client.post(
        reverse("api:inspection-photo", args=[body["id"]]),
        {"item": items[1].pk, "photo": SimpleUploadedFile("p.png", PNG, "image/png")},
        format="multipart",
    )
    assert photo.status_code == 201, photo.content

    stale = client.post(
        reverse("api:inspection-transition", args=[body["id"], "complete"]), {"version": 99}
    )
    assert stale.status_code == 409
    done = client.post(
        reverse("api:inspection-transition", args=[body["id"], "complete"]),
        {"version": body["version"]},
    )
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["score"], done.json()["failed_count"]) == (
        "completed",
        "50.00",
        1,
    )


def test_a_bad_outcome_is_a_400_with_a_code(world: World) -> None:
    make_template(world)
    inspection = service.open_inspection(user=world.user("township_a"), premises=world.premises_a)
    client = api(world, "township_a")
    item = inspection.template.items.get(number=1)
    wrong = client.post(
        reverse("api:inspection-results", args=[inspection.pk]),
        {"item": item.pk, "outcome": "maybe"},
        "json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid"


def test_results_of_another_townships_inspection_are_404(world: World) -> None:
    make_template(world)
    inspection = service.open_inspection(user=world.user("township_b"), premises=world.premises_b)
    item = inspection.template.items.get(number=1)
    response = api(world, "township_a").post(
        reverse("api:inspection-results", args=[inspection.pk]),
        {"item": item.pk, "outcome": "pass"},
        "json",
    )
    assert response.status_code == 404
    assert not inspection.results.exists()


def test_the_draw_over_the_api_returns_its_seed(world: World) -> None:
    make_template(world)
    make_user("inspector_a0", "grid_inspector", regions=[world.grid_a])
    response = api(world, "township_a").post(
        reverse("api:campaign-draw"),
        {"region": world.township_a.pk, "premises_count": 1, "inspector_count": 1,
         "planned_on": "2026-06-02", "seed": 31},
        "json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["seed"] == 31
    assert response.json()["premises"] == [world.premises_a.pk]


def test_campaigns_are_not_deleted_over_the_api(world: World) -> None:
    campaign = Campaign.objects.create(
        name="甲镇专项", region=world.township_a, starts_on=TODAY, ends_on=TODAY
    )
    root = User.objects.create_superuser("root_delete", password="x-Pass-1234", language="en")
    world.users["root_delete"] = root
    response = api(world, "root_delete").delete(reverse("api:campaign-detail", args=[campaign.pk]))
    assert response.status_code == 405
    assert Campaign.objects.filter(pk=campaign.pk).exists()
