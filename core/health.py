"""What `/healthz` checks: core checks the database; an app adds its own check (the worker's
heartbeat) from its AppConfig.ready() with `health_checks.register(HealthCheck(...))`.

A check answers (ok, detail). A check that is not required is reported but does not fail the
whole answer (the worker's, unless WORKFLOW_HEALTHZ_REQUIRE_WORKER is on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

Probe = Callable[[], tuple[bool, str]]


def always() -> bool:
    return True


@dataclass(frozen=True)
class HealthCheck:
    name: str
    probe: Probe
    required: Callable[[], bool] = always  # read per request, so settings may change in tests


class HealthChecks:
    def __init__(self) -> None:
        self._checks: dict[str, HealthCheck] = {}

    def register(self, check: HealthCheck) -> None:
        self._checks[check.name] = check

    def run(self) -> tuple[bool, dict[str, str]]:
        """(healthy, {name: "ok" or "error: …"}); every check runs, none raises."""
        healthy, report = True, {}
        for check in self._checks.values():
            try:
                ok, detail = check.probe()
            except Exception as error:  # a health check reports every failure, it never raises
                ok, detail = False, error.__class__.__name__
            report[check.name] = "ok" if ok else f"error: {detail}"
            if not ok and check.required():
                healthy = False
        return healthy, report


health_checks = HealthChecks()


def database_answers() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "ok"


DATABASE = HealthCheck("database", database_answers)
