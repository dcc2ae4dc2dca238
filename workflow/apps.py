from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each domain app declares its machines in its own `workflow.py`; importing them here
        # registers them before the first request or command needs one.
        from workflow.machine import autodiscover

        autodiscover()
