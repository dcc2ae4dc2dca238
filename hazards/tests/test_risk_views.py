"""Risk point pages and API through the generic mixins (four permission cases each), plus the
form's score, the colour summary with its drill-down links and the premises panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Premises
from hazards.choices import RiskColour, RiskMethod
from hazards.models import RiskBandSet, RiskPoint
from hazards.services.risk import band_set_in_force, refresh_live_colour
from hazards.tests.test_risk import lec, make_hazard, make_point
from hazards.views.risk import risk_panel
from testing.api import (
    UNSCOPED as API_UNSCOPED,
)
from testing.api import (
    APIViewTestCases,
    CreateTests,
    ListTests,
    RetrieveTests,
    UpdateTests,
)
from testing.views import (
    CreateViewTests,
    DetailViewTests,
    EditViewTests,
    ExportTests,
    HistoryViewTests,
    ListViewTests,
    Rows,
)
from testing.world import World

pytestmark = pytest.mark.django_db


def unaudited_point(world: World, premises: Premises, name: str) -> RiskPoint:
    """A blue LEC point (1 × 6 × 7 = 42) saved as a fixture, not through the service."""
    point = RiskPoint(
        premises=premises,
        name=name,
        method=RiskMethod.LEC,
        likelihood=Decimal(1),
        exposure=Decimal(6),
        consequence=Decimal(7),
        score=Decimal(42),
        band_set=band_set_in_force(RiskMethod.LEC),
        assessed_colour=RiskColour.BLUE,
        live_colour=RiskColour.BLUE,
        assessed_at=timezone.now(),
        assessed_by=world.user("county"),
    )
    point.take_place_from_premises()
    point.save()
    point.refresh_from_db()
    return point


class SafetyPages:
    """Safety pages are named in the `hazards` namespace."""

    model_name: str

    def url(self, page: str, obj: models.Model | None = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"hazards:{self.model_name}_{page}", args=args)


class TestRiskPointViews(
    SafetyPages,
    ListViewTests,
    ExportTests,
    DetailViewTests,
    CreateViewTests,
    EditViewTests,
    HistoryViewTests,
):
    model = RiskPoint
    edit_changes = {"name": "一号配电房"}

    def make_rows(self, world: World) -> Rows:
        # Stored directly, without an audit entry: the generic tests count the page's entries.
        own = unaudited_point(world, world.premises_a, "甲镇小学配电房")
        other = unaudited_point(world, world.premises_b, "乙镇小学锅炉房")
        return Rows(own, other, deletable=own)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "premises": world.premises_a.pk,
            "name": "甲镇小学食堂",
            "location": "一楼",
            "method": RiskMethod.LEC,
            "likelihood": "3",
            "exposure": "6",
            "consequence": "15",
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {**self.form_data(world, rows), "premises": world.premises_b.pk}

    def created_object(self, data: dict[str, Any]) -> models.Model | None:
        return RiskPoint.objects.filter(name=data["name"]).first()

    def test_the_created_point_is_scored_by_the_service(self, client, world, rows):
        client.force_login(world.user("township_a"))
        response = client.post(self.url("add"), self.form_data(world, rows))
        assert response.status_code == 302
        point = RiskPoint.objects.get(name="甲镇小学食堂")
        assert (point.score, point.assessed_colour) == (270, RiskColour.ORANGE)

    def test_a_value_the_method_does_not_allow_is_a_form_error(self, client, world, rows):
        client.force_login(world.user("township_a"))
        data = {**self.form_data(world, rows), "method": RiskMethod.MATRIX, "severity": "2"}
        data["likelihood"] = "10"  # an LEC value, not a matrix one
        response = client.post(self.url("add"), data)
        assert response.status_code == 200
        error = response.context["form"].errors["likelihood"][0]
        assert "must be one of 5, 4, 3, 2, 1; 10 is not allowed" in error
        assert not RiskPoint.objects.filter(name=data["name"]).exists()

    def test_the_edit_form_shows_the_score_and_colour(self, client, world, rows):
        client.force_login(world.user("township_a"))
        content = client.get(self.url("edit", rows.in_scope)).content.decode()
        assert "data-score>42<" in content
        assert 'data-colour="blue"' in content

    def test_the_preview_scores_the_chosen_values(self, client, world, rows):
        client.force_login(world.user("township_a"))
        url = reverse("hazards:riskpoint_preview")
        shown = client.get(url, {"method": "lec", **lec("3", "3", "40")}).content.decode()
        assert "data-score>360<" in shown and 'data-colour="red"' in shown
        refused = client.get(url, {"method": "lec", "likelihood": "4", "exposure": "1"})
        assert "must be one of 10, 6, 3, 1, 0.5, 0.2, 0.1" in refused.content.decode()

    def test_the_list_filters_by_live_colour(self, client, world, rows):
        client.force_login(world.user("township_a"))
        raised = make_point(world, name="甲镇小学锅炉")
        make_hazard(world, world.premises_a, risk_point=raised)
        refresh_live_colour(raised)
        content = client.get(self.url("list"), {"colour": "yellow"}).content.decode()
        assert "甲镇小学锅炉" in content
        assert "甲镇小学配电房" not in content

    def test_the_detail_lists_open_hazards_raising_the_colour(self, client, world, rows):
        make_hazard(world, world.premises_a, risk_point=rows.in_scope, title="电缆老化")
        client.force_login(world.user("township_a"))
        content = client.get(self.url("detail", rows.in_scope)).content.decode()
        assert "电缆老化" in content


class TestRiskSummary:
    url = "/safety/risk-summary/"

    @pytest.fixture
    def points(self, world: World) -> None:
        make_point(world, name="甲一")
        make_point(world, name="甲二", inputs=lec("3", "3", "40"))
        make_point(world, world.premises_b, name="乙一", user=world.user("county"))

    def test_without_permission_is_403(self, client, world, points):
        client.force_login(world.user("no_permission"))
        assert client.get(reverse("hazards:risk_summary")).status_code == 403

    def test_the_county_sees_each_township_with_drill_down_links(self, client, world, points):
        client.force_login(world.user("county"))
        response = client.get(reverse("hazards:risk_summary"), {"region": world.county.pk})
        rows = {row["region"]: row for row in response.context["child_rows"]}
        assert [cell["count"] for cell in rows[world.township_a]["cells"]] == [1, 0, 0, 1]
        assert [cell["count"] for cell in rows[world.township_b]["cells"]] == [0, 0, 0, 1]
        assert response.context["total_row"]["total"] == 3
        link = rows[world.township_a]["cells"][0]["url"]
        assert link == f"/safety/risk-points/?region={world.township_a.pk}&colour=red"
        listed = client.get(link).content.decode()
        assert "甲二" in listed and "甲一" not in listed

    def test_scoped_staff_count_only_their_points(self, client, world, points):
        client.force_login(world.user("township_a"))
        response = client.get(reverse("hazards:risk_summary"), {"region": world.county.pk})
        assert response.context["total_row"]["total"] == 2
        rows = {row["region"]: row for row in response.context["child_rows"]}
        assert rows[world.township_b]["total"] == 0

    def test_default_region_is_the_top_of_the_users_territory(self, client, world, points):
        client.force_login(world.user("township_b"))
        response = client.get(reverse("hazards:risk_summary"))
        assert response.context["region"] == world.township_b
        assert response.context["total_row"]["total"] == 1


def test_the_premises_panel_shows_live_colours_within_scope(world):
    point = make_point(world, name="甲镇小学配电房")
    make_hazard(world, world.premises_a, risk_point=point, grade="major")
    refresh_live_colour(point)
    panel = risk_panel(world.user("township_a"), world.premises_a)
    assert [(row["point"].name, row["point"].live_colour) for row in panel["risk_points"]] == [
        ("甲镇小学配电房", RiskColour.RED)
    ]
    assert risk_panel(world.user("township_b"), world.premises_a)["risk_points"] == []
    assert risk_panel(world.user("no_permission"), world.premises_a)["risk_points"] == []


class TestRiskPointAPI(ListTests, RetrieveTests, CreateTests, UpdateTests):
    model = RiskPoint
    basename = "riskpoint"

    def set_up(self, world: World) -> None:
        self.own = make_point(world, name="甲镇小学配电房")
        self.other = make_point(world, world.premises_b, name="乙镇小学", user=world.user("county"))

    def in_scope(self) -> RiskPoint:
        return self.own

    def out_of_scope(self) -> RiskPoint:
        return self.other

    def create_data(self) -> dict[str, Any]:
        return {
            "premises": self.world.premises_a.pk,
            "name": "甲镇小学实验室",
            "method": "matrix",
            "likelihood": 3,
            "severity": 4,
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "premises": self.world.premises_b.pk}

    def update_data(self) -> dict[str, Any]:
        return {"name": "甲镇小学一号配电房"}

    def test_create_scores_and_colours_with_the_bands_in_force(self) -> None:
        response = self.client("township_a").post(self.list_url(), self.create_data(), "json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["score"], body["assessed_colour"], body["live_colour"]) == (
            "12.00",
            "orange",
            "orange",
        )
        assert body["band_set"] == RiskBandSet.objects.get(method="matrix", version=1).pk

    def test_a_value_the_method_does_not_allow_is_400_naming_it(self) -> None:
        entries = AuditEntry.objects.count()
        data = {**self.create_data(), "severity": 6}
        response = self.client("township_a").post(self.list_url(), data, "json")
        assert response.status_code == 400
        assert "must be one of 5, 4, 3, 2, 1" in response.json()["severity"][0]
        assert response.json()["code"] == "invalid"
        assert AuditEntry.objects.count() == entries

    def test_changing_an_input_rescores(self) -> None:
        response = self.client("township_a").patch(
            self.detail_url(self.own), {"consequence": 40}, "json"
        )
        assert response.status_code == 200, response.content
        assert (response.json()["score"], response.json()["assessed_colour"]) == (
            "240.00",
            "orange",
        )

    def test_score_and_colour_cannot_be_posted(self) -> None:
        data = {**self.create_data(), "score": 1, "assessed_colour": "blue"}
        response = self.client(API_UNSCOPED).post(self.list_url(), data, "json")
        assert response.json()["assessed_colour"] == "orange"


class TestRiskBandSetAPI(APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = RiskBandSet
    basename = "riskbandset"

    def in_scope(self) -> RiskBandSet:
        return RiskBandSet.objects.get(method="lec", version=1)

    def out_of_scope(self) -> None:
        return None

    def test_bands_are_listed_with_their_bounds(self) -> None:
        response = self.client("township_a").get(self.detail_url(self.in_scope()))
        bands = {band["colour"]: band for band in response.json()["bands"]}
        assert (bands["orange"]["above"], bands["orange"]["up_to"]) == ("160.00", "320.00")
        assert bands["red"]["up_to"] is None and bands["blue"]["above"] is None
