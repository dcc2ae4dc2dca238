"""Citizen complaints at scale (DESIGN.md §8): intake over HTTP under concurrent load,
and the case list through the API and as the HTML page.

`complaint_results(db, url, config)` measures on the database at `url` (migrated and generated
by `manage.py demo_data`, which writes one complaint per two premises: 1 M premises → 0.5 M
complaints) and returns result rows in the DESIGN.md §3 shape:

- `api_complaint_list` / `html_complaint_list`: `GET /api/v1/complaints/?state=handling&
  ordering=-received_at&limit=50` and `/complaints/?state=handling&sort=-received_at`
  as `handling_staff` (a unit-scoped user: lead unit, tasks on the unit and the unit complained
  about all go through the scope filter), timed like the premises and hazard lists; the count
  and page SQL typed into the database gives `raw_sql_ms`.
- `complaint_intake_http`: `POST /open311/v2/requests.json` with an api_key (issued by the same
  code as `manage.py open311_key`) from BENCH_INTAKE_CONNECTIONS (8) threads, each on its own
  keep-alive connection, against gunicorn with BENCH_INTAKE_WORKERS (2) workers of
  BENCH_INTAKE_THREADS (4) threads each (gthread; 1 = sync workers); BENCH_INTAKE_RUNS (3)
  runs of BENCH_INTAKE_REQUESTS (2000) requests after a warm-up of 50. `ops_per_s` is the
  median run's requests per second, p50/p95 the latencies over all runs. The row also carries
  `errors` (non-2xx answers and connection failures), `acknowledged` (2xx answers) and
  `stored` (complaints of the bench's Open311 client that the database holds afterwards, every
  acknowledged number looked up); a difference is a lost complaint and is printed loudly.
  The intake complaints stay in the database (like any Open311 traffic; a reused scale
  database grows by a few thousand received cases per bench run).

Standalone: `DATABASE_URL=<url> python -m bench.complaints <sqlite|postgresql> [list|intake]`
prints the rows as JSON (BENCH_REQUESTS, BENCH_WARMUP, BENCH_MAX_SECONDS and the BENCH_INTAKE_*
variables apply). `--probe USER REQUESTS`, `--prepare` and `--check FILE` are the in-Django
halves; `--profile N` posts N Open311 requests through Django's test client under cProfile and
prints CPU and queries per request (JSON) and the profile (stderr).
"""

from __future__ import annotations

import cProfile
import http.client
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.config import BenchConfig
from bench.databases import REPO, django_env
from bench.probe import captured_queries, time_raw_sql
from bench.server import running_app
from bench.timing import (
    api_token,
    cookie_header,
    page_exists,
    percentile,
    session_cookies,
    time_requests,
)

BENCH_USER = "handling_staff"
BENCH_PASSWORD = "demo12345"
OPEN311_CLIENT = "bench-intake"
FIELDS = ("name", "db", "scale", "p50_ms", "p95_ms", "raw_sql_ms", "ops_per_s", "peak_mb")
# The unit's working column: cases being handled, newest first.
STATE = "handling"
INTAKE_WARMUP = 50
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def env_int(name: str, default: int) -> int:
    value = int(os.environ.get(name, "") or default)
    if value < 1:
        raise ValueError(f"{name}={value}: use a positive whole number")
    return value


@dataclass(frozen=True)
class IntakeConfig:
    connections: int
    workers: int
    threads: int
    runs: int
    requests: int

    @classmethod
    def from_env(cls) -> IntakeConfig:
        return cls(
            connections=env_int("BENCH_INTAKE_CONNECTIONS", 8),
            workers=env_int("BENCH_INTAKE_WORKERS", 2),
            threads=env_int("BENCH_INTAKE_THREADS", 4),
            runs=env_int("BENCH_INTAKE_RUNS", 3),
            requests=env_int("BENCH_INTAKE_REQUESTS", 2000),
        )


def list_query(limit: int = 50) -> str:
    return urlencode({"state": STATE, "ordering": "-received_at", "limit": limit})


def html_query() -> str:
    return urlencode({"state": STATE, "sort": "-received_at"})


def result(name: str, db: str, scale: int, **values: Any) -> dict[str, Any]:
    return {field: values.get(field) for field in FIELDS} | {"name": name, "db": db, "scale": scale}


