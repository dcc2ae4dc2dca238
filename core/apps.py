from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import tables_speedup

        tables_speedup.install()
