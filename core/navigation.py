"""The navigation menu, built from what the user's roles may view.

Each app registers its menu groups from its AppConfig.ready(): `menu.register(MenuGroup(...))`.
A group's weight places it (lowest first), whatever order the apps load in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import User


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    permission: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str | Promise
    weight: int
    items: tuple[MenuItem, ...]


class Menu:
    def __init__(self) -> None:
        self._groups: dict[str, MenuGroup] = {}

    def register(self, *groups: MenuGroup) -> None:
        for group in groups:
            self._groups[group.key] = group

    def groups(self) -> list[MenuGroup]:
        return sorted(self._groups.values(), key=lambda group: (group.weight, group.key))


menu = Menu()

DIRECTORY = MenuGroup(
    "directory",
    _("Directory"),
    200,
    (
        MenuItem(_("Premises"), "core:premises_list", "core.view_premises"),
        MenuItem(_("Regions"), "core:region_list", "core.view_region"),
        MenuItem(_("Departments"), "core:department_list", "core.view_department"),
        MenuItem(_("Sectors"), "core:sector_list", "core.view_sector"),
        MenuItem(_("Licence types"), "core:licencetype_list", "core.view_licencetype"),
        MenuItem(_("Users"), "core:user_list", "core.view_user"),
    ),
)
AUDIT = MenuGroup(
    "audit",
    _("Audit"),
    900,
    (MenuItem(_("Audit log"), "core:auditentry_list", "core.view_auditentry"),),
)


def menu_for(user: User | AnonymousUser | None) -> list[tuple[MenuGroup, list[MenuItem]]]:
    if user is None or not user.is_authenticated:
        return []
    visible = []
    for group in menu.groups():
        items = [item for item in group.items if user.has_perm(item.permission)]
        if items:
            visible.append((group, items))
    return visible
