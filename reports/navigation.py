"""The dashboards' menu group, registered in ReportsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from core.navigation import MenuGroup, MenuItem

MENU_GROUP = MenuGroup(
    "reports",
    _("Dashboards"),
    100,
    (
        MenuItem(_("Leader dashboard"), "reports:dashboard", "reports.view_dashboard"),
        MenuItem(_("Periodic reports"), "reports:reports", "reports.view_dashboard"),
    ),
)