# --- inside Django (child processes) ----------------------------------------------------------


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    django.setup()


def complaint_statements(statements: list[tuple[str, Any]]) -> tuple[tuple, tuple]:
    """The count and the page query: the two statements that read the complaints table."""
    table = 'FROM "complaints_complaint"'
    reading = [(sql, params) for sql, params in statements if table in sql]
    count = next(s for s in reading if "COUNT(" in s[0].upper())
    page = next(s for s in reading if "LIMIT" in s[0].upper() and s is not count)
    return count, page


def probe(username: str, requests: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from complaints.models import Complaint
    from core.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    client = Client()
    captured_queries(client, f"/api/v1/complaints/?{list_query()}", token.key)  # warm caches
    statements, response = captured_queries(
        client, f"/api/v1/complaints/?{list_query()}", token.key
    )
    small_page, _ = captured_queries(client, f"/api/v1/complaints/?{list_query(25)}", token.key)
    count, page = complaint_statements(statements)
    return {
        "user": username,
        "api_query": list_query(),
        "html_query": html_query(),
        "complaints": Complaint.objects.count(),
        "matching_rows": response.json()["count"],
        "queries_per_page": {"25": len(small_page), "50": len(statements)},
        "count_sql": count[0],
        "count_params": list(count[1] or ()),
        "page_sql": page[0],
        "page_params": list(page[1] or ()),
        "raw_sql_ms": time_raw_sql(count, page, requests),
    }


def prepare_intake() -> dict[str, Any]:
    """A fresh key for the bench's Open311 client, a service with no required questions, the
    grid the requests land in and how many complaints the client already has."""
    from complaints.models import CategoryAttribute, Complaint
    from complaints.open311.documents import offered_categories
    from complaints.open311.keys import issue_key
    from core.audit import audit_context
    from core.choices import RegionLevel
    from core.models import Region
    from core.roles import sync_roles

    sync_roles()
    with audit_context(source="bench"):
        client, key, _created = issue_key(OPEN311_CLIENT, rotate=True)
    asking = CategoryAttribute.objects.filter(required=True).values("category_id")
    service = offered_categories().exclude(pk__in=asking).order_by("path").first()
    if service is None:
        raise LookupError("no Open311 service without required questions: run demo_data")
    grid = Region.objects.filter(level=RegionLevel.GRID).order_by("path").first()
    return {
        "key": key,
        "service_code": service.code,
        "address_id": grid.code if grid is not None else "",
        "before": Complaint.objects.filter(open311_client=client).count(),
        "complaints": Complaint.objects.count(),
    }


def check_stored(numbers_file: str) -> dict[str, int]:
    """How many complaints the bench's client has, and how many acknowledged numbers exist."""
    from complaints.models import Complaint, Open311Client

    numbers = Path(numbers_file).read_text().split()
    client = Open311Client.objects.get(name=OPEN311_CLIENT)
    found = 0
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        found += Complaint.objects.filter(number__in=chunk, open311_client=client).count()
    return {
        "client_total": Complaint.objects.filter(open311_client=client).count(),
        "numbers": len(numbers),
        "distinct_numbers": len(set(numbers)),
        "numbers_found": found,
    }


def profile_intake(requests: int) -> dict[str, Any]:
    """`requests` Open311 POSTs through Django's test client in this process under cProfile:
    CPU per request, queries per request and the functions the time goes to (no HTTP server,
    so this is the application's own share)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    prepared, client = prepare_intake(), Client()
    statements: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    def post(n: int) -> None:
        response = client.post(
            "/open311/v2/requests.json", intake_body(prepared, n),
            content_type=FORM["Content-Type"],
        )  # fmt: skip
        assert response.status_code == 200, response.content[:300]

    for n in range(20):  # warm the caches (keys, services, regions, clock rules)
        post(10_000_000 + n)
    profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine may be busy
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        profiler.enable()
        for n in range(requests):
            post(10_100_000 + n)
        profiler.disable()
    wall, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
    kinds: dict[str, int] = {}
    for sql in statements:
        verb = sql.split(None, 1)[0].upper()
        kinds[verb] = kinds.get(verb, 0) + 1
    return {
        "requests": requests,
        "wall_ms_per_request": round(wall * 1000 / requests, 2),
        "cpu_ms_per_request": round(cpu_used * 1000 / requests, 2),
        "queries_per_request": round(len(statements) / requests, 1),
        "statements_per_request": {k: round(v / requests, 1) for k, v in sorted(kinds.items())},
        "profile": text.getvalue(),
    }


# --- the intake load (parent process) ---------------------------------------------------------


@dataclass
class IntakeRun:
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def intake_body(prepared: dict[str, Any], n: int) -> str:
    return urlencode({
        "api_key": prepared["key"], "service_code": prepared["service_code"],
        "address_id": prepared["address_id"], "address_string": f"基准路{n}号",
        "description": f"基准测试：路灯不亮，第{n}号", "first_name": "三", "last_name": "张",
        "phone": f"138{n % 100_000_000:08d}",
    })  # fmt: skip


def post_once(connection: http.client.HTTPConnection, body: str, run: IntakeRun) -> None:
    started = time.perf_counter()
    try:
        connection.request("POST", "/open311/v2/requests.json", body=body, headers=FORM)
        response = connection.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()  # the next request opens a new connection
        run.errors.append(f"{type(error).__name__}: {error}")
        return
    elapsed = (time.perf_counter() - started) * 1000
    if not 200 <= response.status < 300:
        run.errors.append(f"HTTP {response.status} {payload[:200]!r}")
        return
    run.latencies_ms.append(elapsed)
    run.numbers.append(json.loads(payload)[0]["service_request_id"])


def intake_load(server: Any, prepared: dict[str, Any], requests: int, connections: int,
                first: int) -> IntakeRun:  # fmt: skip
    """`requests` POSTs shared among `connections` threads, each with its own connection."""
    run, lock = IntakeRun(), threading.Lock()
    counter = iter(range(first, first + requests))

    def worker() -> None:
        mine = IntakeRun()
        connection = server.connection()
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            post_once(connection, intake_body(prepared, n), mine)
        connection.close()
        with lock:
            run.latencies_ms += mine.latencies_ms
            run.numbers += mine.numbers
            run.errors += mine.errors

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def in_django(url: str, *args: str) -> dict[str, Any] | None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.complaints", *args], cwd=REPO, env=django_env(url),
        text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    if done.returncode != 0:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def intake_results(db: str, url: str, intake: IntakeConfig | None = None) -> list[dict[str, Any]]:
    """The complaint_intake_http row for the database at `url`."""
    intake = intake or IntakeConfig.from_env()
    prepared = in_django(url, "--prepare")
    if prepared is None:
        print("bench.complaints: could not prepare the Open311 client; no intake figures",
              file=sys.stderr)  # fmt: skip
        return []
    runs: list[IntakeRun] = []
    with running_app(url, workers=intake.workers, threads=intake.threads) as server:
        warm = intake_load(server, prepared, INTAKE_WARMUP, intake.connections, 0)
        for n in range(intake.runs):
            first = INTAKE_WARMUP + n * intake.requests
            runs.append(intake_load(server, prepared, intake.requests, intake.connections, first))
        peak = server.worker_peak_mb()
    numbers = warm.numbers + [number for run in runs for number in run.numbers]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(numbers))
    try:
        stored = in_django(url, "--check", listing.name) or {}
    finally:
        os.unlink(listing.name)
    errors = warm.errors + [error for run in runs for error in run.errors]
    acknowledged = len(numbers)
    new_rows = stored.get("client_total", 0) - prepared["before"]
    latencies = [ms for run in runs for ms in run.latencies_ms]
    rates = sorted(run.per_second for run in runs)
    print(
        f"{db}: intake {intake.connections} connections, {intake.workers} workers × "
        f"{intake.threads} threads; requests/s per run {[round(r, 1) for r in rates]}; "
        f"errors {len(errors)}; acknowledged {acknowledged}, new rows {new_rows}, "
        f"acknowledged numbers found {stored.get('numbers_found')} "
        f"(distinct {stored.get('distinct_numbers')})",
        file=sys.stderr,
    )
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error}", file=sys.stderr)
    if new_rows != acknowledged or stored.get("numbers_found") != acknowledged:
        print("bench.complaints: STORED ≠ ACKNOWLEDGED — complaints were lost or invented",
              file=sys.stderr)  # fmt: skip
    row = result(
        "complaint_intake_http", db, prepared["complaints"],
        p50_ms=round(statistics.median(latencies), 2) if latencies else None,
        p95_ms=round(percentile(latencies, 0.95), 2) if latencies else None,
        ops_per_s=round(statistics.median(rates), 1) if rates else None,
        peak_mb=round(peak, 1) if peak else None,
    )  # fmt: skip
    return [row | {
        "errors": len(errors), "acknowledged": acknowledged, "stored": new_rows,
        "runs_per_s": [round(r, 1) for r in rates], "connections": intake.connections,
        "workers": intake.workers, "threads": intake.threads,
    }]  # fmt: skip


# --- the case list (parent process) -----------------------------------------------------------


def list_results(db: str, url: str, config: Any) -> list[dict[str, Any]]:
    """api_complaint_list and html_complaint_list rows for the database at `url`."""
    found = in_django(url, "--probe", BENCH_USER, str(config.requests))
    if found is None:
        print("bench.complaints: the complaint list API did not answer; no figures",
              file=sys.stderr)  # fmt: skip
        return []
    scale = found["complaints"]
    with running_app(url) as server:
        token = api_token(server, BENCH_USER, BENCH_PASSWORD)
        api = time_requests(
            server, f"/api/v1/complaints/?{found['api_query']}",
            {"Authorization": f"Token {token}"}, config,
        )  # fmt: skip
        html = None
        jar = session_cookies(server, BENCH_USER, BENCH_PASSWORD)
        page = f"/complaints/?{found['html_query']}"
        if jar is not None and page_exists(server, page, cookie_header(jar)):
            html = time_requests(server, page, cookie_header(jar), config)
        peak = server.worker_peak_mb()
    peak_mb = round(peak, 1) if peak else None
    print(
        f"{db}: complaints of {BENCH_USER}, state {STATE}: {found['matching_rows']:,} of "
        f"{scale:,}; queries per page {found['queries_per_page']}",
        file=sys.stderr,
    )
    return [
        result(
            "api_complaint_list", db, scale, p50_ms=api.p50_ms, p95_ms=api.p95_ms,
            raw_sql_ms=round(found["raw_sql_ms"], 2), ops_per_s=api.ops_per_s, peak_mb=peak_mb,
        ) | {"matching_rows": found["matching_rows"],
             "queries_per_page": found["queries_per_page"]},
        result(
            "html_complaint_list", db, scale, p50_ms=html and html.p50_ms,
            p95_ms=html and html.p95_ms, ops_per_s=html and html.ops_per_s, peak_mb=peak_mb,
        ),
    ]  # fmt: skip


def complaint_results(db: str, url: str, config: Any) -> list[dict[str, Any]]:
    """The list rows, then the intake row (intake adds complaints: the list is timed first)."""
    return list_results(db, url, config) + intake_results(db, url)


def main() -> None:
    command = sys.argv[1:2]
    if command and command[0] in ("--probe", "--prepare", "--check", "--profile"):
        setup_django()
        if command == ["--profile"]:
            found = profile_intake(int(sys.argv[2]))
            print(found.pop("profile"), file=sys.stderr)
            answer: Any = found
        elif command == ["--probe"]:
            answer = probe(sys.argv[2], int(sys.argv[3]))
        elif command == ["--prepare"]:
            answer = prepare_intake()
        else:
            answer = check_stored(sys.argv[2])
        print(json.dumps(answer, ensure_ascii=False))
        return

    db = sys.argv[1] if len(sys.argv) > 1 else "db"
    which = sys.argv[2] if len(sys.argv) > 2 else "all"
    url, config = os.environ["DATABASE_URL"], BenchConfig.from_env()
    if which == "list":
        rows = list_results(db, url, config)
    elif which == "intake":
        rows = intake_results(db, url)
    else:
        rows = complaint_results(db, url, config)
    for row in rows:
        print(" ".join(f"{key}={row[key]}" for key in FIELDS), file=sys.stderr)
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
