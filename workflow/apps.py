from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Apps are imported only once their models are loaded, so these imports wait for ready().
        from core.api.routes import register_routes
        from core.audit_sources import audit_sources
        from core.health import HealthCheck, health_checks
        from core.navigation import menu
        from workflow import api, navigation, worker
        from workflow.machine import autodiscover

        # Each app declares its machines in its own `machines/` package; importing them here
        # registers them before the first request or command needs one.
        autodiscover()
        register_routes(api.register)
        worker.register_periodic_jobs(worker.workflow_jobs)
        health_checks.register(
            HealthCheck("worker", worker.worker_alive, required=worker.worker_required)
        )
        menu.register(navigation.MENU_GROUP)
        audit_sources.register({"worker": _("Background worker"), "escalate": _("Escalation scan")})
