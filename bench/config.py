"""Benchmark settings from the environment (`make bench`), with bounds on time and requests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASES = ("sqlite", "postgresql")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    number = int(value)
    if number < 1:
        raise ValueError(f"{name}={value}: use a positive whole number")
    return number


@dataclass(frozen=True)
class BenchConfig:
    scale: int  # premises in the scale database
    databases: tuple[str, ...]
    seed: int
    requests: int  # timed requests per measured operation, after the warm-up
    warmup: int
    max_seconds: int  # a measured operation stops after this long even if requests remain
    var_dir: Path
    output: Path
    postgres_server: str

    @classmethod
    def from_env(cls) -> BenchConfig:
        chosen = os.environ.get("BENCH_DB", "both")
        if chosen not in (*DATABASES, "both"):
            raise ValueError(f"BENCH_DB={chosen}: use sqlite, postgresql or both")
        return cls(
            scale=env_int("BENCH_SCALE", 1_000_000),
            databases=DATABASES if chosen == "both" else (chosen,),
            seed=env_int("BENCH_SEED", 1),
            requests=env_int("BENCH_REQUESTS", 300),
            warmup=env_int("BENCH_WARMUP", 30),
            max_seconds=env_int("BENCH_MAX_SECONDS", 120),
            var_dir=Path(os.environ.get("BENCH_VAR_DIR", str(REPO / "var"))),
            output=Path(
                os.environ.get("BENCH_OUTPUT", str(REPO / "bench" / "results" / "latest.json"))
            ),
            postgres_server=os.environ.get(
                "BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432"
            ),
        )
