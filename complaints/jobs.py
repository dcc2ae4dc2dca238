"""Background jobs of the citizen-complaints area (Django tasks, run by `manage.py run_worker`).

`periodic_jobs()` lists the area's periodic jobs; workflow.worker.periodic_jobs runs them with
its own, each slot claimed by a compare-and-set. Every job here is idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.tasks import task

from complaints.services import backlog, reviews
from workflow.worker import PeriodicSpec

# The review windows end at 24:00 of their last day (Arts 35–36); an hourly run concludes a
# complaint within the hour after its window ended.
WINDOWS_EVERY = dt.timedelta(hours=1)
# Backlog thresholds are whole days overdue or a repeat count: a run every few hours is enough
# (a repeat linked by the desk designates at once through link_repeat).
BACKLOG_EVERY = dt.timedelta(hours=3)


@task()
def close_expired_windows() -> int:
    """Conclude complaints whose review or re-review window ended unused."""
    return reviews.close_expired_windows()


@task()
def designate_backlog() -> int:
    """Make overdue or repeated complaints backlog cases (积案); returns how many were made."""
    return len(backlog.designate_due_backlog())


def periodic_jobs() -> list[Any]:
    return [
        PeriodicSpec(
            "complaints.close_expired_windows", close_expired_windows.call, every=WINDOWS_EVERY
        ),
        PeriodicSpec("complaints.designate_backlog", designate_backlog.call, every=BACKLOG_EVERY),
    ]
