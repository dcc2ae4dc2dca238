"""The demo county, generated as a sequence of steps sharing one `DemoRun`.

Each step draws from its own random stream (seeded with the run's seed and the step's name),
so adding a step later (hazards, complaints) or changing the number of premises leaves what
the other steps generate unchanged. Later issues append their steps to `STEPS`.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from django.db import connection, transaction
from tqdm import tqdm

from core.audit import audit_context
from core.models import Department, Licence, LicenceType, Premises, Region, Responsibility
from core.roles import sync_roles
from demo.bulk import (
    analyze,
    foreign_key_checks_deferred_to_end,
    next_id,
    reset_sequences,
    secondary_indexes_rebuilt_after,
)
from demo.complaints import complaints_for, generate_complaints
from demo.departments import Directory, create_departments
from demo.places import Places, create_places
from demo.premises import (
    IdCounters,
    PremisesFactory,
    instances,
    related_objects,
    table_writers,
)
from demo.recording import PER_ROW_AUDIT_LIMIT, AuditRecorder
from demo.safety import generate_safety
from demo.users import create_demo_users
from reports.deadlines import rebuild_settled
from reports.rollups import tables

PREMISES_PER_SCALE = 2_000
DEFAULT_BATCH_SIZE = 10_000
# From this many premises into empty tables, indexes are built after the load, not during it.
REBUILD_INDEXES_FROM = 50_000


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 1
    scale: int = 1
    premises: int | None = None  # overrides scale × PREMISES_PER_SCALE (tests)
    complaints: int | None = None  # overrides one per two premises (the benchmarks' 1 M + 1 M)
    batch_size: int = DEFAULT_BATCH_SIZE
    progress: IO[str] | None = None  # where the progress bar goes; None hides it

    @property
    def premises_count(self) -> int:
        return self.premises if self.premises is not None else self.scale * PREMISES_PER_SCALE

    @property
    def complaints_count(self) -> int:
        if self.complaints is not None:
            return self.complaints
        return complaints_for(self.premises_count)


@dataclass
class DemoRun:
    options: DemoOptions
    recorder: AuditRecorder
    places: Places | None = None
    directory: Directory | None = None
    rows: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.options.seed}:{step}")


def directory_has_data() -> bool:
    """Demo data goes only into an empty directory, never beside a real county's."""
    return Region.objects.exists()


def id_range(objects: list[Any]) -> range:
    ids = [o.pk for o in objects]
    return range(min(ids), max(ids) + 1) if ids else range(0)


def places_step(run: DemoRun) -> None:
    with transaction.atomic():
        run.places = create_places(run.rng("places"))
        regions = [
            run.places.city,
            run.places.county,
            *run.places.townships,
            *run.places.villages,
            *run.places.grids,
        ]
        run.recorder.record(Region, id_range(regions), lambda: regions)
    run.rows["regions"] += len(regions)


def departments_step(run: DemoRun) -> None:
    assert run.places is not None
    with transaction.atomic():
        run.directory = create_departments(run.places)
        departments = run.directory.all()
        types = list(run.directory.licence_types.values())
        run.recorder.record(LicenceType, id_range(types), lambda: types)
        run.recorder.record(Department, id_range(departments), lambda: departments)
    run.rows["licence types"] += len(types)
    run.rows["departments"] += len(departments)


def premises_step(run: DemoRun) -> None:
    assert run.places is not None and run.directory is not None
    tune_connection_for_bulk_load()
    ids = IdCounters(next_id(Premises), next_id(Licence), next_id(Responsibility))
    factory = PremisesFactory(run.rng("premises"), run.places, run.directory, ids)
    writers = table_writers()
    related = related_objects(run.places, run.directory)
    total, size = run.options.premises_count, run.options.batch_size
    loaded = (Premises, Licence, Responsibility)
    indexes = (
        secondary_indexes_rebuilt_after(*loaded)
        if total >= REBUILD_INDEXES_FROM and not Premises.objects.exists()
        else nullcontext()
    )
    with (
        foreign_key_checks_deferred_to_end(*loaded),
        indexes,
        progress_bar(run.options, total) as bar,
    ):
        for start in range(0, total, size):
            batch = factory.batch(min(size, total - start))
            with transaction.atomic():
                for model, fields, attr, writer in writers:
                    rows = getattr(batch, attr)
                    writer.write(rows)
                    first = rows[0][0] if rows else 0
                    run.recorder.record(
                        model,
                        range(first, first + len(rows)),
                        partial(instances, model, fields, rows, related[model]),
                    )
                    run.rows[attr] += len(rows)
            bar.update(len(batch.premises))
    reset_sequences(Premises, Licence, Responsibility)
    analyze(Premises, Licence, Responsibility, Region, whole_file=True)


def users_step(run: DemoRun) -> None:
    assert run.places is not None and run.directory is not None
    with transaction.atomic():
        users = create_demo_users(run.places, run.directory, run.rng("users"))
    run.rows["users"] += len(users)


def safety_step(run: DemoRun) -> None:
    """Hazards, clocks, inspections, risk points and enforcement drafts (issue 4)."""
    rows = generate_safety(run.options.seed, run.options.premises_count, run.recorder.record)
    run.rows.update(rows)


def complaints_step(run: DemoRun) -> None:
    """Routes, complaints in every state with their clocks, and the complaint story (issue 5)."""
    rows = generate_complaints(run.options.seed, run.options.complaints_count, run.recorder.record)
    run.rows.update(rows)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[DemoRun], None]


def rollups_step(run: DemoRun) -> None:
    """The dashboards' aggregate tables, recomputed once from all the generated records (the
    bulk steps write around the services that keep them current one write at a time)."""
    rebuild_settled()
    with connection.cursor() as cursor:  # the planner's statistics for the new rows
        for table in tables():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table._meta.db_table)}")


STEPS: tuple[Step, ...] = (
    Step("places", places_step),
    Step("departments", departments_step),
    Step("premises", premises_step),
    Step("users", users_step),
    Step("safety", safety_step),
    Step("complaints", complaints_step),
    Step("rollups", rollups_step),
)


def progress_bar(options: DemoOptions, total: int) -> tqdm:
    return tqdm(
        total=total,
        unit=" premises",
        file=options.progress,
        disable=options.progress is None,
        mininterval=0.5,
        dynamic_ncols=True,
    )


def tune_connection_for_bulk_load() -> None:
    """Session settings that only trade durability of the load for speed, never integrity."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB page cache for index inserts
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")


def generate(options: DemoOptions) -> DemoRun:
    sync_roles()
    per_row = options.premises_count <= PER_ROW_AUDIT_LIMIT
    run = DemoRun(options, AuditRecorder(per_row=per_row, seed=options.seed))
    with audit_context(source="command:demo_data"):
        for step in STEPS:
            started = time.perf_counter()
            step.run(run)
            run.seconds[step.name] = time.perf_counter() - started
    return run
