from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from core.health import health_checks


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: every registered check (core.health) runs; a failing
    required one makes the answer 503."""
    healthy, checks = health_checks.run()
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
