"""`make bench` end to end at a tiny scale: builds, serves, measures and writes the results."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.config import REPO
from bench.run import FIELDS

# The harness starts its own processes against its own database: no pytest database here.
TINY = {"BENCH_SCALE": "300", "BENCH_DB": "sqlite", "BENCH_REQUESTS": "5", "BENCH_WARMUP": "1",
        "BENCH_ESCALATION": "0", "BENCH_HAZARDS": "0", "BENCH_LEDGER_IMPORT": "0",
        "BENCH_COMPLAINTS": "0", "BENCH_EXPORTS": "0",
        "BENCH_DASHBOARD": "0"}  # fmt: skip


@pytest.fixture
def bench_env(tmp_path):
    env = dict(
        os.environ, **TINY, BENCH_VAR_DIR=str(tmp_path), BENCH_OUTPUT=str(tmp_path / "out.json")
    )
    env.pop("DATABASE_URL", None)
    return env


def run_bench(env):
    return subprocess.run(
        [sys.executable, "-m", "bench.run"], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def test_bench_writes_results_in_the_documented_shape_and_reuses_its_database(bench_env, tmp_path):
    first = run_bench(bench_env)
    assert first.returncode == 0, first.stderr[-2000:]
    results = json.loads((tmp_path / "out.json").read_text())["results"]

    names = ["demo_data", "demo_data_complaints", "api_premises_list", "html_premises_list"]
    assert [r["name"] for r in results] == names
    for row in results:
        assert tuple(row) == FIELDS
        assert (row["db"], row["scale"]) == ("sqlite", 300)
    api = results[2]
    assert api["p50_ms"] > 0 and api["p95_ms"] >= api["p50_ms"] and api["raw_sql_ms"] > 0
    assert "api_premises_list" in first.stdout  # the table

    second = run_bench(bench_env)
    assert second.returncode == 0, second.stderr[-2000:]
    rerun = json.loads((tmp_path / "out.json").read_text())["results"]
    assert [r["name"] for r in rerun] == ["api_premises_list", "html_premises_list"]
