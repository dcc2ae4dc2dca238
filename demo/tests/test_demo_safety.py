"""The demo county's workplace-safety content (issue 4): hazards on every step of the loop,
the users of the end-to-end story, determinism, numbering and scoping."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import DocumentSequence, Premises, Region, User
from core.responsibilities import lead_regulator_of
from hazards.choices import EnforcementState, HazardGrade, HazardState
from hazards.models import Campaign, EnforcementAction, Hazard
from hazards.services.hazards import report_hazard
from workflow import escalation
from workflow.models import Clock, EscalationEvent

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^YH-(\d{4})-(\d{6})$")


def demo_data(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_data", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class Rollback(Exception):
    """Raised to undo a generation inside a test, so a second one starts from empty."""


def generated_hazards(*args: str) -> list[tuple]:
    try:
        with transaction.atomic():
            demo_data(*args)
            rows = list(
                Hazard.objects.order_by("number").values_list(
                    "number",
                    "premises__name",
                    "state",
                    "grade",
                    "title",
                    "found_at",
                    "rectify_by",
                    "region__name",
                    "department__name",
                )
            )
            raise Rollback
    except Rollback:
        return rows


def township(name: str) -> Region:
    return Region.objects.get(name=name, level="township")


def test_demo_hazards_cover_every_state_of_the_loop_and_both_grades():
    demo_data("--premises", "300")

    hazards = Hazard.objects.all()
    assert hazards.count() > 250  # about one per premises, plus the story
    assert set(hazards.values_list("state", flat=True)) == set(HazardState.values)
    assert set(hazards.values_list("grade", flat=True)) == set(HazardGrade.values)
    # Township A, where the story happens, has every state on its own board too.
    at_a = hazards.filter(region__path__startswith=township("青溪镇").path)
    assert set(at_a.values_list("state", flat=True)) == set(HazardState.values)
    # Deadlines: none before grading, some already passed among those being rectified.
    assert not hazards.filter(state=HazardState.FOUND, rectify_by__isnull=False).exists()
    rectifying = hazards.filter(state=HazardState.RECTIFYING)
    assert rectifying.filter(rectify_by__lt=timezone.now()).exists()
    assert rectifying.filter(rectify_by__gt=timezone.now()).exists()
    closed = hazards.filter(state=HazardState.CLOSED)
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not closed.filter(verified_by__isnull=True).exists()
    assert not closed.filter(verified_by=F("rectified_by")).exists()  # four eyes


def test_open_hazards_with_a_deadline_run_a_rectify_clock():
    demo_data("--premises", "300")
    # The story's clocks start fresh, so the first scan escalates the overdue ones; the
    # ledger's clocks have their passed steps counted already and wait for their next one.
    escalation.scan()
    now = timezone.now()

    running = Hazard.objects.filter(
        state__in=[HazardState.GRADED, HazardState.RECTIFYING], rectify_by__isnull=False
    )
    clocks = Clock.objects.filter(
        kind="hazards.rectify", content_type=ContentType.objects.get_for_model(Hazard)
    )
    assert clocks.count() == running.count() > 0
    due = dict(running.values_list("pk", "rectify_by"))
    for clock in clocks:
        assert clock.state == "running"
        assert clock.due == due[clock.object_id]
        assert clock.breached == (clock.due <= now)
        # Steps already passed count as taken: the next one is still to come.
        assert clock.next_escalation_at is None or clock.next_escalation_at > now - dt.timedelta(
            minutes=1
        )
    assert clocks.filter(breached=True).exists()
    assert EscalationEvent.objects.filter(clock__in=clocks).exists()


def test_numbers_are_unique_per_year_and_the_sequence_continues_after_them():
    demo_data("--premises", "300")

    numbers = list(Hazard.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    by_year: dict[int, list[int]] = {}
    for number in numbers:
        match = NUMBER.match(number)
        assert match, number
        by_year.setdefault(int(match[1]), []).append(int(match[2]))
    for year, seqs in by_year.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), year  # gap-free
        assert DocumentSequence.objects.get(prefix="YH", year=year).last == len(seqs)


def test_report_hazard_after_the_demo_takes_the_next_number():
    demo_data("--premises", "300")
    inspector = User.objects.get(username="grid_a")
    premises = Premises.objects.filter(region__in=inspector.regions.all()).earliest("pk")
    year = timezone.localdate().year
    last = DocumentSequence.objects.get(prefix="YH", year=year).last

    hazard = report_hazard(user=inspector, premises=premises, title="安全出口上锁", source="ad_hoc")

    assert hazard.number == f"YH-{year}-{last + 1:06d}"


def test_the_story_users_exist_with_their_roles_and_scopes():
    demo_data()  # the default county: township A has a school (small ones may have none)
    township_a = township("青溪镇")

    def user(name: str) -> User:
        return User.objects.get(username=name)

    grid_a, grid_a2 = user("grid_a"), user("grid_a2")
    for inspector in (grid_a, grid_a2):
        assert list(inspector.groups.values_list("name", flat=True)) == ["grid_inspector"]
        [grid] = inspector.regions.all()
        assert grid.level == "grid" and grid.path.startswith(township_a.path)
    assert list(grid_a.regions.all()) == list(grid_a2.regions.all())
    officer = user("school_officer")
    assert list(officer.groups.values_list("name", flat=True)) == ["enterprise_officer"]
    [school] = officer.premises.all()
    assert school.sector.code.startswith("SCHOOL")
    # The school is on the inspectors' grid, so both see it and its hazards.
    assert school.region == grid_a.regions.get()
    assert Premises.objects.restrict(grid_a2).filter(pk=school.pk).exists()
    assert user("edu_staff").groups.filter(name="department_staff").exists()
    assert lead_regulator_of(school) in user("edu_staff").departments.all()
    assert list(user("township_a").regions.all()) == [township_a]

    lines = dict(
        (line.split("\t")[0], line.split("\t")[1:])
        for line in demo_data("--list-users").splitlines()
    )
    assert lines["grid_a2"] == ["grid_inspector", school.region.name]
    assert lines["school_officer"] == ["enterprise_officer", school.name]


def test_same_seed_gives_the_same_hazards_and_another_seed_others():
    first = generated_hazards("--premises", "120", "--seed", "3")
    again = generated_hazards("--premises", "120", "--seed", "3")
    other = generated_hazards("--premises", "120", "--seed", "4")

    assert first and first == again
    assert first != other


def test_hazards_carry_their_premises_place_and_township_a_sees_only_its_own():
    demo_data("--premises", "300")
    place_a, place_b = township("青溪镇"), township("白沙镇")

    for hazard in Hazard.objects.select_related("premises").order_by("?")[:60]:
        assert hazard.region_id == hazard.premises.region_id
        regulator = lead_regulator_of(hazard.premises)
        assert hazard.department_id == (regulator.pk if regulator else None)

    seen_by_a = Hazard.objects.restrict(User.objects.get(username="township_a"))
    assert seen_by_a.exists()
    assert seen_by_a.count() == Hazard.objects.filter(region__path__startswith=place_a.path).count()
    assert not seen_by_a.exclude(region__path__startswith=place_a.path).exists()
    seen_by_b = Hazard.objects.restrict(User.objects.get(username="township_b"))
    assert not seen_by_b.filter(region__path__startswith=place_a.path).exists()
    assert seen_by_b.filter(region__path__startswith=place_b.path).exists()


def test_a_school_campaign_with_inspectors_and_draft_enforcement():
    demo_data("--premises", "300")

    campaign = Campaign.objects.get()
    assert {s.code for s in campaign.sectors.all()} and all(
        s.code.startswith("SCHOOL") for s in campaign.sectors.all()
    )
    inspectors = set(campaign.assignments.values_list("inspector__username", flat=True))
    assert {"grid_a", "grid_a2"} <= inspectors
    drafts = EnforcementAction.objects.all()
    assert drafts.count() == 2
    assert set(drafts.values_list("state", flat=True)) == {EnforcementState.DRAFT}
