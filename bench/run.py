"""`make bench`: build (or reuse) a scale database per DB, serve the app under gunicorn and time
the premises list through the API, as raw SQL and as the HTML page (DESIGN.md §8).

Environment: BENCH_SCALE (premises, default 1000000), BENCH_DB (sqlite, postgresql or both),
BENCH_SEED, BENCH_REQUESTS (default 300), BENCH_WARMUP, BENCH_MAX_SECONDS (per measured
operation), BENCH_OUTPUT (default bench/results/latest.json), BENCH_VAR_DIR, BENCH_ESCALATION=0
to skip the escalation scan (bench.escalation) on the same database, BENCH_HAZARDS=0 the
hazard list (bench.hazards), BENCH_LEDGER_IMPORT=0 the ledger import (bench.ledger_import),
BENCH_COMPLAINTS=0 the complaint list and the Open311 intake load (bench.complaints; its
BENCH_INTAKE_* variables are described there), BENCH_EXPORTS=0 the export memory
(bench.exports; BENCH_EXPORT_SIZES, default 20000,100000), BENCH_DASHBOARD=0 the dashboard and
the periodic reports (bench.dashboard).
Writes `{"results": [{"name", "db", "scale", "p50_ms", "p95_ms", "raw_sql_ms", "ops_per_s",
"peak_mb"}]}` and prints the same rows as a table. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from bench.complaints import complaint_results
from bench.config import BenchConfig
from bench.dashboard import dashboard_results
from bench.databases import REPO, ScaleDatabase, database_url, django_env, scale_database
from bench.escalation import escalation_results
from bench.exports import export_results
from bench.hazards import hazard_results
from bench.ledger_import import ledger_import_results
from bench.server import running_app
from bench.timing import api_token, cookie_header, page_exists, session_cookies, time_requests

# A township-scoped demo user: the list goes through the scope filter like real traffic.
BENCH_USER = "township_a"
BENCH_PASSWORD = "demo12345"
FIELDS = ("name", "db", "scale", "p50_ms", "p95_ms", "raw_sql_ms", "ops_per_s", "peak_mb")


def result(name: str, db: str, scale: int, **values: Any) -> dict[str, Any]:
    return {field: values.get(field) for field in FIELDS} | {"name": name, "db": db, "scale": scale}


def generation_result(database: ScaleDatabase, scale: int) -> dict[str, Any]:
    done = database.generation
    assert done is not None
    return result(
        "demo_data", database.db, scale,
        p50_ms=round(done.seconds * 1000), ops_per_s=round(done.rows / done.seconds),
        peak_mb=round(done.peak_mb, 1),
    )  # fmt: skip


def step_results(database: ScaleDatabase, scale: int) -> list[dict[str, Any]]:
    """The complaint step of demo_data on its own (DESIGN.md §8 times hazards and complaints
    together; demo_data reports each step's seconds)."""
    done = database.generation
    seconds = done.steps.get("complaints") if done else None
    if not done or not seconds:
        return []
    complaints = done.counts.get("complaints", 0)
    return [result(
        "demo_data_complaints", database.db, scale, p50_ms=round(seconds * 1000),
        ops_per_s=round(complaints / seconds),
    )]  # fmt: skip


def probe(database: ScaleDatabase, config: BenchConfig) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.probe", BENCH_USER, str(config.requests)],
        cwd=REPO, env=django_env(database.url), check=True, text=True,
        stdout=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_database(config: BenchConfig, db: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    database = scale_database(config, db)
    rows = [generation_result(database, config.scale)] if database.generation else []
    rows += step_results(database, config.scale)
    found = probe(database, config)
    with running_app(database.url) as server:
        token = api_token(server, BENCH_USER, BENCH_PASSWORD)
        api = time_requests(
            server, f"/api/v1/premises/?{found['api_query']}",
            {"Authorization": f"Token {token}"}, config,
        )  # fmt: skip
        html = time_html_list(server, found["html_query"], config)
        peak = server.worker_peak_mb()
    peak_mb = round(peak, 1) if peak else None
    rows.append(result(
        "api_premises_list", db, config.scale, p50_ms=api.p50_ms, p95_ms=api.p95_ms,
        raw_sql_ms=round(found["raw_sql_ms"], 2), ops_per_s=api.ops_per_s, peak_mb=peak_mb,
    ))  # fmt: skip
    rows.append(result(
        "html_premises_list", db, config.scale, p50_ms=html and html.p50_ms,
        p95_ms=html and html.p95_ms, ops_per_s=html and html.ops_per_s, peak_mb=peak_mb,
    ))  # fmt: skip
    return rows, found


def time_html_list(server: Any, query: str, config: BenchConfig) -> Any:
    """The HTML list page with the same filter and sort, or None if the app has no such page."""
    jar = session_cookies(server, BENCH_USER, BENCH_PASSWORD)
    if jar is None:
        return None
    path = f"/premises/?{query}"
    if not page_exists(server, path, cookie_header(jar)):
        return None
    return time_requests(server, path, cookie_header(jar), config)


def other_measures(config: BenchConfig, db: str) -> list[dict[str, Any]]:
    """Measures other areas run on the same scale database; each has its switch
    (BENCH_HAZARDS=0, BENCH_LEDGER_IMPORT=0, BENCH_ESCALATION=0, BENCH_COMPLAINTS=0,
    BENCH_EXPORTS=0, BENCH_DASHBOARD=0 skip them)."""
    url, rows = database_url(config, db), []
    if os.environ.get("BENCH_HAZARDS", "1") != "0":
        rows += hazard_results(db, url, config)
    if os.environ.get("BENCH_LEDGER_IMPORT", "1") != "0":
        rows += ledger_import_measures(db, url)
    if os.environ.get("BENCH_ESCALATION", "1") != "0":
        rows += escalation_results(db, url)
    if os.environ.get("BENCH_COMPLAINTS", "1") != "0":
        rows += complaint_results(db, url, config)
    if os.environ.get("BENCH_EXPORTS", "1") != "0":
        rows += export_results(db, url)
    if os.environ.get("BENCH_DASHBOARD", "1") != "0":
        rows += dashboard_results(db, url, config)
    return rows


def ledger_import_measures(db: str, url: str) -> list[dict[str, Any]]:
    """The 100 k-row hazard ledger import (bench/ledger_import.py)."""
    return ledger_import_results(db, url)


def table(rows: list[dict[str, Any]]) -> str:
    widths = {f: max(len(f), *(len(cell(r[f])) for r in rows)) for f in FIELDS}
    lines = ["  ".join(f.ljust(widths[f]) for f in FIELDS)]
    lines.append("  ".join("-" * widths[f] for f in FIELDS))
    lines += ["  ".join(cell(r[f]).ljust(widths[f]) for f in FIELDS) for r in rows]
    return "\n".join(lines)


def cell(value: Any) -> str:
    return "—" if value is None else str(value)


def main() -> int:
    config = BenchConfig.from_env()
    config.var_dir.mkdir(parents=True, exist_ok=True)
    results, details = [], {}
    for db in config.databases:
        print(f"bench: {db}, {config.scale:,} premises", file=sys.stderr, flush=True)
        rows, details[db] = measure_database(config, db)
        results += rows + other_measures(config, db)
    config.output.parent.mkdir(parents=True, exist_ok=True)
    config.output.write_text(json.dumps({"results": results}, indent=2) + "\n")
    # What was measured (region, row count, the captured SQL), for EXPLAIN and the docs.
    details_path = config.var_dir / f"bench-{config.scale}-details.json"
    details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False, default=str))
    print(table(results))
    for db, found in details.items():
        print(f"{db}: region {found['region_name']} (id {found['region_id']}), "
              f"{found['matching_rows']:,} matching premises, queries per page "
              f"{found['queries_per_page']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
