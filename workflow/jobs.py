"""Background jobs on Django's tasks interface: enqueued after commit, safe to run twice."""

from __future__ import annotations

from django.tasks import task

from workflow import escalation
from workflow.clocks import recount_provisional
from workflow.notifications import deliver_pending, send_daily_digests


@task()
def deliver_notifications(ids: list[int]) -> int:
    """Email and SMS copies of inbox notifications; each channel is claimed per row."""
    return deliver_pending(ids)


@task()
def escalate() -> dict[str, int]:
    """The escalation scan, then telling each new escalation's audience."""
    result = escalation.scan()
    told = escalation.notify_escalations()
    return {"escalated": result.escalated, "notified": told}


@task()
def daily_digest() -> int:
    return send_daily_digests()


@task()
def recompute_provisional() -> int:
    return recount_provisional()
