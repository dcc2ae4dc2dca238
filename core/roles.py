"""Roles (DESIGN.md §1) are Django groups; this module is the one place their permissions live.

`manage.py sync_roles` (also run by `make run` and `demo_data`) creates or updates the groups,
so adding a permission to a role is a change here and a re-run, never a hand edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DIRECTORY_REFERENCE = ("region", "sector", "department", "licencetype")


def perms(actions: str, *models: str) -> frozenset[str]:
    return frozenset(f"core.{action}_{model}" for model in models for action in actions.split())


READ_DIRECTORY = perms("view", *DIRECTORY_REFERENCE, "premises", "licence", "responsibility")


@dataclass(frozen=True)
class Role:
    key: str
    label: str | Promise
    permissions: frozenset[str]


ROLES: tuple[Role, ...] = (
    Role(
        "directory_admin",
        _("Directory administrator"),
        perms(
            "view add change delete",
            *DIRECTORY_REFERENCE,
            "premises",
            "licence",
            "responsibility",
            "user",
        ),
    ),
    Role("grid_inspector", _("Grid inspector"), READ_DIRECTORY | perms("change", "premises")),
    Role(
        "township_staff",
        _("Township staff"),
        READ_DIRECTORY
        | perms("add change delete", "premises", "licence", "responsibility")
        | perms("add change", "region")
        | perms("view", "user"),
    ),
    Role(
        "department_staff",
        _("Department staff"),
        READ_DIRECTORY | perms("change", "premises") | perms("add change", "licence"),
    ),
    Role(
        "enterprise_officer",
        _("Enterprise safety officer"),
        perms("view", "premises", "licence", "responsibility", "sector")
        | perms("change", "premises"),
    ),
    Role("complaint_clerk", _("Complaint-desk clerk"), READ_DIRECTORY),
    Role("handling_staff", _("Handling unit staff"), READ_DIRECTORY),
    Role("unit_leader", _("Unit leader"), READ_DIRECTORY | perms("view", "user")),
    Role("supervisor", _("Supervisor"), READ_DIRECTORY | perms("view", "user")),
    Role("government_leader", _("Government leader"), READ_DIRECTORY | perms("view", "user")),
    Role("auditor", _("Auditor"), READ_DIRECTORY | perms("view", "user", "auditentry")),
)
ROLE_BY_KEY = {role.key: role for role in ROLES}


def group_name(role: Role) -> str:
    return role.key


@transaction.atomic
def sync_roles() -> list[Group]:
    groups = []
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=group_name(role))
        codenames = [name.split(".", 1)[1] for name in role.permissions]
        wanted = Permission.objects.filter(content_type__app_label="core", codename__in=codenames)
        missing = set(codenames) - set(wanted.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"role {role.key}: unknown permissions {sorted(missing)}")
        group.permissions.set(wanted)
        groups.append(group)
    return groups
