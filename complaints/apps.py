from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Citizen complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Apps are imported only once their models are loaded, so these imports wait for ready().
        from complaints import jobs, navigation
        from complaints.api.urls import register
        from complaints.choices import CLOCK_LABELS
        from core.api.routes import register_routes
        from core.audit_sources import audit_sources
        from core.navigation import menu
        from workflow.clock_labels import clock_labels
        from workflow.worker import register_periodic_jobs

        register_routes(register)
        clock_labels.register(CLOCK_LABELS)
        audit_sources.register(
            {
                "portal": _("Citizens' portal"),
                "open311": _("Open311 client"),
                "open311_key": _("Open311 key command"),
                "review_window": _("Review window closing"),
            }
        )
        register_periodic_jobs(jobs.periodic_jobs)
        menu.register(navigation.MENU_GROUP)
