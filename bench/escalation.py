"""The escalation scan at scale (DESIGN.md §8): 100 k and 1 M open clocks, 1 % and 5 % due,
against the same writes done as set-based SQL, and flat when open clocks grow 10× with the
same number due (100 k at 1 % against 1 M at 0.1 %).

`escalation_results(db, url)` runs the measurement in a child process on the database at `url`
(migrated; the scale database `make bench` builds will do) and returns result rows in the
DESIGN.md §3 shape. `python -m bench.escalation` does it for $DATABASE_URL and prints JSON.
The clocks it writes carry kind 'bench.*' and are removed afterwards.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.databases import REPO, django_env

SCENARIOS = ((100_000, 0.01), (100_000, 0.05), (1_000_000, 0.01), (1_000_000, 0.05),
             (1_000_000, 0.001))  # fmt: skip
RUNS = int(os.environ.get("BENCH_ESCALATION_RUNS", "5"))
FIELDS = ("name", "db", "scale", "p50_ms", "p95_ms", "raw_sql_ms", "ops_per_s", "peak_mb")


def escalation_results(db: str, url: str, scenarios: Any = SCENARIOS) -> list[dict[str, Any]]:
    env = django_env(url) | {"BENCH_ESCALATION_SCENARIOS": json.dumps(scenarios)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.escalation", db], cwd=REPO, env=env, check=True,
        text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- inside the child process (Django set up on the target database) ---


def _series_sql(vendor: str, count: int) -> str:
    if vendor == "postgresql":
        return f"SELECT g AS n FROM generate_series(1, {count}) AS g"
    return (
        f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
        "SELECT n FROM s"
    )


def _fill(cursor: Any, vendor: str, scale: int, due: int, rule_id: int, type_id: int) -> None:
    """`scale` running clocks; the first `due` have entered their warning window."""
    now = "now()" if vendor == "postgresql" else "datetime('now')"
    plus = (lambda h: f"now() + interval '{h} hours'") if vendor == "postgresql" else (
        lambda h: f"datetime('now', '{h:+d} hours')")  # fmt: skip
    cursor.execute(
        "INSERT INTO workflow_clock (content_type_id, object_id, kind, rule_id, state, "
        "started_at, due, provisional, paused_days, paused_seconds, extension_days, "
        "extension_reason, breached, escalation_level, escalation_step, next_escalation_at) "
        f"SELECT {type_id}, n, CASE WHEN n <= {due} THEN 'bench.due' ELSE 'bench.later' END, "
        f"{rule_id}, 'running', {now}, CASE WHEN n <= {due} THEN {plus(48)} ELSE {plus(2000)} END, "
        "false, 0, 0, 0, '', false, 0, 0, "
        f"CASE WHEN n <= {due} THEN {plus(-24)} ELSE {plus(2000 - 72)} END "
        f"FROM ({_series_sql(vendor, scale)}) AS series"
    )


def _reset_due(cursor: Any, vendor: str) -> None:
    """Put the due clocks back at the start of their ladder (both contenders start equal)."""
    minus = "due - interval '72 hours'" if vendor == "postgresql" else "datetime(due, '-72 hours')"
    cursor.execute(
        "DELETE FROM workflow_escalationevent WHERE clock_id IN "
        "(SELECT id FROM workflow_clock WHERE kind = 'bench.due')"
    )
    cursor.execute(
        f"UPDATE workflow_clock SET escalation_step = 0, escalation_level = 0, breached = false, "
        f"next_escalation_at = {minus} WHERE kind = 'bench.due'"
    )


def _raw_scan(cursor: Any, vendor: str) -> None:
    """The same writes as one set-based statement pair: events in, clocks one step up."""
    now = "now()" if vendor == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    next_at = (
        "due - interval '24 hours'" if vendor == "postgresql" else "datetime(due, '-24 hours')"
    )
    due = f"state = 'running' AND next_escalation_at <= {now}"
    cursor.execute(
        "INSERT INTO workflow_escalationevent (clock_id, step, level, happened_at) "
        f"SELECT id, 1, 1, {now} FROM workflow_clock WHERE {due}"
    )
    cursor.execute(
        f"UPDATE workflow_clock SET escalation_step = 1, escalation_level = 1, "
        f"next_escalation_at = {next_at} WHERE {due}"
    )


def _timed(action: Any) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _scenario(db: str, scale: int, share: float) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from complaints.choices import HANDLE_CLOCK
    from core.models import Premises
    from workflow import escalation
    from workflow.models import ClockRule

    vendor, due = connection.vendor, int(scale * share)
    rule = ClockRule.objects.get(kind=HANDLE_CLOCK, rule_set__version=1)
    type_id = ContentType.objects.get_for_model(Premises).pk
    with connection.cursor() as cursor:
        _cleanup(cursor)
        with transaction.atomic():
            _fill(cursor, vendor, scale, due, rule.pk, type_id)
        cursor.execute("ANALYZE" if vendor == "sqlite" else "ANALYZE workflow_clock")
    app, raw = [], []
    for _ in range(RUNS):
        with connection.cursor() as cursor:
            _reset_due(cursor, vendor)
        app.append(_timed(escalation.scan))
        with connection.cursor() as cursor:
            _reset_due(cursor, vendor)
            raw.append(_timed(lambda c=cursor: _atomic_raw(c, vendor)))
    with connection.cursor() as cursor:
        _cleanup(cursor)
    p50 = statistics.median(app)
    return {
        "name": f"escalation_scan[{scale} open, {share:.1%} due = {due}]",
        "db": db,
        "scale": scale,
        "p50_ms": round(p50, 1),
        "p95_ms": round(max(app), 1),
        "raw_sql_ms": round(statistics.median(raw), 1),
        "ops_per_s": round(due / (p50 / 1000)) if p50 else None,
        "peak_mb": None,
    }


def _atomic_raw(cursor: Any, vendor: str) -> None:
    from django.db import transaction

    with transaction.atomic():
        _raw_scan(cursor, vendor)


def _cleanup(cursor: Any) -> None:
    cursor.execute(
        "DELETE FROM workflow_escalationevent WHERE clock_id IN "
        "(SELECT id FROM workflow_clock WHERE kind LIKE 'bench.%')"
    )
    cursor.execute("DELETE FROM workflow_clock WHERE kind LIKE 'bench.%'")


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    django.setup()
    db = sys.argv[1] if len(sys.argv) > 1 else "db"
    scenarios = json.loads(os.environ.get("BENCH_ESCALATION_SCENARIOS", "null")) or SCENARIOS
    rows = [_scenario(db, int(scale), float(share)) for scale, share in scenarios]
    for row in rows:
        print(" ".join(f"{key}={row[key]}" for key in FIELDS), file=sys.stderr)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
