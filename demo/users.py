"""One demo login per role (DESIGN.md §1), each scoped to a realistic part of the county.

Every demo password is `demo12345`. Argon2 is deliberately slow, so the hash is computed once
and shared by every demo user.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core.audit import record_bulk_create
from core.models import Department, Premises, Region, User
from demo import names
from demo.departments import Directory
from demo.places import Places

DEMO_PASSWORD = "demo12345"
SUPERUSER = "superuser"
UNLIMITED = "不限范围（全部地区）"
# Township A and B are the personas of CONVENTIONS.md: two townships that must not see each other.
TOWNSHIP_A, TOWNSHIP_B = "青溪镇", "白沙镇"


@dataclass
class Cast:
    """The places, departments and premises demo users are given."""

    county: Region
    township_a: Region
    township_b: Region
    grid_a: Region
    grid_b: Region
    directory: Directory
    school: Premises

    def department(self, code: str) -> Department:
        return self.directory.departments[code]


@dataclass
class UserScope:
    regions: list[Region] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    premises: list[Premises] = field(default_factory=list)
    unlimited: bool = False


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str  # a role key of core.roles, or SUPERUSER
    scope: Callable[[Cast], UserScope]


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", SUPERUSER, lambda c: UserScope(unlimited=True)),
    DemoUser("county_leader", "government_leader", lambda c: UserScope([c.county])),
    DemoUser("county_admin", "directory_admin", lambda c: UserScope([c.county])),
    DemoUser("township_a", "township_staff", lambda c: UserScope([c.township_a])),
    DemoUser("township_b", "township_staff", lambda c: UserScope([c.township_b])),
    DemoUser("grid_a", "grid_inspector", lambda c: UserScope([c.grid_a])),
    DemoUser("grid_b", "grid_inspector", lambda c: UserScope([c.grid_b])),
    DemoUser("edu_staff", "department_staff", lambda c: UserScope([], [c.department("JY")])),
    DemoUser("safety_staff", "department_staff", lambda c: UserScope([], [c.department("YJ")])),
    DemoUser("school_officer", "enterprise_officer", lambda c: UserScope(premises=[c.school])),
    DemoUser(
        "complaint_clerk", "complaint_clerk", lambda c: UserScope([c.county], [c.department("XFJ")])
    ),
    DemoUser("handling_staff", "handling_staff", lambda c: UserScope([], [c.department("ZJ")])),
    DemoUser("unit_leader", "unit_leader", lambda c: UserScope([], [c.department("ZJ")])),
    DemoUser("supervisor", "supervisor", lambda c: UserScope([c.county], [c.department("DC")])),
    DemoUser("auditor", "auditor", lambda c: UserScope(unlimited=True)),
    # A second grid inspector on grid_a's grid (the school's): the four-eyes verifier of the
    # issue 4 story. Appended last so the names drawn for the users above stay the same.
    DemoUser("grid_a2", "grid_inspector", lambda c: UserScope([c.grid_a])),
    # Staff of 城市管理局, the unit some demo complaints are about (issue 5): opens those cases,
    # never sees who complained. Appended last, as above.
    DemoUser("cg_staff", "handling_staff", lambda c: UserScope([], [c.department("CG")])),
)


def township_named(places: Places, name: str) -> Region:
    return next(t for t in places.townships if t.name == name)


def first_grid(places: Places, township: Region) -> Region:
    return next(g for g in places.grids if g.path.startswith(township.path))


def school_of(township: Region) -> Premises | None:
    """The township's first primary school, else its first school of any kind."""
    in_township = Premises.objects.filter(region__path__startswith=township.path)
    return (
        in_township.filter(sector__code="SCHOOL-PRIM").order_by("pk").first()
        or in_township.filter(sector__code__startswith="SCHOOL").order_by("pk").first()
    )


def cast_of(places: Places, directory: Directory) -> Cast:
    township_a = township_named(places, TOWNSHIP_A)
    township_b = township_named(places, TOWNSHIP_B)
    school = (
        school_of(township_a)
        or Premises.objects.filter(sector__code__startswith="SCHOOL").order_by("pk").first()
    )
    if school is None:
        raise LookupError("the demo county has no school for the enterprise officer")
    # grid_a covers the school's grid, so the grid inspectors of the safety story (issue 4:
    # inspect the school, verify the rectification) see the school and its hazards.
    in_township_a = school.region.path.startswith(township_a.path)
    return Cast(
        places.county,
        township_a,
        township_b,
        school.region if in_township_a else first_grid(places, township_a),
        first_grid(places, township_b),
        directory,
        school,
    )


def create_demo_user(spec: DemoUser, cast: Cast, password_hash: str, full_name: str) -> User:
    scope = spec.scope(cast)
    superuser = spec.role == SUPERUSER
    user = User.objects.create(
        username=spec.username,
        password=password_hash,
        last_name=full_name[:1],
        first_name=full_name[1:],
        is_superuser=superuser,
        is_staff=superuser,
        unlimited_scope=scope.unlimited,
    )
    if not superuser:
        user.groups.add(Group.objects.get(name=spec.role))
    user.regions.set(scope.regions)
    user.departments.set(scope.departments)
    user.premises.set(scope.premises)
    return user


def create_demo_users(places: Places, directory: Directory, rng: random.Random) -> list[User]:
    cast = cast_of(places, directory)
    password_hash = make_password(DEMO_PASSWORD)  # once: Argon2 takes tens of milliseconds
    users = [
        create_demo_user(spec, cast, password_hash, names.person_name(rng)) for spec in DEMO_USERS
    ]
    record_bulk_create(users)  # after the scope is set, so the entries show it
    return users


def scope_text(user: User) -> str:
    if user.is_superuser or user.unlimited_scope:
        return UNLIMITED
    labels = [
        *(r.name for r in user.regions.order_by("path")),
        *(d.name for d in user.departments.order_by("code")),
        *(p.name for p in user.premises.order_by("pk")),
    ]
    return "、".join(labels) or "—"


def demo_user_lines() -> list[str]:
    """`username<TAB>role<TAB>scope` for each demo user present in the database."""
    usernames = [spec.username for spec in DEMO_USERS]
    present = {u.username: u for u in User.objects.filter(username__in=usernames)}
    return [
        f"{spec.username}\t{spec.role}\t{scope_text(present[spec.username])}"
        for spec in DEMO_USERS
        if spec.username in present
    ]
