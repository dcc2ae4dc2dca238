"""Fixtures for the engine's tests: the toy Ticket table, its rules, permissions and people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.models import User
from testing.world import World, make_user
from workflow.choices import DayCount
from workflow.models import ClockRule, RuleSet
from workflow.tests.toy import ACK, HANDLE, Ticket, TicketState

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment in the configured zone (Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if Ticket._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(Ticket)


@dataclass
class Toy:
    world: World
    staff: User  # township A staff: may submit, accept, resolve, verify
    leader: User  # township A unit leader: may extend
    other_staff: User  # township A staff, a second pair of eyes
    outsider: User  # township B staff: the ticket is outside their scope
    viewer: User  # township A, no role that may fire

    def ticket(self, state: str = TicketState.DRAFT, **fields) -> Ticket:
        return Ticket.objects.create(
            title="路灯不亮", region=self.world.grid_a, state=state, **fields
        )


def grant_toy_permissions() -> None:
    # The toy's content type row is created inside each test and rolled back after it.
    ContentType.objects.clear_cache()
    content_type = ContentType.objects.get_for_model(Ticket)
    for action in ("view", "change"):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_ticket", defaults={"name": action}
        )
        for role in ("township_staff", "unit_leader"):
            Group.objects.get(name=role).permissions.add(permission)


def seed_toy_rules() -> None:
    rules = RuleSet.objects.create(
        code="toy", name="Toy rules", source="tests", effective_from=dt.date(2000, 1, 1)
    )
    ClockRule.objects.create(
        rule_set=rules,
        kind=ACK,
        label="Acknowledge",
        length=2,
        unit=DayCount.HOURS,
        source_clause="toy: 2 hours",
        warning_hours=0,
    )
    ClockRule.objects.create(
        rule_set=rules,
        kind=HANDLE,
        label="Handle",
        length=15,
        unit=DayCount.CALENDAR_DAYS,
        max_extension_days=30,
        source_clause="toy: 15 days, extension ≤ 30",
    )


@pytest.fixture
def toy(world: World) -> Toy:
    Ticket.objects.all().delete()  # transactional tests do not flush a table outside the apps
    grant_toy_permissions()
    seed_toy_rules()
    leader = make_user("leader_a", "unit_leader", regions=[world.township_a])
    leader.email = "leader_a@example.org"
    leader.save()
    return Toy(
        world=world,
        staff=User.objects.get(pk=world.user("township_a").pk),
        leader=leader,
        other_staff=make_user("staff_a2", "township_staff", regions=[world.township_a]),
        outsider=User.objects.get(pk=world.user("township_b").pk),
        viewer=make_user("viewer_a", "grid_inspector", regions=[world.township_a]),
    )
