"""Scale databases for the benchmarks: built once per (database, scale, seed), then reused.

A marker file beside the databases records what was generated; a database is reused only
when its marker matches and it still holds that many premises.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg

from bench.config import BenchConfig

REPO = Path(__file__).resolve().parent.parent
# Bump when the generator changes what it writes, so old scale databases are rebuilt.
# 2: hazards and clocks; 3: complaints; 4: the rollup tables;
# 5: one complaint per premises, so the default scale holds DESIGN.md §8's 1 M + 1 M
GENERATOR_VERSION = 5


@dataclass(frozen=True)
class Marker:
    db: str
    scale: int
    seed: int
    generator: int = GENERATOR_VERSION


@dataclass(frozen=True)
class Generation:
    """How long demo_data took, how many rows it wrote and its peak memory."""

    seconds: float
    rows: int
    peak_mb: float
    # Seconds per step from demo_data's "Time: places 0.3 s, …, complaints 147.7 s" line.
    steps: dict[str, float] = field(default_factory=dict)
    # Rows per kind from its summary line ("…, 100,012 complaints, …").
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ScaleDatabase:
    db: str  # sqlite | postgresql
    url: str
    marker_path: Path
    generation: Generation | None = None  # None when an existing database was reused


def database_url(config: BenchConfig, db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{config.var_dir / f'bench-{config.scale}.sqlite3'}"
    return f"{config.postgres_server.rstrip('/')}/civicdesk_bench_{config.scale}"


def manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=django_env(url),
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    )


def django_env(url: str) -> dict[str, str]:
    return dict(os.environ, DATABASE_URL=url, CIVICDESK_ENV="demo", LOG_LEVEL="WARNING")


COUNT_PREMISES = "from core.models import Premises; print(Premises.objects.count())"


def premises_count(url: str) -> int | None:
    try:
        out = manage(url, "shell", "-c", COUNT_PREMISES)
    except subprocess.CalledProcessError:
        return None
    return int(out.stdout.strip().splitlines()[-1])


def reusable(config: BenchConfig, db: str, url: str, marker_path: Path) -> bool:
    if not marker_path.exists():
        return False
    if json.loads(marker_path.read_text()) != asdict(Marker(db, config.scale, config.seed)):
        return False
    return premises_count(url) == config.scale


def recreate(db: str, url: str) -> None:
    if db == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def generate(config: BenchConfig, url: str) -> Generation:
    """Run demo_data in a child process; its own rusage gives its peak memory."""
    command = [
        sys.executable, "manage.py", "demo_data", "--premises", str(config.scale),
        "--complaints", str(config.scale), "--seed", str(config.seed),
    ]  # fmt: skip
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=REPO, env=django_env(url), stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"demo_data failed ({child.returncode}):\n{output}")
    return Generation(
        seconds, rows_written(output), usage.ru_maxrss / 1024, step_seconds(output),
        row_counts(output),
    )  # fmt: skip


def rows_written(summary: str) -> int:
    """Sum of the counts in demo_data's summary line ("…: 334 regions, 2,000 premises, …")."""
    first_line = summary.strip().splitlines()[0]
    return sum(int(n.replace(",", "")) for n in re.findall(r"(\d[\d,]*) [a-z]", first_line))


def step_seconds(summary: str) -> dict[str, float]:
    """{"premises": 178.3, "complaints": 147.7, …} from demo_data's "Time: …" line."""
    line = next((ln for ln in summary.splitlines() if ln.startswith("Time:")), "")
    times = line.removeprefix("Time:").split(";")[0]
    found = re.findall(r"([a-z ]+?) (\d[\d.]*) s", times)
    return {name.strip(): float(value) for name, value in found}


def row_counts(summary: str) -> dict[str, int]:
    """{"complaints": 100012, …} from demo_data's summary line."""
    lines = summary.strip().splitlines()
    found = re.findall(r"(\d[\d,]*) ([a-z][a-z ]*?)(?=,|\.$)", lines[0] if lines else "")
    return {kind: int(number.replace(",", "")) for number, kind in found}


def scale_database(config: BenchConfig, db: str) -> ScaleDatabase:
    url = database_url(config, db)
    marker_path = config.var_dir / f"bench-{db}-{config.scale}.json"
    if reusable(config, db, url, marker_path):
        manage(url, "migrate", "--noinput", "-v", "0")
        return ScaleDatabase(db, url, marker_path)
    marker_path.unlink(missing_ok=True)
    recreate(db, url)
    manage(url, "migrate", "--noinput", "-v", "0")
    generation = generate(config, url)
    marker_path.write_text(json.dumps(asdict(Marker(db, config.scale, config.seed))))
    return ScaleDatabase(db, url, marker_path, generation)
