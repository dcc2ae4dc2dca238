"""Fixtures shared by the reports tests."""

from __future__ import annotations

import random

import pytest

from complaints.tests.factories import ComplaintWorld, complaint_world
from reports.tests.test_rollups import random_cases, random_hazards
from testing.world import World


@pytest.fixture
def county(world: World) -> ComplaintWorld:
    """Hazards and cases in random states, some overdue, some due later."""
    rng = random.Random(20261125)
    random_hazards(world, rng, 14)
    cw = complaint_world(world)
    random_cases(cw, rng, 10)
    return cw
