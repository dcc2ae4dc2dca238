"""Risk points: scoring by LEC and the 5×5 matrix against the seeded bands (DESIGN.md §5),
the live colour raised by open hazards, and a region's colour summary within the scope."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEntry, Premises, User
from core.services import OutOfScopeError
from hazards.choices import HazardGrade, HazardSource, HazardState, RiskColour, RiskMethod
from hazards.models import Hazard, RiskBandSet, RiskPoint
from hazards.services.risk import (
    RiskInputError,
    assess_risk_point,
    band_set_in_force,
    colour_for,
    refresh_live_colour,
    region_colour_summary,
    score,
)
from testing.world import World

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def lec(likelihood: str, exposure: str, consequence: str) -> dict[str, Decimal]:
    return {
        "likelihood": Decimal(likelihood),
        "exposure": Decimal(exposure),
        "consequence": Decimal(consequence),
    }


def matrix(likelihood: int, severity: int) -> dict[str, Decimal]:
    return {"likelihood": Decimal(likelihood), "severity": Decimal(severity)}


def make_point(
    world: World,
    premises: Premises | None = None,
    *,
    name: str = "配电房",
    method: str = RiskMethod.LEC,
    inputs: dict[str, Decimal] | None = None,
    user: User | None = None,
) -> RiskPoint:
    """A risk point assessed through the service (LEC 1 × 6 × 7 = 42: blue by default)."""
    return assess_risk_point(
        user=user or world.user("township_a"),
        premises=premises or world.premises_a,
        name=name,
        method=method,
        inputs=inputs or lec("1", "6", "7"),
    )


def make_hazard(
    world: World,
    premises: Premises,
    *,
    grade: str = HazardGrade.GENERAL,
    state: str = HazardState.RECTIFYING,
    risk_point: RiskPoint | None = None,
    found_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    rectify_by: dt.datetime | None = None,
    title: str = "灭火器过期",
) -> Hazard:
    """A hazard row as the hazard loop would leave it (made directly, not through the loop)."""
    hazard = Hazard(
        number=f"YH-TEST-{next(_numbers):06d}",
        source=HazardSource.AD_HOC,
        title=title,
        grade=grade,
        state=state,
        premises=premises,
        risk_point=risk_point,
        found_at=found_at or timezone.now(),
        found_by=world.user("township_a"),
        closed_at=closed_at,
        rectify_by=rectify_by,
    )
    hazard.take_place_from_premises()
    hazard.save()
    return hazard


def lec_bands() -> RiskBandSet:
    return band_set_in_force(RiskMethod.LEC)


def matrix_bands() -> RiskBandSet:
    return band_set_in_force(RiskMethod.MATRIX)


# --- the seeded bands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        ("0.05", RiskColour.BLUE),
        ("70", RiskColour.BLUE),  # D ≤ 70 blue: 70 itself is blue
        ("70.01", RiskColour.YELLOW),
        ("160", RiskColour.YELLOW),  # 70 < D ≤ 160
        ("160.01", RiskColour.ORANGE),
        ("320", RiskColour.ORANGE),  # 160 < D ≤ 320
        ("320.01", RiskColour.RED),
        ("10000", RiskColour.RED),
    ],
)
def test_lec_bands_include_their_upper_bound(value, colour):
    assert colour_for(Decimal(value), lec_bands()) == colour


@pytest.mark.parametrize(
    ("inputs", "expected", "colour"),
    [
        (("10", "1", "7"), "70", RiskColour.BLUE),
        (("10", "0.5", "15"), "75", RiskColour.YELLOW),
        (("10", "1", "15"), "150", RiskColour.YELLOW),
        (("10", "6", "3"), "180", RiskColour.ORANGE),
        (("10", "10", "3"), "300", RiskColour.ORANGE),
        (("3", "3", "40"), "360", RiskColour.RED),
        (("0.1", "0.5", "1"), "0.05", RiskColour.BLUE),
    ],
)
def test_lec_scores_multiply_the_three_values(inputs, expected, colour):
    value = score(RiskMethod.LEC, lec(*inputs))
    assert value == Decimal(expected)
    assert colour_for(value, lec_bands()) == colour


@pytest.mark.parametrize(
    ("likelihood", "severity", "colour"),
    [
        (1, 3, RiskColour.BLUE),  # 3: top of 1–3
        (2, 2, RiskColour.YELLOW),  # 4: bottom of 4–8
        (2, 4, RiskColour.YELLOW),  # 8: top of 4–8
        (3, 3, RiskColour.ORANGE),  # 9: bottom of 9–16
        (4, 4, RiskColour.ORANGE),  # 16: top of 9–16
        (4, 5, RiskColour.RED),  # 20: bottom of 20–25
        (5, 5, RiskColour.RED),
        (1, 1, RiskColour.BLUE),
    ],
)
def test_matrix_boundaries(likelihood, severity, colour):
    value = score(RiskMethod.MATRIX, matrix(likelihood, severity))
    assert value == likelihood * severity
    assert colour_for(value, matrix_bands()) == colour


def test_every_matrix_product_lands_in_the_colour_design_names():
    design: dict[str, range] = {RiskColour.RED: range(20, 26), RiskColour.ORANGE: range(9, 17)}
    design |= {RiskColour.YELLOW: range(4, 9), RiskColour.BLUE: range(1, 4)}
    for likelihood, severity in itertools.product(range(1, 6), repeat=2):
        product = likelihood * severity
        colour = colour_for(Decimal(product), matrix_bands())
        assert product in design[colour], (likelihood, severity, colour)


def test_band_set_in_force_is_the_newest_effective_version(world):
    newer = RiskBandSet.objects.create(
        method=RiskMethod.LEC,
        version=2,
        name="某省 LEC",
        source="test",
        effective_from=dt.date(2030, 1, 1),
    )
    assert band_set_in_force(RiskMethod.LEC, dt.date(2029, 12, 31)).version == 1
    assert band_set_in_force(RiskMethod.LEC, dt.date(2030, 1, 1)) == newer


# --- bad inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "inputs", "field", "words"),
    [
        (RiskMethod.LEC, lec("4", "6", "7"), "likelihood", "must be one of 10, 6, 3, 1, 0.5"),
        (RiskMethod.LEC, lec("1", "5", "7"), "exposure", "5 is not allowed"),
        (RiskMethod.LEC, lec("1", "6", "50"), "consequence", "100, 40, 15, 7, 3, 1"),
        (RiskMethod.LEC, {"likelihood": "1", "exposure": "6"}, "consequence", "required"),
        (RiskMethod.MATRIX, matrix(6, 1), "likelihood", "must be one of 5, 4, 3, 2, 1"),
        (RiskMethod.MATRIX, {"likelihood": "2", "severity": "x"}, "severity", "not a number"),
        ("guess", {}, "method", "Unknown method"),
    ],
)
def test_a_value_the_method_does_not_allow_is_refused_by_name(method, inputs, field, words):
    with pytest.raises(RiskInputError) as refused:
        score(method, inputs)
    assert refused.value.field == field
    assert words in refused.value.message


def test_a_refused_assessment_writes_nothing(world):
    entries = AuditEntry.objects.count()
    with pytest.raises(RiskInputError):
        make_point(world, inputs=lec("1", "6", "8"))
    assert not RiskPoint.objects.exists()
    assert AuditEntry.objects.count() == entries


# --- assessing -----------------------------------------------------------------------------------


def test_an_assessment_stores_inputs_method_band_version_and_result(world):
    point = make_point(world, inputs=lec("3", "6", "15"))  # 270: orange
    point.refresh_from_db()
    assert (point.likelihood, point.exposure, point.consequence) == (3, 6, 15)
    assert point.severity is None
    assert point.score == Decimal("270")
    assert point.band_set.version == 1 and point.band_set.method == RiskMethod.LEC
    assert point.assessed_colour == point.live_colour == RiskColour.ORANGE
    assert point.region_id == world.premises_a.region_id
    assert point.assessed_by == world.user("township_a")
    entry = AuditEntry.objects.get(object_id=str(point.pk), content_type__model="riskpoint")
    assert entry.action == "create"


def test_reassessing_with_the_matrix_drops_the_lec_inputs(world):
    point = make_point(world)
    assess_risk_point(
        user=world.user("township_a"),
        premises=world.premises_a,
        name=point.name,
        method=RiskMethod.MATRIX,
        inputs=matrix(4, 5),
        risk_point=point,
    )
    point.refresh_from_db()
    assert (point.method, point.score, point.assessed_colour) == ("matrix", 20, RiskColour.RED)
    assert point.exposure is None and point.consequence is None and point.severity == 5


def test_a_point_at_premises_outside_the_scope_is_refused(world):
    with pytest.raises(OutOfScopeError):
        make_point(world, world.premises_b)
    assert not RiskPoint.objects.exists()


# --- live colour -------------------------------------------------------------------------------


def test_an_open_general_hazard_raises_the_live_colour_one_level_until_it_closes(world):
    point = make_point(world)  # blue
    hazard = make_hazard(world, world.premises_a, risk_point=point)
    refresh_live_colour(point)
    assert point.live_colour == RiskColour.YELLOW
    point.refresh_from_db()
    assert (point.assessed_colour, point.live_colour) == (RiskColour.BLUE, RiskColour.YELLOW)

    hazard.state, hazard.closed_at = HazardState.CLOSED, timezone.now()
    hazard.save()
    refresh_live_colour(point)
    point.refresh_from_db()
    assert point.live_colour == RiskColour.BLUE


def test_several_open_general_hazards_still_raise_one_level(world):
    point = make_point(world)
    for _ in range(3):
        make_hazard(world, world.premises_a, risk_point=point)
    refresh_live_colour(point)
    assert point.live_colour == RiskColour.YELLOW


def test_an_open_major_hazard_makes_the_point_red(world):
    point = make_point(world)
    make_hazard(world, world.premises_a, grade=HazardGrade.MAJOR, risk_point=point)
    refresh_live_colour(point)
    assert point.live_colour == RiskColour.RED


def test_a_red_point_stays_red_and_a_hazard_elsewhere_changes_nothing(world):
    red = make_point(world, name="储罐区", inputs=lec("3", "3", "40"))
    blue = make_point(world, name="办公室")
    make_hazard(world, world.premises_a, risk_point=red)
    make_hazard(world, world.premises_a)  # not linked to any point
    for point in (red, blue):
        refresh_live_colour(point)
    assert (red.live_colour, blue.live_colour) == (RiskColour.RED, RiskColour.BLUE)


def test_a_live_colour_change_is_audited(world):
    point = make_point(world)
    make_hazard(world, world.premises_a, risk_point=point)
    refresh_live_colour(point)
    entry = AuditEntry.objects.filter(object_id=str(point.pk), action="update").get()
    assert entry.changes == {"live_colour": [RiskColour.BLUE, RiskColour.YELLOW]}


def test_reassessing_keeps_the_raise_of_open_hazards(world):
    point = make_point(world)
    make_hazard(world, world.premises_a, risk_point=point)
    reassessed = assess_risk_point(
        user=world.user("township_a"),
        premises=world.premises_a,
        name=point.name,
        method=RiskMethod.LEC,
        inputs=lec("10", "1", "15"),  # 150: yellow
        risk_point=point,
    )
    assert (reassessed.assessed_colour, reassessed.live_colour) == ("yellow", "orange")


# --- region summary -------------------------------------------------------------------------


def test_region_summary_counts_live_colours_in_the_subtree_and_scope(world):
    admin = world.user("county")
    make_point(world, name="甲一")
    make_point(world, name="甲二", inputs=lec("3", "3", "40"))
    make_point(world, world.premises_b, name="乙一", user=admin)
    everyone = region_colour_summary(admin, world.county)
    assert everyone == {"red": 1, "orange": 0, "yellow": 0, "blue": 2}
    assert list(everyone) == ["red", "orange", "yellow", "blue"]
    assert region_colour_summary(admin, world.township_b) == {
        "red": 0,
        "orange": 0,
        "yellow": 0,
        "blue": 1,
    }
    # Township A's staff asking about the whole county see only their own points.
    assert region_colour_summary(world.user("township_a"), world.county)["blue"] == 1
    assert sum(region_colour_summary(world.user("township_b"), world.township_a).values()) == 0
