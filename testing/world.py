"""A small county for tests: two townships (A and B) with grids, departments, premises and
the personas of CONVENTIONS.md (township A, township B, the county, the enterprise, a citizen).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core.choices import RegionLevel
from core.models import Department, Premises, Region, Sector, User
from core.models.tree import TreeNode
from core.roles import sync_roles
from core.sector_seed import seed_sectors
from core.validators import credit_code_check_character, org_code_check_character

PASSWORD = "test-pass-9137"


def make_credit_code(serial: int, division: str = "330100") -> str:
    org = f"{serial:08d}"
    org += org_code_check_character(org)
    first17 = f"91{division}{org}"
    return first17 + credit_code_check_character(first17)


@dataclass
class World:
    county: Region
    township_a: Region
    township_b: Region
    grid_a: Region
    grid_b: Region
    sector: Sector
    department: Department
    premises_a: Premises
    premises_b: Premises
    users: dict[str, User]

    def user(self, persona: str) -> User:
        return self.users[persona]


def parent_of[Node: TreeNode](node: Node) -> Node:
    """A tree node's parent, as its own model (the stubs type the abstract "self" as TreeNode)."""
    parent = node.parent
    assert isinstance(parent, type(node)), f"{node} has no parent"
    return parent


def make_region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent)
    region.save()
    return region


def make_premises(name: str, region: Region, sector: Sector, serial: int) -> Premises:
    premises = Premises.objects.create(
        name=name,
        credit_code=make_credit_code(serial),
        sector=sector,
        region=region,
        address=f"{region.name}1号",
    )
    premises.refresh_derived()
    return premises


@cache
def password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per process.
    return make_password(PASSWORD)


def make_user(username: str, role: str | None, **scope: Any) -> User:
    user = User.objects.create(username=username, password=password_hash(), language="en")
    if role:
        user.groups.add(Group.objects.get(name=role))
    for field in ("regions", "departments", "premises"):
        if scope.get(field):
            getattr(user, field).set(scope[field])
    if scope.get("unlimited"):
        user.unlimited_scope = True
        user.save()
    return user


def build_world() -> World:
    sync_roles()
    # Transactional tests (live server) flush the tables, seed rows from migrations included.
    seed_sectors(Sector)
    city = make_region("330100000000", "测试市", RegionLevel.CITY)
    county = make_region("330101000000", "测试县", RegionLevel.COUNTY, city)
    township_a = make_region("330101001000", "甲镇", RegionLevel.TOWNSHIP, county)
    township_b = make_region("330101002000", "乙镇", RegionLevel.TOWNSHIP, county)
    village_a = make_region("330101001001", "甲村", RegionLevel.VILLAGE, township_a)
    village_b = make_region("330101002001", "乙村", RegionLevel.VILLAGE, township_b)
    grid_a = make_region("330101001001-01", "甲村第一网格", RegionLevel.GRID, village_a)
    grid_b = make_region("330101002001-01", "乙村第一网格", RegionLevel.GRID, village_b)
    sector = Sector.objects.get(code="SCHOOL-PRIM")
    department = Department.objects.create(code="T-EDU", name="测试县教育局", region=county)
    department.sectors.add(parent_of(sector))
    premises_a = make_premises("甲镇中心小学", grid_a, sector, 1)
    premises_b = make_premises("乙镇中心小学", grid_b, sector, 2)
    users = {
        "township_a": make_user("staff_a", "township_staff", regions=[township_a]),
        "township_b": make_user("staff_b", "township_staff", regions=[township_b]),
        "county": make_user("county_admin", "directory_admin", regions=[county]),
        "enterprise": make_user("officer_a", "enterprise_officer", premises=[premises_a]),
        "department": make_user("edu_staff", "department_staff", departments=[department]),
        "no_permission": make_user("no_role", None, regions=[county]),
        "auditor": make_user("auditor", "auditor", unlimited=True),
    }
    return World(
        county,
        township_a,
        township_b,
        grid_a,
        grid_b,
        sector,
        department,
        premises_a,
        premises_b,
        users,
    )
