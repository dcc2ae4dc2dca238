from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Dashboards and reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Apps are imported only once their models are loaded, so these imports wait for ready().
        from core.navigation import menu
        from core.observers import register_observer
        from reports import jobs, navigation
        from reports.facts import register_all
        from reports.rollups import rollup_observer
        from workflow.worker import register_periodic_jobs

        register_all()
        register_observer(rollup_observer)
        register_periodic_jobs(jobs.periodic_jobs)
        menu.register(navigation.MENU_GROUP)
