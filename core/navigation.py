"""The navigation menu, built from what the user's roles may view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
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

    @property
    def built(self) -> bool:
        # Pages of an area land one by one (issue 4); an item shows once its page exists.
        # test_navigation checks that every item resolves once the area is complete.
        try:
            reverse(self.url_name)
        except NoReverseMatch:
            return False
        return True


@dataclass(frozen=True)
class MenuGroup:
    label: str | Promise
    items: tuple[MenuItem, ...]


MENU = (
    MenuGroup(
        _("Dashboards"),
        (
            MenuItem(_("Leader dashboard"), "reports:dashboard", "reports.view_dashboard"),
            MenuItem(_("Periodic reports"), "reports:reports", "reports.view_dashboard"),
        ),
    ),
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
        _("Workplace safety"),
        (
            MenuItem(
                _("My inspections today"), "hazards:inspections_today", "hazards.add_inspection"
            ),
            MenuItem(_("Hazard board"), "hazards:hazard_board", "hazards.view_hazard"),
            MenuItem(_("Hazards"), "hazards:hazard_list", "hazards.view_hazard"),
            MenuItem(_("Overdue hazards"), "hazards:hazard_overdue", "hazards.view_hazard"),
            MenuItem(_("Inspections"), "hazards:inspection_list", "hazards.view_inspection"),
            MenuItem(_("Campaigns"), "hazards:campaign_list", "hazards.view_campaign"),
            MenuItem(
                _("Listed major hazards"),
                "hazards:hazardlisting_list",
                "hazards.view_hazardlisting",
            ),
            MenuItem(
                _("Enforcement"), "hazards:enforcementaction_list", "hazards.view_enforcementaction"
            ),
            MenuItem(_("Risk points"), "hazards:riskpoint_list", "hazards.view_riskpoint"),
            MenuItem(_("Risk colour summary"), "hazards:risk_summary", "hazards.view_riskpoint"),
            MenuItem(
                _("Enterprise statistics"),
                "hazards:enterprisestatistics_list",
                "hazards.view_enterprisestatistics",
            ),
            MenuItem(
                _("Checklists"), "hazards:checklisttemplate_list", "hazards.view_checklisttemplate"
            ),
            MenuItem(_("Ledger import"), "hazards:ledger_import", "core.add_importjob"),
        ),
    ),
    MenuGroup(
        _("Citizen complaints"),
        (
            MenuItem(_("Complaint desk"), "complaints:desk", "complaints.add_complaint"),
            MenuItem(
                _("Register a complaint"), "complaints:complaint_add", "complaints.add_complaint"
            ),
            MenuItem(_("Unit inbox"), "complaints:inbox", "complaints.change_handlingtask"),
            MenuItem(_("Complaints"), "complaints:complaint_list", "complaints.view_complaint"),
            MenuItem(
                _("Backlog cases"), "complaints:backlogcase_list", "complaints.view_backlogcase"
            ),
            MenuItem(_("Callbacks due"), "complaints:callback_due", "complaints.add_callback"),
            MenuItem(_("Complaint rates"), "complaints:rates", "complaints.view_callback"),
            MenuItem(
                _("Reception days"), "complaints:receptionday_list", "complaints.view_receptionday"
            ),
            MenuItem(
                _("Matter categories"), "complaints:category_list", "complaints.view_category"
            ),
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
        items = [item for item in group.items if user.has_perm(item.permission) and item.built]
        if items:
            menu.append((group, items))
    return menu
