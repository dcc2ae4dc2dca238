"""The worker: queued tasks, periodic jobs once per slot, heartbeat in /healthz, Redis switch."""

from __future__ import annotations

import socket
from io import StringIO

import pytest
from asgiref.local import Local
from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone

from workflow import jobs
from workflow.models import Clock, Notification, PeriodicJob
from workflow.notifications import notify
from workflow.tests.test_escalation import overdue_ticket  # noqa: F401 (fixture)
from workflow.worker import claim, periodic_jobs
from workflow.worker.redis_backend import RedisBackend


def test_queued_delivery_runs_on_the_database_queue(toy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([toy.leader], topic="t", title="queued for email")
    assert mail.outbox == []  # only queued so far
    call_command("run_worker", "--once", stdout=StringIO())
    assert [m.subject for m in mail.outbox] == ["queued for email"]


def test_worker_runs_the_escalation_scan_as_a_periodic_job(toy, overdue_ticket):  # noqa: F811
    call_command("run_worker", "--once", stdout=StringIO())
    clock = Clock.objects.get(object_id=overdue_ticket.pk)
    assert clock.breached and Notification.objects.filter(recipient=toy.other_staff).exists()
    assert PeriodicJob.objects.get(name="escalate").last_result.startswith("ok")


def test_a_periodic_slot_is_claimed_by_one_worker_only(db):
    spec = periodic_jobs()[0]
    now = timezone.now()
    assert claim(spec, now) is True
    assert claim(spec, now) is False


def test_healthz_reports_the_worker(db, client):
    body = client.get("/healthz").json()
    assert body["checks"]["worker"].startswith("error")
    call_command("run_worker", "--once", stdout=StringIO())
    assert client.get("/healthz").json()["checks"]["worker"] == "ok"


@override_settings(WORKFLOW_HEALTHZ_REQUIRE_WORKER=True)
def test_healthz_fails_without_a_worker_when_required(db, client):
    assert client.get("/healthz").status_code == 503


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_redis_backend_enqueues_and_the_worker_runs_it(toy):
    prefix = f"civicdesk-test-{timezone.now().timestamp()}"
    tasks = {
        "default": {
            "BACKEND": "workflow.worker.redis_backend.RedisBackend",
            "OPTIONS": {"URL": "redis://127.0.0.1:6379/15", "PREFIX": prefix},
        }
    }
    with override_settings(TASKS=tasks):
        reset_task_backends()
        try:
            notify([toy.leader], topic="t", title="via redis")
            result = jobs.deliver_notifications.enqueue(
                list(Notification.objects.values_list("pk", flat=True))
            )
            assert result.status == "READY"
            call_command("run_worker", "--once", stdout=StringIO())
            assert [m.subject for m in mail.outbox] == ["via redis"]
            assert jobs.deliver_notifications.get_result(result.id).status == "SUCCESSFUL"
        finally:
            backend = task_backends["default"]
            assert isinstance(backend, RedisBackend)
            client = backend.client
            client.delete(*(client.keys(f"{prefix}:*") or ["none"]))
            reset_task_backends()


def reset_task_backends() -> None:
    """Django caches task backends per process; make it read TASKS again."""
    task_backends.__dict__.pop("settings", None)
    # A private attribute of Django's handler, absent from the stubs.
    task_backends._connections = Local(task_backends.thread_critical)  # type: ignore[attr-defined]
