"""The navigation menu, built from what the user's roles may view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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
    label: str | Promise
    items: tuple[MenuItem, ...]


MENU = (
    MenuGroup(
        _("Directory"),
        (
            MenuItem(_("Premises"), "core:premises_list", "core.view_premises"),
            MenuItem(_("Regions"), "core:region_list", "core.view_region"),
            MenuItem(_("Departments"), "core:department_list", "core.view_department"),
            MenuItem(_("Sectors"), "core:sector_list", "core.view_sector"),
            MenuItem(_("Licence types"), "core:licencetype_list", "core.view_licencetype"),
            MenuItem(_("Users"), "core:user_list", "core.view_user"),
        ),
    ),
    MenuGroup(
        _("Supervision"),
        (
            MenuItem(
                _("Supervision notices"),
                "workflow:supervision_list",
                "workflow.view_supervisionnotice",
            ),
        ),
    ),
    MenuGroup(
        _("Audit"),
        (MenuItem(_("Audit log"), "core:auditentry_list", "core.view_auditentry"),),
    ),
)


def menu_for(user: Any) -> list[tuple[MenuGroup, list[MenuItem]]]:
    if user is None or not user.is_authenticated:
        return []
    menu = []
    for group in MENU:
        items = [item for item in group.items if user.has_perm(item.permission)]
        if items:
            menu.append((group, items))
    return menu
