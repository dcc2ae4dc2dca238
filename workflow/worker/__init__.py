"""`manage.py run_worker`: runs queued tasks and the periodic jobs, and leaves a heartbeat.

One loop for either queue: the database queue of django-tasks-db (the embedded default) or the
Redis queue (TASKS_BACKEND=redis). Periodic jobs are claimed by a compare-and-set on their
`next_run_at`, so several workers never run the same slot twice; the jobs are idempotent anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections, connection
from django.tasks import task_backends
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as DatabaseTaskRunner
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from workflow import jobs
from workflow.calendar import local_zone
from workflow.models import PeriodicJob, WorkerHeartbeat
from workflow.notifications import deliver_pending
from workflow.worker.redis_backend import RedisBackend

logger = logging.getLogger("civicdesk.worker")
HEARTBEAT_EVERY = dt.timedelta(seconds=15)


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    run: Callable[[], Any]
    every: dt.timedelta | None = None
    daily_at_hour: int | None = None

    def next_after(self, now: dt.datetime) -> dt.datetime:
        if self.every is not None:
            return now + self.every
        local = now.astimezone(local_zone())
        slot = local.replace(hour=self.daily_at_hour or 0, minute=0, second=0, microsecond=0)
        return slot if slot > local else slot + dt.timedelta(days=1)


JobProvider = Callable[[], Iterable[PeriodicSpec]]
_providers: list[JobProvider] = []


def register_periodic_jobs(provider: JobProvider) -> None:
    """An app lists its periodic jobs from its AppConfig.ready() (complaints: closing review
    windows nobody used; safety: drafting the enterprises' statistics; reports: filing the
    periodic reports, folding passed deadlines). The provider is called on each scan, so the
    jobs read the settings in force."""
    if provider not in _providers:
        _providers.append(provider)


def periodic_jobs() -> list[PeriodicSpec]:
    return [spec for provider in _providers for spec in provider()]


def workflow_jobs() -> list[PeriodicSpec]:
    interval = dt.timedelta(seconds=settings.WORKFLOW_ESCALATION_INTERVAL)
    return [
        PeriodicSpec("escalate", jobs.escalate.call, every=interval),
        PeriodicSpec("deliver_pending", deliver_pending, every=dt.timedelta(minutes=1)),
        PeriodicSpec(
            "daily_digest", jobs.daily_digest.call, daily_at_hour=settings.WORKFLOW_DIGEST_HOUR
        ),
        PeriodicSpec(
            "recompute_provisional", jobs.recompute_provisional.call, every=dt.timedelta(hours=6)
        ),
    ]


def claim(spec: PeriodicSpec, now: dt.datetime) -> bool:
    """True when this worker won the job's current slot (UPDATE … WHERE next_run_at <= now)."""
    # Interval jobs run at once on a fresh install; a daily job waits for its hour.
    first = now if spec.every is not None else spec.next_after(now)
    PeriodicJob.objects.get_or_create(name=spec.name, defaults={"next_run_at": first})
    won = PeriodicJob.objects.filter(name=spec.name, next_run_at__lte=now).update(
        next_run_at=spec.next_after(now), last_run_at=now
    )
    return bool(won)


def run_due_jobs(now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    ran = []
    for spec in periodic_jobs():
        if not claim(spec, now):
            continue
        try:
            outcome = f"ok: {spec.run()}"
        except Exception as error:  # a failing job is logged and retried next slot
            logger.exception("periodic job %s failed", spec.name)
            outcome = f"error: {error.__class__.__name__}: {error}"
        PeriodicJob.objects.filter(name=spec.name).update(last_result=outcome[:300])
        ran.append(spec.name)
    return ran


class TaskQueue(Protocol):
    name: str

    def run_one(self, timeout: float) -> bool: ...


class DatabaseQueue:
    """django-tasks-db's queue: its row locking and its task runner, driven by our loop."""

    name = "database"

    def __init__(self, alias: str, worker_id: str) -> None:
        self.alias = alias
        self.worker_id = worker_id
        self.runner = DatabaseTaskRunner(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    def run_one(self, timeout: float) -> bool:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.alias)
        with exclusive_transaction(tasks.db):
            result = tasks.get_locked()
            if result is not None:
                result.claim(self.worker_id)
        if result is None:
            return False
        self.runner.run_task(result)
        return True


class RedisQueue:
    name = "redis"

    def __init__(self, alias: str, worker_id: str) -> None:
        self.backend = task_backends[alias]
        self.worker_id = worker_id

    def run_one(self, timeout: float) -> bool:
        return self.backend.run_one(self.worker_id, timeout)  # type: ignore[attr-defined]


def queue_for(alias: str, worker_id: str) -> TaskQueue:
    if isinstance(task_backends[alias], RedisBackend):
        return RedisQueue(alias, worker_id)
    return DatabaseQueue(alias, worker_id)


class Worker:
    def __init__(self, alias: str = "default", interval: float = 1.0) -> None:
        self.worker_id = f"{socket.gethostname()}-{get_random_string(8)}"
        self.queue = queue_for(alias, self.worker_id)
        self.interval = interval
        self.running = True
        self.started_at = timezone.now()
        self.last_beat: dt.datetime | None = None

    def heartbeat(self, now: dt.datetime) -> None:
        if self.last_beat and now - self.last_beat < HEARTBEAT_EVERY:
            return
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname(),
                "backend": self.queue.name,
                "started_at": self.started_at,
                "seen_at": now,
            },
        )
        self.last_beat = now

    def tick(self, timeout: float = 0) -> bool:
        """Beat, run the periodic jobs that are due, run one queued task; True if one ran."""
        if not connection.in_atomic_block:  # (tests run the worker inside their transaction)
            close_old_connections()
        now = timezone.now()
        self.heartbeat(now)
        run_due_jobs(now)
        return self.queue.run_one(timeout)

    def drain(self) -> int:
        """Run due jobs and every queued task, then return (for `run_worker --once`)."""
        count = 0
        while self.tick():
            count += 1
        return count

    def stop(self, *_args: Any) -> None:
        self.running = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("worker %s started on the %s queue", self.worker_id, self.queue.name)
        blocking = self.queue.name == "redis"  # Redis waits inside BLMOVE; the database polls
        while self.running:
            ran = self.tick(timeout=self.interval if blocking else 0)
            if not ran and not blocking:
                time.sleep(self.interval)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        logger.info("worker %s stopped", self.worker_id)


def worker_status(stale_after: dt.timedelta) -> tuple[bool, str]:
    """Is some worker's heartbeat fresh?"""
    beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if beat is None:
        return False, "no worker has started"
    age = timezone.now() - beat.seen_at
    if age > stale_after:
        return False, f"last heartbeat {int(age.total_seconds())} s ago"
    return True, "ok"


def worker_alive() -> tuple[bool, str]:
    """The /healthz check (core.health), registered by WorkflowConfig.ready()."""
    return worker_status(dt.timedelta(seconds=settings.WORKFLOW_WORKER_STALE_SECONDS))


def worker_required() -> bool:
    return bool(settings.WORKFLOW_HEALTHZ_REQUIRE_WORKER)
