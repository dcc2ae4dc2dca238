"""Background tasks of the workplace-safety area (Django tasks, run by `manage.py run_worker`).

`periodic_jobs()` lists the area's periodic jobs (workflow.worker runs them): each night the
enterprises' quarterly and annual hazard statistics are drafted once their period has ended.
"""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from core.audit import audit_context
from core.models import ImportJob
from hazards.services.ledgers import run_ledger_import
from hazards.services.statistics import draft_due_statistics
from workflow.calendar import local_date
from workflow.worker import PeriodicSpec


@task()
def import_ledger(job_id: int) -> str:
    """Validate and import an uploaded hazard ledger; a second run of the same job does
    nothing (the job is claimed by a compare-and-set from "waiting" to "running")."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "gone"
    # The hazards are the uploader's: their audit entries name them, not the worker.
    with audit_context(actor=job.created_by, source="ledger_import"):
        return run_ledger_import(job).state


# Local hour of the nightly drafting of the enterprises' statistics.
STATISTICS_HOUR = 2


@task()
def draft_enterprise_statistics() -> int:
    """Draft the statistics of the periods being filed for every enterprise with an officer
    account that has none yet; returns how many were drafted."""
    with audit_context(source="worker"):
        return draft_due_statistics(local_date(timezone.now()))


def periodic_jobs() -> list[PeriodicSpec]:
    return [
        PeriodicSpec(
            "hazards.draft_enterprise_statistics",
            draft_enterprise_statistics.call,
            daily_at_hour=STATISTICS_HOUR,
        )
    ]
