"""Peak memory of a list's download: the hazard list's CSV and XLSX export at
two sizes, to show that memory does not grow with the rows.

`export_results(db, url)` writes hazards at premises of the bench's own (one premises per size,
BENCH_EXPORT_SIZES, default 20000,100000), then downloads the hazard list filtered to each
premises (`/safety/hazards/?premises=<id>&export=csv|xlsx`) in a fresh child process per
download, through Django's test client and the real view, as a user scoped to the whole
county, so the rows go through `restrict()` and the filters like any user's. The child reads
the streamed body block by block and throws it away, as a server writing to a socket would;
`peak_mb` is the child's maximum resident set size (Python, Django, the driver and the export
together), `p50_ms` the time from the request to the last byte. The hazards are removed
afterwards. `DATABASE_URL=<url> python -m bench.exports <sqlite|postgresql>` does it for one
database and prints the result rows (DESIGN.md §3 shape) as JSON.

The hazards are written as the export tests write theirs (hazards/tests/hazard_rows.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from bench.databases import REPO, django_env
from bench.server import peak_kb

SIZES = tuple(int(size) for size in os.environ.get("BENCH_EXPORT_SIZES", "20000,100000").split(","))
FORMATS = ("csv", "xlsx")
FIELDS = ("name", "db", "scale", "p50_ms", "p95_ms", "raw_sql_ms", "ops_per_s", "peak_mb")
BENCH_USER = "bench_exporter"
PREMISES_NAME = "导出基准测试单位"


# --- the parent: prepare, one child per download, clean up ------------------------------------


def export_results(db: str, url: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", db], cwd=REPO, env=django_env(url),
        check=True, text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    db = sys.argv[1] if len(sys.argv) > 1 else "db"
    if sys.argv[2:3] == ["--child"]:
        print(json.dumps(_child(sys.argv[3], int(sys.argv[4]))))
        return
    _setup()
    premises_ids = _prepare()
    try:
        rows = [
            _result(db, export_format, size, _run_child(db, export_format, premises_ids[size]))
            for size in SIZES
            for export_format in FORMATS
        ]
    finally:
        _cleanup()
    for row in rows:
        print(" ".join(f"{key}={row[key]}" for key in FIELDS), file=sys.stderr)
    print(json.dumps(rows))


def _run_child(db: str, export_format: str, premises_id: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.exports", db, "--child", export_format, str(premises_id)],
        check=True, text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def _result(db: str, export_format: str, size: int, run: dict[str, Any]) -> dict[str, Any]:
    print(f"{export_format} {size:,} rows: {run}", file=sys.stderr)
    assert run["rows"] in (size, None), f"exported {run['rows']} rows, expected {size}"
    return {
        "name": f"hazard_export[{export_format.upper()}]",
        "db": db,
        "scale": size,
        "p50_ms": round(run["ms"]),  # one download per size: p50 is that download
        "p95_ms": None,
        "raw_sql_ms": None,
        "ops_per_s": round(size / (run["ms"] / 1000)),  # rows per second
        "peak_mb": round(run["peak_mb"], 1),
    }


# --- inside Django ---------------------------------------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    django.setup()


def _prepare() -> dict[int, int]:
    """The bench user (township staff scoped to the top of the region tree) and one premises
    per size with that many hazards; returns {size: premises id}."""
    from core.models import Premises, Region, Sector
    from core.roles import sync_roles
    from hazards.tests.hazard_rows import write_hazards
    from testing.world import make_credit_code, make_user

    sync_roles()
    _cleanup()
    top = Region.objects.filter(parent__isnull=True).order_by("pk").first()
    grid = Region.objects.order_by("-depth", "pk").first()
    sector = Sector.objects.filter(parent__isnull=False).order_by("pk").first()
    assert top is not None and grid is not None and sector, "generate or seed the database first"
    user = make_user(BENCH_USER, "township_staff", regions=[top])
    premises_ids = {}
    for n, size in enumerate(SIZES, start=1):
        premises = Premises.objects.create(
            name=f"{PREMISES_NAME}{n}", credit_code=make_credit_code(99_000_000 + n),
            sector=sector, region=grid, address="基准路1号",
        )  # fmt: skip
        premises.refresh_derived()
        write_hazards(premises, user, size, f"B{n}")
        premises_ids[size] = premises.pk
    return premises_ids


def _child(export_format: str, premises_id: int) -> dict[str, Any]:
    _setup()
    from django.conf import settings
    from django.test import Client

    from core.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(User.objects.get(username=BENCH_USER))
    query: dict[str, str | int] = {"premises": premises_id, "export": export_format}
    before_mb = peak_mb()
    start = time.perf_counter()
    response = client.get("/safety/hazards/", query)
    assert response.status_code == 200, response.status_code
    size, lines = 0, 0
    for block in response.streaming_content:  # type: ignore[attr-defined]
        size += len(block)
        lines += block.count(b"\n")
    elapsed = (time.perf_counter() - start) * 1000
    return {
        "ms": elapsed,
        "peak_mb": peak_mb(),
        "before_mb": before_mb,  # Django loaded and signed in, nothing exported yet
        "bytes": size,
        "rows": exported_rows(export_format, lines),
    }


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss
    over an exec, so a child would report at least its parent's peak (the parent that wrote
    100 000 hazards)."""
    return (peak_kb(os.getpid()) or 0) / 1024


def exported_rows(export_format: str, lines: int) -> int | None:
    """CSV: one line per row after the header (no cell holds a line break here)."""
    return lines - 1 if export_format == "csv" else None


def _cleanup() -> None:
    """Remove the bench's hazards, premises and user (plain DELETEs: the ORM's cascade collector
    would load 100 000 hazards into memory)."""
    from django.db import transaction

    from core.models import Premises, User
    from hazards.models import Hazard

    premises = Premises.objects.filter(name__startswith=PREMISES_NAME)
    with transaction.atomic():
        hazards = Hazard.objects.filter(premises_id__in=premises.values("pk"))
        hazards._raw_delete(Hazard.objects.db)
        premises.delete()
        User.objects.filter(username=BENCH_USER).delete()


if __name__ == "__main__":
    main()
