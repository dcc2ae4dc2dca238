"""Directory rules: credit codes, region trees, derived responsibilities."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.choices import ResponsibilityKind
from core.models import Department, Licence, LicenceType, Region, Responsibility, Sector
from core.responsibilities import derive_responsibilities
from core.validators import validate_credit_code
from testing.world import make_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q", make_credit_code(7)])
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y44", "check character should be 3"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100IO3", "not allowed"),
    ],
)
def test_bad_credit_codes_say_what_is_wrong(code, problem):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert problem in str(error.value)


def test_region_cannot_move_under_its_own_subtree(world):
    township = world.township_a
    township.parent = world.grid_a
    with pytest.raises(ValidationError):
        township.full_clean()


def test_recoding_a_region_rewrites_descendant_paths(world):
    township = Region.objects.get(pk=world.township_a.pk)
    township.code = "330101009000"
    township.save()
    world.grid_a.refresh_from_db()
    assert (
        world.grid_a.path == "/330100000000/330101000000/330101009000/330101001001/330101001001-01/"
    )


def current(premises, kind):
    return Responsibility.objects.current().filter(premises=premises, kind=kind)


def test_territory_is_the_premises_grid(world):
    (territorial,) = current(world.premises_a, ResponsibilityKind.TERRITORIAL)
    assert territorial.region == world.grid_a and territorial.is_lead


def test_sole_regulator_of_the_sector_leads(world):
    (regulator,) = current(world.premises_a, ResponsibilityKind.REGULATOR)
    assert regulator.department == world.department and regulator.is_lead


def test_lead_sector_decides_the_lead_among_regulators(world):
    emergency = Department.objects.create(code="T-EM", name="测试县应急管理局", region=world.county)
    emergency.sectors.add(world.sector)
    world.department.lead_sectors.add(world.sector.parent)
    world.premises_a.refresh_derived()
    leads = {r.department.code: r.is_lead for r in current(world.premises_a, "regulator")}
    assert leads == {"T-EDU": True, "T-EM": False}


def test_licence_names_the_licensing_authority(world):
    permit = LicenceType.objects.create(code="SCHOOL", name="办学许可证")
    world.department.licence_types.add(permit)
    Licence.objects.create(
        premises=world.premises_a, licence_type=permit, number="教民123", valid_from="2024-01-01"
    )
    world.premises_a.refresh_derived()
    (licensing,) = current(world.premises_a, ResponsibilityKind.LICENSING)
    assert licensing.department == world.department


def test_changed_sector_ends_the_old_regulator_and_keeps_history(world):
    yesterday = datetime.date.today() - datetime.timedelta(days=10)
    Responsibility.objects.filter(premises=world.premises_a).update(valid_from=yesterday)
    world.premises_a.sector = Sector.objects.get(code="MINE-OPEN")
    world.premises_a.save()
    derive_responsibilities(world.premises_a)
    assert not current(world.premises_a, ResponsibilityKind.REGULATOR).exists()
    ended = Responsibility.objects.get(premises=world.premises_a, kind="regulator")
    assert ended.valid_until is not None
