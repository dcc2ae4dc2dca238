from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Dashboards and reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.observers import register_observer
        from reports.facts import register_all
        from reports.rollups import rollup_observer

        register_all()
        register_observer(rollup_observer)
