"""The workplace-safety menu group, registered in HazardsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from core.navigation import MenuGroup, MenuItem

MENU_GROUP = MenuGroup(
    "hazards",
    _("Workplace safety"),
    300,
    (
        MenuItem(_("My inspections today"), "hazards:inspections_today", "hazards.add_inspection"),
        MenuItem(_("Hazard board"), "hazards:hazard_board", "hazards.view_hazard"),
        MenuItem(_("Hazards"), "hazards:hazard_list", "hazards.view_hazard"),
        MenuItem(_("Overdue hazards"), "hazards:hazard_overdue", "hazards.view_hazard"),
        MenuItem(_("Inspections"), "hazards:inspection_list", "hazards.view_inspection"),
        MenuItem(_("Campaigns"), "hazards:campaign_list", "hazards.view_campaign"),
        MenuItem(
            _("Listed major hazards"), "hazards:hazardlisting_list", "hazards.view_hazardlisting"
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
)
