"""Background tasks of the workplace-safety area (Django tasks, run by `manage.py run_worker`)."""

from __future__ import annotations

from django.tasks import task

from core.audit import audit_context
from core.models import ImportJob


@task()
def import_ledger(job_id: int) -> str:
    """Validate and import an uploaded hazard ledger; a second run of the same job does
    nothing (the job is claimed by a compare-and-set from "waiting" to "running")."""
    from hazards.services.ledgers import run_ledger_import

    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "gone"
    # The hazards are the uploader's: their audit entries name them, not the worker.
    with audit_context(actor=job.created_by, source="ledger_import"):
        return run_ledger_import(job).state
