"""The citizen-complaints menu group, registered in ComplaintsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from core.navigation import MenuGroup, MenuItem

MENU_GROUP = MenuGroup(
    "complaints",
    _("Citizen complaints"),
    400,
    (
        MenuItem(_("Complaint desk"), "complaints:desk", "complaints.add_complaint"),
        MenuItem(_("Register a complaint"), "complaints:complaint_add", "complaints.add_complaint"),
        MenuItem(_("Unit inbox"), "complaints:inbox", "complaints.change_handlingtask"),
        MenuItem(_("Complaints"), "complaints:complaint_list", "complaints.view_complaint"),
        MenuItem(_("Backlog cases"), "complaints:backlogcase_list", "complaints.view_backlogcase"),
        MenuItem(_("Callbacks due"), "complaints:callback_due", "complaints.add_callback"),
        MenuItem(_("Complaint rates"), "complaints:rates", "complaints.view_callback"),
        MenuItem(
            _("Reception days"), "complaints:receptionday_list", "complaints.view_receptionday"
        ),
        MenuItem(_("Matter categories"), "complaints:category_list", "complaints.view_category"),
    ),
)
