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
        from core.api.routes import register_routes
        from core.navigation import menu
        from workflow.worker import register_periodic_jobs

        register_routes(register)
        register_periodic_jobs(jobs.periodic_jobs)
        menu.register(navigation.MENU_GROUP)
