"""Campaigns and scheduling: intervals by risk colour, a grid inspector's day, the random draw
of premises and inspectors, and the campaign pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Premises, Sector, User
from hazards.choices import InspectionKind, RiskMethod
from hazards.models import (
    Campaign,
    CampaignAssignment,
    Inspection,
    InspectionFrequency,
    InspectionSchedule,
    RiskBandSet,
    RiskPoint,
)
from hazards.services import campaigns as service
from hazards.services import inspections as inspections_service
from hazards.tests.test_inspections import inspector, make_template, run_checklist
from testing.views import (
    CreateViewTests,
    DetailViewTests,
    EditViewTests,
    HistoryViewTests,
    ListViewTests,
    Rows,
)
from testing.world import World, make_premises, make_user
from workflow.calendar import local_date

TODAY = dt.date(2026, 6, 1)


def add_risk_point(world: World, premises: Premises, colour: str) -> RiskPoint:
    band_set = RiskBandSet.objects.get_or_create(
        method=RiskMethod.MATRIX,
        version=99,
        defaults={"name": "test", "source": "test", "effective_from": dt.date(2020, 1, 1)},
    )[0]
    point = RiskPoint(
        premises=premises, name=f"{colour} point", method=RiskMethod.MATRIX,
        likelihood=Decimal(1), severity=Decimal(1), score=Decimal(1), band_set=band_set,
        assessed_colour=colour, live_colour=colour, assessed_at=timezone.now(),
        assessed_by=world.user("township_a"),
    )  # fmt: skip
    point.take_place_from_premises()
    point.save()
    return point


# --- schedule ----------------------------------------------------------------------------------


def test_the_seeded_frequencies_are_quarterly_and_monthly_for_high_risk(db: Any) -> None:
    intervals = dict(InspectionFrequency.objects.values_list("risk_colour", "interval_days"))
    assert intervals == {"red": 30, "orange": 30, "yellow": 90, "blue": 90}
    assert all(row.source for row in InspectionFrequency.objects.all())


def test_a_premises_never_inspected_is_due_now_every_quarter(world: World) -> None:
    schedule = service.refresh_schedule(world.premises_a, on=TODAY)
    assert (schedule.interval_days, schedule.next_due_on) == (90, TODAY)
    assert schedule.region == world.grid_a


@pytest.mark.parametrize(("colour", "days"), [("red", 30), ("orange", 30), ("yellow", 90)])
def test_the_highest_live_risk_colour_sets_the_interval(
    world: World, colour: str, days: int
) -> None:
    add_risk_point(world, world.premises_a, "blue")
    add_risk_point(world, world.premises_a, colour)
    assert service.refresh_schedule(world.premises_a).interval_days == days


def test_next_due_is_the_last_completed_inspection_plus_the_interval(world: World) -> None:
    make_template(world)
    add_risk_point(world, world.premises_a, "red")
    user = inspector(world)
    inspection = inspections_service.open_inspection(user=user, premises=world.premises_a)
    run_checklist(user, inspection)
    done = inspections_service.complete_inspection(user=user, inspection=inspection)
    schedule = InspectionSchedule.objects.get(premises=world.premises_a)
    assert done.completed_at is not None
    assert schedule.next_due_on == local_date(done.completed_at) + dt.timedelta(days=30)


def test_an_administrator_changes_the_interval_in_the_configuration(world: World) -> None:
    InspectionFrequency.objects.filter(risk_colour="blue").update(interval_days=60)
    assert service.refresh_schedule(world.premises_a).interval_days == 60


# --- today -------------------------------------------------------------------------------------


def test_today_lists_due_premises_of_my_grid_campaign_targets_and_my_plans(world: World) -> None:
    make_template(world)
    user = inspector(world)
    service.refresh_schedule(world.premises_a, on=TODAY)
    service.refresh_schedule(world.premises_b, on=TODAY)
    later = make_premises("甲村幼儿园", world.grid_a, world.sector, 3)
    schedule = service.refresh_schedule(later, on=TODAY + dt.timedelta(days=5))
    assert schedule.next_due_on > TODAY
    campaign = Campaign.objects.create(
        name="校园安全专项", region=world.county, starts_on=TODAY, ends_on=TODAY
    )
    campaign.sectors.add(Sector.objects.get(code="SCHOOL"))
    service.assign_inspector(
        user=world.user("county"), campaign=campaign, grid=world.grid_a, inspector=user
    )
    planned = inspections_service.open_inspection(
        user=user, premises=later, kind=InspectionKind.FOLLOW_UP, planned_on=TODAY
    )

    work = service.inspections_today(user, TODAY)

    assert [row.premises for row in work.due] == [world.premises_a]
    targets = {premises for _campaign, premises in work.campaign_targets}
    assert targets == {world.premises_a, later}
    assert work.planned == [planned]


def test_premises_never_scheduled_are_due_today(world: World) -> None:
    work = service.inspections_today(inspector(world), TODAY)
    assert [(row.premises, row.next_due_on) for row in work.due] == [(world.premises_a, TODAY)]
    assert not InspectionSchedule.objects.exists(), "reading the list writes nothing"


def test_the_today_page_reads_on_a_phone(client: Any, world: World) -> None:
    user = inspector(world)
    service.refresh_schedule(world.premises_a)
    client.force_login(user)
    response = client.get(reverse("hazards:inspections_today"))
    assert response.status_code == 200
    assert world.premises_a.name in response.content.decode()
    assert world.premises_b.name not in response.content.decode()


# --- random draw -------------------------------------------------------------------------------


def draw_world(world: World) -> None:
    make_template(world)
    for serial in range(3, 9):
        make_premises(f"甲镇学校{serial}", world.grid_a, world.sector, serial)
    for number in range(3):
        make_user(f"inspector_a{number}", "grid_inspector", regions=[world.grid_a])
    make_user("inspector_b0", "grid_inspector", regions=[world.grid_b])


def test_the_draw_is_reproducible_from_its_seed(world: World) -> None:
    draw_world(world)
    staff = world.user("township_a")
    first = service.unannounced_draw(
        user=staff, region=world.township_a, sector=None, premises_count=3, inspector_count=2,
        planned_on=TODAY, seed=12345,
    )  # fmt: skip
    again = service.unannounced_draw(
        user=staff, region=world.township_a, sector=None, premises_count=3, inspector_count=2,
        planned_on=TODAY, seed=12345,
    )  # fmt: skip
    assert [p.pk for p in first.premises] == [p.pk for p in again.premises]
    assert [u.pk for u in first.inspectors] == [u.pk for u in again.inspectors]
    # Anyone can re-run the pure selection on the same candidates and get the same answer.
    candidates = list(service.draw_candidates(staff, world.township_a, None))
    people = list(service.inspector_candidates(staff, world.township_a))
    chosen, chosen_people = service.pick(12345, candidates, people, 3, 2)
    assert chosen == first.premises
    assert chosen_people == first.inspectors


def test_the_draw_stays_within_the_region_sector_and_scope(world: World) -> None:
    draw_world(world)
    other_sector = Sector.objects.get(code="SCHOOL-KG")
    make_premises("甲镇幼儿园", world.grid_a, other_sector, 20)
    draw = service.unannounced_draw(
        user=world.user("township_a"), region=world.county, sector=world.sector,
        premises_count=50, inspector_count=10, planned_on=TODAY, seed=7,
    )  # fmt: skip
    assert draw.premises, "something was drawn"
    for premises in draw.premises:
        assert premises.region.path.startswith(world.township_a.path)  # B is outside the scope
        assert premises.sector == world.sector
    inspector_b = User.objects.get(username="inspector_b0")
    assert draw.inspectors and inspector_b not in draw.inspectors
    assert world.user("township_b") not in draw.inspectors


def test_the_draw_plans_unannounced_inspections_that_record_the_seed(world: World) -> None:
    draw_world(world)
    draw = service.unannounced_draw(
        user=world.user("township_a"), region=world.township_a, sector=None, premises_count=4,
        inspector_count=2, planned_on=TODAY, seed=99,
    )  # fmt: skip
    planned = Inspection.objects.filter(kind=InspectionKind.UNANNOUNCED)
    assert planned.count() == 4
    assert {row.inspector for row in planned} == set(draw.inspectors)
    assert all("seed 99" in row.notes and row.planned_on == TODAY for row in planned)
    audited = AuditEntry.objects.filter(content_type__model="inspection", action="create")
    assert audited.count() == 4


def test_a_draw_with_nothing_to_draw_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        service.unannounced_draw(
            user=world.user("township_a"), region=world.township_a,
            sector=Sector.objects.get(code="MINE"), premises_count=1, inspector_count=1,
            planned_on=TODAY,
        )  # fmt: skip
    assert refused.value.code == "no_premises"
    assert not Inspection.objects.exists()


def test_the_draw_page_shows_the_seed(client: Any, world: World) -> None:
    draw_world(world)
    client.force_login(world.user("township_a"))
    response = client.post(
        reverse("hazards:unannounced_draw"),
        {"region": world.township_a.pk, "premises_count": 2, "inspector_count": 1,
         "planned_on": TODAY.isoformat(), "seed": 4242},
    )  # fmt: skip
    assert response.status_code == 200
    assert 'data-draw-seed="4242"' in response.content.decode()


# --- assignments ------------------------------------------------------------------------------


def test_a_grid_outside_the_campaign_region_cannot_be_assigned(world: World) -> None:
    campaign = Campaign.objects.create(
        name="甲镇专项", region=world.township_a, starts_on=TODAY, ends_on=TODAY
    )
    with pytest.raises(ValidationError):
        service.assign_inspector(
            user=world.user("county"), campaign=campaign, grid=world.grid_b,
            inspector=inspector(world),
        )  # fmt: skip
    assert not CampaignAssignment.objects.exists()


# --- campaign pages (generic view tests, four permission cases) ---------------------------------


class TestCampaignViews(
    ListViewTests, DetailViewTests, CreateViewTests, EditViewTests, HistoryViewTests
):
    model = Campaign
    edit_changes = {"name": "甲镇校园安全专项（延长）"}

    def url(self, page: str, obj: Any = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"hazards:campaign_{page}", args=args)

    def make_rows(self, world: World) -> Rows:
        school = Sector.objects.get(code="SCHOOL")
        rows = []
        for name, region in (
            ("甲镇校园专项", world.township_a),
            ("乙镇校园专项", world.township_b),
        ):
            campaign = Campaign.objects.create(
                name=name, region=region, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=30)
            )
            campaign.sectors.add(school)
            rows.append(campaign)
        return Rows(rows[0], rows[1], rows[0])

    def marker(self, obj: Any) -> str:
        return str(obj.name)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "name": "甲镇烟花爆竹专项",
            "region": world.township_a.pk,
            "sectors": [Sector.objects.get(code="FIREWORKS").pk],
            "starts_on": "2026-12-01",
            "ends_on": "2027-02-28",
            "description": "春节前",
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {**self.form_data(world, rows), "region": world.township_b.pk}

    def created_object(self, data: dict[str, Any]) -> Any:
        return Campaign.objects.filter(name=data["name"]).first()

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "name": self.edit_changes["name"],
            "region": obj.region_id,
            "sectors": list(obj.sectors.values_list("pk", flat=True)),
            "starts_on": obj.starts_on.isoformat(),
            "ends_on": obj.ends_on.isoformat(),
            "description": obj.description,
        }

    def stored(self, obj: Any) -> dict[str, Any]:
        stored = Campaign.objects.get(pk=obj.pk)
        return {"name": stored.name, "region": stored.region_id}


def test_an_inspector_is_assigned_to_a_grid_from_the_campaign_page(
    client: Any, world: World
) -> None:
    campaign = Campaign.objects.create(
        name="甲镇专项", region=world.township_a, starts_on=TODAY, ends_on=TODAY
    )
    user = inspector(world)
    client.force_login(world.user("township_a"))
    response = client.post(
        reverse("hazards:campaign_assign", args=[campaign.pk]),
        {"grid": world.grid_a.pk, "inspector": user.pk},
    )
    assert response.status_code == 302
    assignment = CampaignAssignment.objects.get()
    assert (assignment.grid, assignment.inspector) == (world.grid_a, user)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "data-assignment" in page
    client.force_login(world.user("township_b"))
    hidden = client.post(
        reverse("hazards:campaign_assign", args=[campaign.pk]),
        {"grid": world.grid_a.pk, "inspector": user.pk},
    )
    assert hidden.status_code == 404
