from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Workplace safety")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Only now: these modules import models, which need the app registry to be ready.
        from core.api.routes import register_routes
        from core.audit_sources import audit_sources
        from core.navigation import menu
        from core.panels import Panel, premises_panels
        from hazards import jobs, navigation
        from hazards.api.urls import register
        from hazards.choices import CLOCK_LABELS
        from hazards.services.statistics import recount_provisional_due_dates
        from hazards.views import checklists, enforcement, hazards, inspections, ledgers, risk
        from workflow.clock_labels import clock_labels
        from workflow.clocks import provisional_recounts
        from workflow.worker import register_periodic_jobs

        register_routes(register)
        clock_labels.register(CLOCK_LABELS)
        audit_sources.register(
            {"import_ledger": _("Ledger import command"), "ledger_import": _("Ledger import")}
        )
        register_periodic_jobs(jobs.periodic_jobs)
        menu.register(navigation.MENU_GROUP)
        provisional_recounts.append(recount_provisional_due_dates)

        # The premises page, in the order an inspector reads it: status and orders, open
        # hazards, risk, visits, the checklist that applies, the ledger.
        for key, context, permission in (
            ("enforcement", enforcement.enforcement_panel, "view_enforcementaction"),
            ("hazards", hazards.hazards_panel, "view_hazard"),
            ("risk", risk.risk_panel, "view_riskpoint"),
            ("inspections", inspections.inspections_panel, "view_inspection"),
            ("checklists", checklists.checklists_panel, "view_checklisttemplate"),
            ("ledgers", ledgers.ledger_panel, "view_hazard"),
        ):
            premises_panels.register(
                Panel(key, f"hazards/premises/{key}.html", f"hazards.{permission}", context)
            )
