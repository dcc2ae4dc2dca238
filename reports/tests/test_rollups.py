"""The rollup tables move with every write, and a rebuild from the records gives the same rows;
the dashboard's figures equal counts taken directly from the records."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints.choices import OPEN_STATES, ComplaintState
from complaints.filtersets import overdue as overdue_cases
from complaints.models import Complaint
from complaints.services.callbacks import record_callback
from complaints.services.duplicates import link_repeat
from complaints.tests.factories import ComplaintWorld, advance, file_complaint
from core.observers import observed
from hazards.choices import HazardGrade, HazardSource, HazardState
from hazards.filtersets.hazards import overdue as overdue_hazards
from hazards.models import Hazard
from hazards.services.hazards import report_hazard, transition_hazard
from hazards.tests.test_hazards_loop import evidence
from reports.dashboard import Period, build_dashboard
from reports.deadlines import settle
from reports.facts import RECTIFIED_STATES
from reports.rollups import _compiled_for, _facts, rebuild, table_contents, tables
from testing.world import World, make_user
from workflow.calendar import local_date

pytestmark = pytest.mark.django_db


def county_leader(world: World):
    return make_user("county_leader_r", "government_leader", regions=[world.county])


def days_from_now(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def all_contents() -> dict[str, dict]:
    return {table._meta.label: table_contents(table) for table in tables()}


def hazard_at(world: World, rng: random.Random, inspector) -> Hazard:
    """A hazard found some days ago with a deadline before or after now, at either premises."""
    return report_hazard(
        user=inspector,
        premises=rng.choice([world.premises_a, world.premises_b]),
        title="消防通道堵塞",
        source=HazardSource.INSPECTION,
        grade=rng.choice([HazardGrade.GENERAL, HazardGrade.GENERAL, None]),
        found_at=days_from_now(-rng.randint(0, 40)),
        rectify_by=days_from_now(rng.choice([-5, -1, 3, 10])),
    )


def move_hazard(world: World, hazard: Hazard, rng: random.Random, verifier) -> None:
    """Take the hazard a random distance round the loop: rectified, verified, closed."""
    at_officers_premises = hazard.premises_id == world.premises_a.pk
    if hazard.state != HazardState.RECTIFYING or not at_officers_premises or rng.random() < 0.3:
        return
    officer = world.user("enterprise")
    evidence(hazard, officer)
    hazard = transition_hazard("rectify", hazard, officer, {"rectification_note": "已整改"})
    for step, note in (("verify", {"verification_note": "复查通过"}), ("close", {})):
        if rng.random() < 0.3:
            return
        hazard = transition_hazard(step, hazard, verifier, note)


def random_hazards(world: World, rng: random.Random, count: int, suffix: str = "") -> None:
    inspector = make_user(f"inspector_r1{suffix}", "grid_inspector", regions=[world.county])
    verifier = make_user(f"inspector_r2{suffix}", "grid_inspector", regions=[world.county])
    for _ in range(count):
        move_hazard(world, hazard_at(world, rng, inspector), rng, verifier)


CASE_TARGETS = (
    ComplaintState.RECEIVED,
    ComplaintState.ASSIGNED,
    ComplaintState.HANDLING,
    ComplaintState.REPLIED,
    ComplaintState.REVIEWING,
)


def random_cases(cw: ComplaintWorld, rng: random.Random, count: int) -> None:
    clerk = cw.user("clerk")
    for _ in range(count):
        received = days_from_now(-rng.choice([0, 2, 20, 70]))
        case = file_complaint(cw, received_at=received).complaint
        case = advance(case, cw, rng.choice(CASE_TARGETS))
        if case.state == ComplaintState.REPLIED and rng.random() < 0.7:
            satisfied = rng.choice(["satisfied", "basically_satisfied", "unsatisfied"])
            record_callback(case, clerk, contacted=True, solved=True, satisfaction=satisfied)
        if case.state in OPEN_STATES and rng.random() < 0.3:
            link_repeat(case, clerk, "phone", None, note="又来电")


def test_rebuild_gives_the_rows_the_writes_kept(county: ComplaintWorld) -> None:
    kept = all_contents()
    assert kept["reports.HazardMonth"] and kept["reports.ComplaintMonth"]
    assert kept["reports.OpenDeadline"]
    rebuild()
    assert all_contents() == kept


def test_rebuild_command_restores_a_table_emptied_by_hand(county: ComplaintWorld) -> None:
    settle()  # the command folds the passed hours too
    kept = all_contents()
    for table in tables():
        table._default_manager.all().delete()
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert all_contents() == kept
    assert "reports.HazardMonth" in out.getvalue()


def test_a_transition_moves_the_counts_at_once(world: World) -> None:
    inspector = make_user("inspector_1", "grid_inspector", regions=[world.grid_a])
    hazard = report_hazard(
        user=inspector, premises=world.premises_a, title="电线私拉乱接",
        source=HazardSource.INSPECTION, rectify_by=days_from_now(5),
    )  # fmt: skip
    leader = county_leader(world)
    year = Period.year_to_date(local_date(timezone.now()))
    assert build_dashboard(leader, year).hazards["found"] == 1
    assert build_dashboard(leader, year).hazards["rectified"] == 0
    evidence(hazard, world.user("enterprise"))
    transition_hazard("rectify", hazard, world.user("enterprise"), {"rectification_note": "已整改"})
    assert build_dashboard(leader, year).hazards["rectified"] == 1


def found_in(period: Period) -> dict:
    return {"found_at__date__range": (period.start, period.end)}


def test_dashboard_equals_counts_from_the_records(county: ComplaintWorld) -> None:
    leader = county_leader(county.world)
    today = local_date(timezone.now())
    two_months_back = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    period = Period(two_months_back, today)
    board = build_dashboard(leader, period)
    hazards = Hazard.objects.restrict(leader, "view").filter(**found_in(period))
    assert board.hazards["found"] == hazards.count() > 0
    assert board.hazards["rectified"] == hazards.filter(state__in=RECTIFIED_STATES).count()
    assert board.hazards["closed"] == hazards.filter(state=HazardState.CLOSED).count()
    every_hazard = Hazard.objects.restrict(leader, "view")
    assert board.hazards["overdue"] == overdue_hazards(every_hazard).count() > 0
    cases = Complaint.objects.restrict(leader, "view")
    received = cases.filter(received_at__date__range=(period.start, period.end))
    assert board.complaints["cases"] == received.count() > 0
    assert board.complaints["overdue"] == overdue_cases(cases).count() > 0
    assert board.complaints["concluded"] == received.exclude(state__in=OPEN_STATES).count()


def test_township_figures_add_up_to_the_county(county: ComplaintWorld) -> None:
    leader = county_leader(county.world)
    board = build_dashboard(leader, Period.year_to_date(local_date(timezone.now())))
    by_area = board.hazards_by["area"]
    assert {m.pk for m in board.members} >= {county.world.township_a.pk}
    assert sum(by_area.get(m.pk, "overdue") for m in board.members) == board.hazards["overdue"]
    assert sum(by_area.get(m.pk, "found") for m in board.members) == board.hazards["found"]


def test_a_township_user_sees_only_the_township(county: ComplaintWorld) -> None:
    world = county.world
    township_user = make_user("township_b_staff", "township_staff", regions=[world.township_b])
    board = build_dashboard(township_user, Period.year_to_date(local_date(timezone.now())))
    in_b = Hazard.objects.filter(region__path__startswith=world.township_b.path)
    assert board.hazards["overdue"] == overdue_hazards(in_b).count()
    assert board.hazards["found"] <= in_b.count()
    assert board.complaints["cases"] == 0  # every case of the fixture is in township A


@pytest.mark.parametrize("count", [1, 3, 12])  # 12: past COMPILED_MAX_IDS, compiled each time
def test_an_observed_write_of_many_records_keeps_the_rows_a_rebuild_gives(
    county: ComplaintWorld, count: int
) -> None:
    hazards = list(Hazard.objects.exclude(state=HazardState.CLOSED).order_by("pk")[:count])
    assert len(hazards) == count
    with observed(*hazards):
        Hazard.objects.filter(pk__in=[h.pk for h in hazards]).update(state=HazardState.CLOSED)
    kept = all_contents()
    rebuild()
    assert all_contents() == kept


def test_every_fact_compiles_its_sql_for_a_writes_ids_once(county: ComplaintWorld) -> None:
    """Writes are the hot path: each fact's GROUP BY over a few ids is compiled only once."""
    for fact in _facts:
        assert _compiled_for(fact, 3) is not None, fact.table._meta.label
