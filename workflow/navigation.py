"""The supervision menu group, registered in WorkflowConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from core.navigation import MenuGroup, MenuItem

MENU_GROUP = MenuGroup(
    "supervision",
    _("Supervision"),
    500,
    (
        MenuItem(
            _("Supervision notices"),
            "workflow:supervision_list",
            "workflow.view_supervisionnotice",
        ),
    ),
)
