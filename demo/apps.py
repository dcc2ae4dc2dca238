from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = _("Demo county")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.audit_sources import audit_sources

        audit_sources.register({"command:demo_data": _("Demo data command")})
