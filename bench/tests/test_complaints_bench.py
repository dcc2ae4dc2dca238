"""bench.complaints end to end at a tiny scale: the case list timed through gunicorn, and the
Open311 intake load with every acknowledged complaint found in the database afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from bench.complaints import FIELDS, IntakeConfig, intake_results, list_results
from bench.config import BenchConfig
from bench.databases import manage, recreate

# The harness starts its own processes against its own database: no pytest database here.
PREMISES = "300"
POSTGRES = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
SMALL_LOAD = IntakeConfig(connections=4, workers=1, threads=2, runs=2, requests=20)


def postgres_reachable() -> bool:
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


@pytest.fixture(params=["sqlite", "postgresql"])
def tiny_county(request, tmp_path):
    """A demo county of 300 premises (150 complaints) on a database of this test's own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'complaints-bench.sqlite3'}"
    elif postgres_reachable():
        url = f"{POSTGRES}/civicdesk_bench_complaints_test"
    else:
        pytest.skip("no PostgreSQL server at BENCH_POSTGRES_SERVER")
    recreate(request.param, url)
    manage(url, "migrate", "--noinput", "-v", "0")
    manage(url, "demo_data", "--premises", PREMISES, "--no-progress")
    return request.param, url


def tiny_config(tmp_path: Path) -> BenchConfig:
    return BenchConfig(
        scale=int(PREMISES), databases=("sqlite",), seed=1, requests=5, warmup=1,
        max_seconds=60, var_dir=tmp_path, output=tmp_path / "out.json",
        postgres_server=POSTGRES,
    )  # fmt: skip


def test_case_list_and_intake_are_measured_and_no_acknowledged_complaint_is_lost(
    tiny_county, tmp_path
):
    db, url = tiny_county

    listed = list_results(db, url, tiny_config(tmp_path))
    assert [row["name"] for row in listed] == ["api_complaint_list", "html_complaint_list"]
    api, html = listed
    assert tuple(html) == FIELDS
    assert api["scale"] >= 150  # the complaints in the database, not the premises
    assert api["p50_ms"] > 0 and api["p95_ms"] >= api["p50_ms"] and api["raw_sql_ms"] > 0
    assert api["queries_per_page"]["25"] == api["queries_per_page"]["50"]  # constant
    assert html["p50_ms"] > 0, "the case list page was not timed"

    [intake] = intake_results(db, url, SMALL_LOAD)
    assert intake["name"] == "complaint_intake_http" and intake["db"] == db
    assert intake["errors"] == 0
    assert intake["acknowledged"] == 50 + 2 * 20  # the warm-up and two runs
    assert intake["stored"] == intake["acknowledged"]
    assert intake["ops_per_s"] > 0 and intake["p95_ms"] >= intake["p50_ms"] > 0
