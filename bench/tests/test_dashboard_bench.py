"""bench.dashboard end to end at a tiny scale, on SQLite: the dashboard page timed through
gunicorn and the quarterly report made, each with the figures DESIGN.md §3 asks for."""

from __future__ import annotations

from bench.config import BenchConfig
from bench.dashboard import FIELDS, dashboard_results
from bench.databases import manage, recreate


def test_the_dashboard_and_the_quarterly_report_are_measured(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'dashboard-bench.sqlite3'}"
    recreate("sqlite", url)
    manage(url, "migrate", "--noinput", "-v", "0")
    manage(url, "demo_data", "--premises", "300", "--no-progress")
    monkeypatch.setenv("BENCH_REPORT_RUNS", "1")
    config = BenchConfig(
        scale=300, databases=("sqlite",), seed=1, requests=3, warmup=1, max_seconds=60,
        var_dir=tmp_path, output=tmp_path / "out.json", postgres_server="",
    )  # fmt: skip

    rows = dashboard_results("sqlite", url, config)

    names = ["html_dashboard", "report_quarterly_pdf", "report_quarterly_xlsx", "rollup_rebuild"]
    assert [row["name"] for row in rows] == names
    assert all(tuple(row) == FIELDS and row["scale"] > 300 for row in rows)
    assert all(row["p50_ms"] > 0 for row in rows)
    assert rows[0]["p95_ms"] >= rows[0]["p50_ms"]
