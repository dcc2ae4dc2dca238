"""Checklists: the seeded templates, scoring, major-hazard criteria, versions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry, Sector
from core.sector_seed import CAMPAIGN_SECTOR_CODES
from hazards.choices import Outcome
from hazards.models import ChecklistItem, ChecklistTemplate
from hazards.seed.checklists import CHECKLIST_SEED
from hazards.services.checklists import (
    forces_major,
    is_major,
    new_version,
    passes,
    score,
    template_for,
)
from testing.world import World

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


def seeded(code: str) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(code=code, version=1)


# --- the seeded templates -----------------------------------------------------------------


def test_every_campaign_sector_has_a_checklist_in_force():
    for code in CAMPAIGN_SECTOR_CODES:
        sector = Sector.objects.get(code=code)
        child = sector.children.first()
        assert template_for(child or sector, TODAY) is not None, code


def test_fireworks_retail_has_its_own_checklist():
    template = template_for(Sector.objects.get(code="FIREWORKS-RETAIL"), TODAY)
    assert template is not None and template.code == "fireworks-retail"


@pytest.mark.parametrize("seed", CHECKLIST_SEED, ids=lambda seed: seed.code)
def test_seeded_template_has_ten_items_each_naming_its_clause(seed):
    template = seeded(seed.code)
    items = list(template.items.all())
    assert len(items) >= 10
    assert all(item.clause.strip() and item.text.strip() for item in items)
    assert [item.number for item in items] == list(range(1, len(items) + 1))
    assert template.source and template.effective_from <= TODAY


@pytest.mark.parametrize("seed", CHECKLIST_SEED, ids=lambda seed: seed.code)
def test_seeded_template_marks_major_criteria_with_condition_and_exceptions(seed):
    majors = seeded(seed.code).items.filter(major_criterion=True)
    assert majors.count() >= 2
    for item in majors:
        assert item.major_condition.strip() and item.major_exceptions.strip()


def test_seed_texts_fit_their_columns():
    for seed in CHECKLIST_SEED:
        assert len(seed.source) <= 500, seed.code
        assert all(len(entry.clause) <= 300 for entry in seed.items), seed.code


# --- scoring ------------------------------------------------------------------------------


def items_of(code: str) -> list[ChecklistItem]:
    return list(seeded(code).items.order_by("number"))


def test_score_is_the_weighted_share_of_applicable_items_passed():
    general, other, criterion = (
        ChecklistItem(number=1, weight=Decimal("1")),
        ChecklistItem(number=2, weight=Decimal("1")),
        ChecklistItem(number=3, weight=Decimal("3")),
    )
    results = [(general, Outcome.PASS), (other, Outcome.FAIL), (criterion, Outcome.PASS)]
    assert score(results) == Decimal("80.00")


def test_not_applicable_items_do_not_count():
    first, second, third = (ChecklistItem(number=n, weight=Decimal("1")) for n in (1, 2, 3))
    results = [(first, Outcome.PASS), (second, Outcome.FAIL), (third, Outcome.NOT_APPLICABLE)]
    assert score(results) == Decimal("50.00")


def test_score_rounds_to_hundredths():
    first, second, third = (ChecklistItem(number=n, weight=Decimal("1")) for n in (1, 2, 3))
    results = [(first, Outcome.PASS), (second, Outcome.PASS), (third, Outcome.FAIL)]
    assert score(results) == Decimal("66.67")


def test_nothing_applicable_has_no_score_and_passes():
    item = ChecklistItem(number=1, weight=Decimal("1"))
    assert score([(item, Outcome.NOT_APPLICABLE)]) is None
    assert passes(seeded("schools"), None)


def test_pass_mark_of_the_template_decides():
    template = seeded("schools")
    assert passes(template, Decimal("80.00"))
    assert not passes(template, Decimal("79.99"))


# --- major criteria -----------------------------------------------------------------------


def test_failed_criterion_item_forces_a_major_hazard():
    criterion = seeded("construction").items.filter(major_criterion=True).first()
    assert is_major(criterion)
    assert forces_major(criterion, Outcome.FAIL)
    assert not forces_major(criterion, Outcome.PASS)


def test_an_exception_that_holds_keeps_the_hazard_general():
    criterion = seeded("entertainment-venues").items.filter(major_criterion=True).first()
    assert not forces_major(criterion, Outcome.FAIL, exception_applies=True)


def test_ordinary_item_never_forces_major():
    ordinary = seeded("schools").items.filter(major_criterion=False).first()
    assert not is_major(ordinary)
    assert not forces_major(ordinary, Outcome.FAIL)
    assert not is_major(None)


# --- versions -----------------------------------------------------------------------------


def test_a_subsector_uses_its_parents_checklist(world: World):
    template = template_for(world.sector, TODAY)  # a primary school
    assert template is not None and template.code == "schools"


def test_a_subsectors_own_checklist_wins_over_its_parents(world: World):
    own = ChecklistTemplate.objects.create(
        code="primary-schools",
        name="小学检查表",
        sector=world.sector,
        source="test",
        effective_from=datetime.date(2025, 1, 1),
    )
    assert template_for(world.sector, TODAY) == own
    earlier = template_for(world.sector, datetime.date(2024, 6, 1))
    assert earlier is not None and earlier.code == "schools"


def test_no_checklist_before_the_first_version_takes_effect(world: World):
    assert template_for(world.sector, datetime.date(2020, 1, 1)) is None


def test_new_version_copies_items_and_takes_over_from_its_date(world: World):
    old = seeded("schools")
    admin = world.user("county")  # directory administrators manage safety reference data
    entries = AuditEntry.objects.count()
    new = new_version(user=admin, template=old, effective_from=datetime.date(2027, 1, 1))
    old.refresh_from_db()
    assert new.version == 2
    assert old.effective_until == datetime.date(2026, 12, 31)
    assert list(new.items.values_list("text", "clause", "major_criterion")) == list(
        old.items.values_list("text", "clause", "major_criterion")
    )
    assert template_for(world.sector, datetime.date(2026, 12, 31)) == old
    assert template_for(world.sector, datetime.date(2027, 1, 1)) == new
    # The new template, each copied item and the closed old version are audited.
    assert AuditEntry.objects.count() == entries + 1 + old.items.count() + 1


def test_new_version_must_start_after_the_latest(world: World):
    old = seeded("schools")
    with pytest.raises(ValidationError) as error:
        new_version(user=world.user("county"), template=old, effective_from=old.effective_from)
    assert error.value.code == "effective_from_too_early"
    assert ChecklistTemplate.objects.filter(code="schools").count() == 1


def test_new_version_needs_the_permission(world: World):
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        new_version(
            user=world.user("township_a"),
            template=seeded("schools"),
            effective_from=datetime.date(2027, 1, 1),
        )
    assert ChecklistTemplate.objects.filter(code="schools").count() == 1
    assert AuditEntry.objects.count() == entries
