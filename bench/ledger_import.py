"""Ledger import of 100 k rows (DESIGN.md §8: ≤ 30 s, peak memory ≤ 300 MB, every bad row
reported).

`ledger_import_results(db, url)` generates a 100 k-row XLSX (openpyxl write-only, streamed)
and times its import through `hazards.services.ledgers.import_file`, the same path as
`manage.py import_ledger`, in a child process per run on the database at `url` (migrated);
peak memory is the child's maximum resident set size (what the operating system saw, Python
and the database driver together). Each run imports into a premises of its own and removes
what it wrote afterwards. `python -m bench.ledger_import <sqlite|postgresql>` does it for
$DATABASE_URL and prints the result rows (DESIGN.md §3 shape) as JSON.

The file is built by the ledger tests' generators (hazards/tests/ledger_files.py).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.databases import REPO, django_env
from hazards.tests.ledger_files import ledger_rows, write_xlsx

ROWS = int(os.environ.get("BENCH_LEDGER_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_LEDGER_RUNS", "3"))
FIELDS = ("name", "db", "scale", "p50_ms", "p95_ms", "raw_sql_ms", "ops_per_s", "peak_mb")
BENCH_USER = "bench_ledger_importer"


# --- the parent: one child process per run -------------------------------------------------


def ledger_import_results(db: str, url: str, rows: int = ROWS) -> list[dict[str, Any]]:
    env = django_env(url) | {"BENCH_LEDGER_ROWS": str(rows)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.ledger_import", db], cwd=REPO, env=env, check=True,
        text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    db = sys.argv[1] if len(sys.argv) > 1 else "db"
    if len(sys.argv) > 2 and sys.argv[2] == "--child":
        print(json.dumps(_child(sys.argv[3], sys.argv[4])))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        code = _prepare()
        write_xlsx(path, ledger_rows(ROWS, code))
        runs = [_run_child(db, path, code) for _ in range(RUNS)]
    row = _result(db, runs)
    print(" ".join(f"{key}={row[key]}" for key in FIELDS), file=sys.stderr)
    print(json.dumps([row]))


def _run_child(db: str, path: Path, code: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.ledger_import", db, "--child", str(path), code],
        check=True, text=True, stdout=subprocess.PIPE,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def _result(db: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    times = sorted(run["ms"] for run in runs)
    p50 = statistics.median(times)
    for run in runs:
        print(f"run: {run}", file=sys.stderr)
    return {
        "name": f"ledger_import[{ROWS} rows XLSX]",
        "db": db,
        "scale": ROWS,
        "p50_ms": round(p50, 1),
        "p95_ms": round(times[-1], 1),  # the slowest of the runs (too few for a percentile)
        "raw_sql_ms": None,
        "ops_per_s": round(ROWS / (p50 / 1000)) if p50 else None,
        "peak_mb": round(statistics.median(run["peak_mb"] for run in runs), 1),
    }


# --- inside Django -------------------------------------------------------------------------


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    django.setup()


def _prepare() -> str:
    """A premises of the bench's own (in the first grid) and an unlimited importer."""
    _setup()
    from core.models import Premises, Region, Sector, User
    from core.roles import sync_roles
    from core.validators import credit_code_check_character, org_code_check_character

    sync_roles()
    user, _created = User.objects.get_or_create(username=BENCH_USER)
    user.unlimited_scope = True
    user.is_superuser = True
    user.save()
    org = "BENCH001"
    first17 = f"91330100{org}{org_code_check_character(org)}"
    code = first17 + credit_code_check_character(first17)
    region = Region.objects.order_by("-depth", "pk").first()
    if region is None:  # an empty database: a grid of the bench's own
        from core.choices import RegionLevel

        region = Region(code="339999999999", name="基准测试网格", level=RegionLevel.GRID)
        region.save()
    sector = Sector.objects.filter(parent__isnull=False).order_by("pk").first()
    assert region is not None and sector is not None, "migrate the database first"
    premises, _ = Premises.objects.get_or_create(
        credit_code=code,
        defaults={"name": "台账导入基准测试单位", "region": region, "sector": sector,
                  "address": "基准路1号"},
    )  # fmt: skip
    if hasattr(premises, "refresh_derived"):
        premises.refresh_derived()
    _cleanup(code)
    return code


def _child(path: str, code: str) -> dict[str, Any]:
    _setup()
    from core.models import User
    from hazards.services.ledgers import import_file

    user = User.objects.get(username=BENCH_USER)
    start, cpu = time.perf_counter(), time.process_time()
    job = import_file(path, user=user)
    elapsed = (time.perf_counter() - start) * 1000
    cpu_ms = (time.process_time() - cpu) * 1000
    assert job.state == "done" and job.imported_rows == ROWS, (job.state, job.message)
    # ru_maxrss is in kilobytes on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _cleanup(code)
    # CPU time of this process beside the wall time: on a busy machine the two differ.
    return {"ms": elapsed, "cpu_ms": round(cpu_ms), "peak_mb": peak, "imported": job.imported_rows}


def _cleanup(code: str) -> None:
    """Remove the bench premises' hazards, their clocks and the bench's jobs (audit entries
    stay: the chain is append-only)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from core.models import ImportJob
    from hazards.models import Hazard
    from workflow.models import Clock

    # Plain DELETEs: the ORM's cascade collector would load 100 000 hazards into memory.
    hazards = Hazard.objects.filter(premises__credit_code=code).values("pk")
    with transaction.atomic():
        Clock.objects.filter(
            content_type=ContentType.objects.get_for_model(Hazard), object_id__in=hazards
        )._raw_delete(Clock.objects.db)
        Hazard.objects.filter(pk__in=hazards)._raw_delete(Hazard.objects.db)
        for job in ImportJob.objects.filter(created_by__username=BENCH_USER):
            job.file.delete(save=False)
            job.delete()


if __name__ == "__main__":
    main()
