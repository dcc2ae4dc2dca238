"""The hazard list at scale (DESIGN.md §8): the API list filtered + sorted +
scoped with its total count, the same query typed into the database, and the HTML list page.

`hazard_results(db, url, config)` measures on the database at `url` (migrated and generated
by `manage.py demo_data`, which writes about one hazard per premises: 1 M premises → 1 M
hazards) and returns result rows in the DESIGN.md §3 shape. Standalone:

    DATABASE_URL=<url> python -m bench.hazards <sqlite|postgresql>

prints the rows as JSON (BENCH_REQUESTS, BENCH_WARMUP, BENCH_MAX_SECONDS apply).
`python -m bench.hazards --probe USER REQUESTS` is the in-Django half (raw SQL, query counts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from urllib.parse import urlencode

from bench.config import BenchConfig
from bench.databases import REPO, django_env
from bench.probe import captured_queries, measured_region, time_raw_sql
from bench.server import running_app
from bench.timing import api_token, cookie_header, page_exists, session_cookies, time_requests

# A township-scoped demo user, as for the premises list: the scope filter is on the path.
BENCH_USER = "township_a"
BENCH_PASSWORD = "demo12345"
FIELDS = ("name", "db", "scale", "p50_ms", "p95_ms", "raw_sql_ms", "ops_per_s", "peak_mb")
# The board's busiest column: hazards being rectified, newest first (the hazard_grid_state
# index (region, state, -found_at, -id) serves it in order).
STATE = "rectifying"


def list_query(region_id: int, limit: int = 50) -> str:
    return urlencode({"region": region_id, "state": STATE, "ordering": "-found_at", "limit": limit})


def html_query(region_id: int) -> str:
    return urlencode({"region": region_id, "state": STATE, "sort": "-found_at"})


# --- inside Django (child process) ------------------------------------------------------------


def hazard_statements(statements: list[tuple[str, Any]]) -> tuple[tuple, tuple]:
    """The count and the page query: the two statements that read the hazards table."""
    reading = [(sql, params) for sql, params in statements if 'FROM "hazards_hazard"' in sql]
    count = next(s for s in reading if "COUNT(" in s[0].upper())
    page = next(s for s in reading if "LIMIT" in s[0].upper() and s is not count)
    return count, page


def probe(username: str, requests: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from core.models import User
    from hazards.models import Hazard

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    region = measured_region(username)
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    client = Client()
    path = f"/api/v1/hazards/?{list_query(region.pk)}"
    statements, response = captured_queries(client, path, token.key)
    small_page, _ = captured_queries(
        client, f"/api/v1/hazards/?{list_query(region.pk, 25)}", token.key
    )
    count, page = hazard_statements(statements)
    return {
        "region_id": region.pk,
        "region_name": region.name,
        "api_query": list_query(region.pk),
        "html_query": html_query(region.pk),
        "hazards": Hazard.objects.count(),
        "matching_rows": response.json()["count"],
        "queries_per_page": {"25": len(small_page), "50": len(statements)},
        "count_sql": count[0],
        "count_params": list(count[1] or ()),
        "page_sql": page[0],
        "page_params": list(page[1] or ()),
        "raw_sql_ms": time_raw_sql(count, page, requests),
    }


# --- the measurement (parent process) ---------------------------------------------------------


def result(name: str, db: str, scale: int, **values: Any) -> dict[str, Any]:
    return {field: values.get(field) for field in FIELDS} | {"name": name, "db": db, "scale": scale}


def run_probe(url: str, requests: int) -> dict[str, Any] | None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.hazards", "--probe", BENCH_USER, str(requests)],
        cwd=REPO, env=django_env(url), text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    if done.returncode != 0:
        print("bench.hazards: the hazard list API did not answer; no figures", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def hazard_results(db: str, url: str, config: Any) -> list[dict[str, Any]]:
    """api_hazard_list and html_hazard_list rows for the database at `url`."""
    found = run_probe(url, config.requests)
    if found is None:
        return []
    scale = found["hazards"]
    with running_app(url) as server:
        token = api_token(server, BENCH_USER, BENCH_PASSWORD)
        api = time_requests(
            server, f"/api/v1/hazards/?{found['api_query']}",
            {"Authorization": f"Token {token}"}, config,
        )  # fmt: skip
        html = None
        jar = session_cookies(server, BENCH_USER, BENCH_PASSWORD)
        page = f"/safety/hazards/?{found['html_query']}"
        if jar is not None and page_exists(server, page, cookie_header(jar)):
            html = time_requests(server, page, cookie_header(jar), config)
        peak = server.worker_peak_mb()
    peak_mb = round(peak, 1) if peak else None
    print(
        f"{db}: hazards in {found['region_name']} (id {found['region_id']}), state {STATE}: "
        f"{found['matching_rows']:,} of {scale:,}; queries per page {found['queries_per_page']}",
        file=sys.stderr,
    )
    return [
        result(
            "api_hazard_list", db, scale, p50_ms=api.p50_ms, p95_ms=api.p95_ms,
            raw_sql_ms=round(found["raw_sql_ms"], 2), ops_per_s=api.ops_per_s, peak_mb=peak_mb,
        ),
        result(
            "html_hazard_list", db, scale, p50_ms=html and html.p50_ms,
            p95_ms=html and html.p95_ms, ops_per_s=html and html.ops_per_s, peak_mb=peak_mb,
        ),
    ]  # fmt: skip


def main() -> None:
    if sys.argv[1:2] == ["--probe"]:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
        django.setup()
        print(json.dumps(probe(sys.argv[2], int(sys.argv[3])), ensure_ascii=False))
        return

    db = sys.argv[1] if len(sys.argv) > 1 else "db"
    rows = hazard_results(db, os.environ["DATABASE_URL"], BenchConfig.from_env())
    for row in rows:
        print(" ".join(f"{key}={row[key]}" for key in FIELDS), file=sys.stderr)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
