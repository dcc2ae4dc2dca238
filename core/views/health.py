from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database answers a query; the worker's heartbeat is fresh
    (that one fails the check only with WORKFLOW_HEALTHZ_REQUIRE_WORKER, on in production)."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # a health check reports every failure, it never raises
        checks["database"] = f"error: {error.__class__.__name__}"
    worker_ok = _worker_check(checks)
    healthy = checks["database"] == "ok" and (
        worker_ok or not settings.WORKFLOW_HEALTHZ_REQUIRE_WORKER
    )
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _worker_check(checks: dict[str, str]) -> bool:
    from workflow.worker import worker_status

    try:
        ok, detail = worker_status(dt.timedelta(seconds=settings.WORKFLOW_WORKER_STALE_SECONDS))
    except Exception as error:  # no database, no heartbeat table: reported, never raised
        ok, detail = False, f"error: {error.__class__.__name__}"
    checks["worker"] = "ok" if ok else f"error: {detail}"
    return ok
