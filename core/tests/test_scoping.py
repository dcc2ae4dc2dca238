"""restrict(user, action): who sees which rows of the directory."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from core.models import Department, Premises, Region, User
from testing.world import make_user


def visible_premises(user, action: str = "view") -> set[str]:
    return set(Premises.objects.restrict(user, action).values_list("name", flat=True))


def test_township_staff_see_only_their_township(world):
    assert visible_premises(world.user("township_a")) == {"甲镇中心小学"}
    assert visible_premises(world.user("township_b")) == {"乙镇中心小学"}


def test_county_scope_covers_every_township(world):
    assert visible_premises(world.user("county")) == {"甲镇中心小学", "乙镇中心小学"}


def test_regulating_department_sees_premises_of_its_sector(world):
    assert visible_premises(world.user("department")) == {"甲镇中心小学", "乙镇中心小学"}


def test_department_loses_sight_when_responsibility_ends(world):
    world.department.sectors.clear()
    world.premises_a.refresh_derived()
    assert visible_premises(world.user("department")) == {"乙镇中心小学"}


def test_enterprise_officer_sees_only_their_enterprise(world):
    assert visible_premises(world.user("enterprise")) == {"甲镇中心小学"}


def test_enterprise_officer_cannot_delete_even_their_own(world):
    assert visible_premises(world.user("enterprise"), "delete") == set()


def test_user_without_role_sees_nothing(world):
    assert visible_premises(world.user("no_permission")) == set()


def test_unlimited_scope_sees_everything(world):
    assert visible_premises(world.user("auditor")) == {"甲镇中心小学", "乙镇中心小学"}


def test_anonymous_and_inactive_users_see_nothing(world):
    assert not Premises.objects.restrict(AnonymousUser(), "view").exists()
    staff = world.user("township_a")
    staff.is_active = False
    assert not Premises.objects.restrict(staff, "view").exists()


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError):
        Premises.objects.restrict(world.user("county"), "export")


def test_regions_above_are_visible_but_not_editable(world):
    staff = world.user("township_a")
    viewable = set(Region.objects.restrict(staff, "view").values_list("name", flat=True))
    editable = set(Region.objects.restrict(staff, "change").values_list("name", flat=True))
    assert {"测试县", "甲镇", "甲村第一网格"} <= viewable
    assert "乙镇" not in viewable
    assert "测试县" not in editable and "甲镇" in editable


def test_county_departments_visible_to_township_but_not_editable(world):
    staff = world.user("township_a")
    assert Department.objects.restrict(staff, "view").filter(pk=world.department.pk).exists()
    assert not Department.objects.restrict(staff, "change").filter(pk=world.department.pk).exists()


def test_moving_a_village_moves_its_premises_into_the_other_scope(world):
    village = world.grid_a.parent
    village.parent = world.township_b
    village.save()
    world.grid_a.refresh_from_db()
    assert world.grid_a.path.startswith(world.township_b.path)
    assert world.grid_a.depth == 4
    assert "甲镇中心小学" in visible_premises(world.user("township_b"))
    assert "甲镇中心小学" not in visible_premises(world.user("township_a"))


def test_users_editable_only_when_all_their_scope_is_the_editors(world):
    county = world.user("county")
    make_user("wide", "township_staff", regions=[world.township_a, world.township_b])
    editable = set(User.objects.restrict(county, "change").values_list("username", flat=True))
    assert {"staff_a", "staff_b", "wide"} <= editable
    staff_a = world.user("township_a")
    staff_a.user_permissions.add(*_perms("change_user", "view_user"))
    staff_a = User.objects.get(pk=staff_a.pk)  # fresh permission cache
    viewable = set(User.objects.restrict(staff_a, "view").values_list("username", flat=True))
    editable = set(User.objects.restrict(staff_a, "change").values_list("username", flat=True))
    assert "wide" in viewable and "wide" not in editable
    assert "staff_b" not in viewable


def _perms(*codenames: str):
    return Permission.objects.filter(content_type__app_label="core", codename__in=codenames)
