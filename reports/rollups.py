"""Keeping the aggregate tables current, and rebuilding them.

A `Fact` says how records of one model add up into one rollup table: the key of each record
(expressions over the record) and the measures (aggregates). The same definition serves both
paths, so they cannot disagree:
- rebuild: the fact's GROUP BY over every record replaces the table;
- incremental: around a write (core.observers.observed), the fact's GROUP BY over just the
  written records before and after; the difference is added to the table with one
  INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n per batch (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import QuerySet

from core.choices import RegionLevel
from core.models import Region
from reports.models import Rollup

# The key column that holds the place: a record's region, kept as the region's area.
AREA_KEY = "region_id"
# Rows per statement: well under SQLite's limit of bound parameters.
BATCH = 400
# Records per GROUP BY when a write touched many (a bulk import).
ID_CHUNK = 2000

Key = tuple[Any, ...]
Totals = dict[Key, list[int]]


@dataclass(frozen=True)
class Fact:
    table: type[Rollup]
    source: type[models.Model]
    keys: dict[str, Any]
    measures: dict[str, Any]
    # Annotations and filters the keys and measures need (e.g. a case's latest callback).
    prepare: Callable[[QuerySet], QuerySet] = field(default=lambda queryset: queryset)
    # For deadline facts: the field or annotation holding the exact deadline, and the records
    # that may fall due in a time range (an index range, not a scan).
    due: str | None = None
    due_between: Callable[[Any, Any], QuerySet] | None = None

    def rows(
        self,
        queryset: QuerySet,
        due_from: Any = None,
        due_before: Any = None,
        areas: dict[int, int] | None = None,
    ) -> Iterator[tuple[Key, list[int]]]:
        """(key, measures) per group of `queryset`, in the table's column order; for a deadline
        fact, optionally only what falls due in [due_from, due_before). `areas`: as `in_areas`."""
        names, measures = [f"rk_{name}" for name in self.table.KEYS], self.table.measures()
        rows = [
            (tuple(row[name] for name in names), [int(row[f"rm_{name}"] or 0) for name in measures])
            for row in self.grouped(queryset, due_from, due_before)
        ]
        yield from in_areas(self.table, rows, areas)

    def rows_of(
        self, ids: list[Any], areas: dict[int, int] | None = None
    ) -> Iterator[tuple[Key, list[int]]]:
        """`rows` over the records with these ids. Compiling these annotated queries costs far
        more than running them (milliseconds against microseconds for a few records), so a
        write's few ids run the SQL compiled once per database and number of ids."""
        compiled = _compiled_for(self, len(ids)) if len(ids) <= COMPILED_MAX_IDS else None
        if compiled is None:
            yield from self.rows(self.source._default_manager.filter(pk__in=ids))
            return
        yield from in_areas(self.table, self._run(compiled, ids), areas)

    def rows_due(
        self, due_from: Any, due_before: Any, areas: dict[int, int] | None = None
    ) -> Iterator[tuple[Key, list[int]]]:
        """`rows` over the records falling due in [due_from, due_before), with the SQL compiled
        once per database (the dashboard asks on every request)."""
        assert self.due_between is not None, "only deadline facts know what falls due"
        compiled = _compiled_due(self)
        if compiled is None:
            records = self.due_between(due_from, due_before)
            yield from self.rows(records, due_from, due_before, areas)
            return
        bounds = [_adapted(due_from), _adapted(due_before)]
        yield from in_areas(self.table, self._run(compiled, bounds), areas)

    def _run(self, compiled: Compiled, values: list[Any]) -> list[tuple[Key, list[int]]]:
        keys, measures = [f"rk_{n}" for n in self.table.KEYS], self.table.measures()
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.bind(values))
            columns = [column[0] for column in cursor.description]
            named = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return [
            (tuple(n[key] for key in keys), [int(n[f"rm_{m}"] or 0) for m in measures])
            for n in named
        ]

    def grouped(self, queryset: QuerySet, due_from: Any = None, due_before: Any = None) -> QuerySet:
        """The GROUP BY of `rows`, as a queryset (keys rk_*, measures rm_*)."""
        prepared = self.prepare(queryset.order_by())
        if due_from is not None and self.due is not None:
            prepared = prepared.filter(
                **{f"{self.due}__gte": due_from, f"{self.due}__lt": due_before}
            )
        keyed = prepared.annotate(**{f"rk_{name}": self.keys[name] for name in self.table.KEYS})
        return keyed.values(*[f"rk_{name}" for name in self.table.KEYS]).annotate(
            **{f"rm_{name}": self.measures.get(name, _zero()) for name in self.table.measures()}
        )


@dataclass(frozen=True)
class Compiled:
    """A fact's GROUP BY compiled once with stand-in values; `slots` say where each value goes
    (its index in the stand-ins), so running it again only swaps parameters."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (parameter index, stand-in index)

    def bind(self, values: list[Any]) -> list[Any]:
        bound = list(self.params)
        for index, which in self.slots:
            bound[index] = values[which]
        return bound


# Compiling these annotated queries costs far more than running them (milliseconds against
# microseconds for a few records), so the hot ones are compiled once per database.
_compiled: dict[tuple[Any, ...], Compiled | None] = {}


def _compile_once(
    fact: Fact, purpose: Any, stand_ins: list[Any], queryset: Callable[[], QuerySet]
) -> Compiled | None:
    """`queryset()` compiled with `stand_ins` among its parameters, kept per fact, database and
    `purpose`; None when a stand-in does not show among the parameters (the ORM then compiles
    each time)."""
    # The SQL names the source model's content type (its clocks' subqueries): its id is part of
    # the key, as a database flushed and seeded again (tests) numbers content types anew.
    content_type = ContentType.objects.get_for_model(fact.source).pk
    key = (id(fact), connection.alias, content_type, purpose)
    if key not in _compiled:
        sql, params = queryset().query.sql_with_params()
        slots = tuple(
            (index, stand_ins.index(value))
            for index, value in enumerate(params)
            if value in stand_ins
        )
        found = {which for _index, which in slots}
        whole = found == set(range(len(stand_ins)))
        _compiled[key] = Compiled(sql, tuple(params), slots) if whole else None
    return _compiled[key]


# Writes touch one or a few records; a bulk import's chunks are compiled each time instead.
COMPILED_MAX_IDS = 8
# Stand-ins for the ids while compiling: no real primary key is negative.
_SENTINEL = -(10**15)


def _compiled_for(fact: Fact, count: int) -> Compiled | None:
    """The fact's GROUP BY over `count` ids."""
    stand_ins = [_SENTINEL - n for n in range(count)]
    return _compile_once(
        fact, ("ids", count), stand_ins,
        lambda: fact.grouped(fact.source._default_manager.filter(pk__in=stand_ins)),
    )  # fmt: skip


# Stand-ins for a time range while compiling: no deadline is this early.
_DUE_FROM = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)
_DUE_BEFORE = dt.datetime(1901, 1, 2, tzinfo=dt.UTC)


def _adapted(moment: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _compiled_due(fact: Fact) -> Compiled | None:
    """The fact's GROUP BY over the records falling due in a range."""
    due_between = fact.due_between
    assert due_between is not None
    return _compile_once(
        fact, "due", [_adapted(_DUE_FROM), _adapted(_DUE_BEFORE)],
        lambda: fact.grouped(due_between(_DUE_FROM, _DUE_BEFORE), _DUE_FROM, _DUE_BEFORE),
    )  # fmt: skip


def in_areas(
    table: type[Rollup], rows: list[tuple[Key, list[int]]], known: dict[int, int] | None = None
) -> list[tuple[Key, list[int]]]:
    """The rows with each record's region replaced by its area (`areas_of`). `known` holds the
    areas already looked up for this write (and takes the new ones)."""
    if AREA_KEY not in table.KEYS or not rows:
        return rows
    at = table.KEYS.index(AREA_KEY)
    areas = {} if known is None else known
    missing = {key[at] for key, _values in rows} - areas.keys()
    if missing:
        areas.update(areas_of(missing))
    return [
        ((*key[:at], areas.get(key[at], key[at]), *key[at + 1 :]), values) for key, values in rows
    ]


def areas_of(region_ids: set[int]) -> dict[int, int]:
    """Region id → its area: the township it lies in, or itself when it lies above the
    townships (a county-wide case). Two small queries, whatever the number of records."""
    paths = dict(
        Region.objects.filter(pk__in=[pk for pk in region_ids if pk]).values_list("pk", "path")
    )
    codes = {code for path in paths.values() for code in path.strip("/").split("/")}
    townships = dict(
        Region.objects.filter(code__in=codes, level=RegionLevel.TOWNSHIP).values_list("code", "pk")
    )
    return {
        pk: next((townships[c] for c in path.strip("/").split("/") if c in townships), pk)
        for pk, path in paths.items()
    }


def _zero() -> Any:
    return models.Value(0, output_field=models.IntegerField())


_facts: list[Fact] = []


def register(*facts: Fact) -> None:
    for fact in facts:
        if fact not in _facts:
            _facts.append(fact)


def facts_of(model: type[models.Model]) -> list[Fact]:
    return [fact for fact in _facts if fact.source is model]


def tables() -> list[type[Rollup]]:
    return list(dict.fromkeys(fact.table for fact in _facts))


def add_up(into: dict[type[Rollup], Totals], fact: Fact, queryset: QuerySet, sign: int) -> None:
    add_rows(into, fact, fact.rows(queryset), sign)


def add_rows(
    into: dict[type[Rollup], Totals], fact: Fact, rows: Iterable[tuple[Key, list[int]]], sign: int
) -> None:
    totals = into.setdefault(fact.table, {})
    for key, values in rows:
        current = totals.setdefault(key, [0] * len(values))
        for index, value in enumerate(values):
            current[index] += sign * value


def contributions(
    records: dict[type[models.Model], list[Any]],
    sign: int,
    into: dict[type[Rollup], Totals],
    areas: dict[int, int],
) -> None:
    for model, ids in records.items():
        for fact in facts_of(model):
            for start in range(0, len(ids), ID_CHUNK):
                add_rows(into, fact, fact.rows_of(ids[start : start + ID_CHUNK], areas), sign)


def _ids_by_model(records: Iterable[models.Model]) -> dict[type[models.Model], list[Any]]:
    by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
    for record in records:
        if record.pk is not None and facts_of(type(record)):
            by_model[type(record)].append(record.pk)
    return by_model


@contextmanager
def rollup_observer(records: list[models.Model]) -> Iterator[None]:
    """core.observers' observer: the written records' contribution is taken out before the
    write and put back after it, in the write's transaction."""
    if not any(facts_of(type(record)) for record in records):
        yield
        return
    deltas: dict[type[Rollup], Totals] = {}
    areas: dict[int, int] = {}  # region → area, looked up once for the write
    contributions(_ids_by_model(records), -1, deltas, areas)
    yield
    contributions(_ids_by_model(records), +1, deltas, areas)
    for table, totals in deltas.items():
        add_to(table, totals)


def add_to(table: type[Rollup], totals: Totals) -> None:
    """Add `totals` to the table's rows (creating missing ones); keys sorted so concurrent
    writers lock rows in the same order."""
    changed = sorted(
        ((key, values) for key, values in totals.items() if any(values)), key=_sortable
    )
    for start in range(0, len(changed), BATCH):
        _upsert(table, changed[start : start + BATCH])


def _sortable(item: tuple[Key, list[int]]) -> tuple[str, ...]:
    return tuple(str(part) for part in item[0])


def _upsert(table: type[Rollup], rows: list[tuple[Key, list[int]]]) -> None:
    quote = connection.ops.quote_name
    name = quote(table._meta.db_table)
    keys, measures = list(table.KEYS), table.measures()
    columns = ", ".join(quote(column) for column in keys + measures)
    placeholders = "(" + ", ".join(["%s"] * (len(keys) + len(measures))) + ")"
    additions = ", ".join(f"{quote(m)} = {name}.{quote(m)} + excluded.{quote(m)}" for m in measures)
    sql = (
        f"INSERT INTO {name} ({columns}) VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {additions}"
    )
    params = [value for key, values in rows for value in (*key, *values)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rebuild(
    report: Callable[[str], None] | None = None, only: Iterable[type[Rollup]] | None = None
) -> dict[str, int]:
    """Recompute every rollup table (or `only` these) from the records; returns rows written
    per table."""
    written: dict[str, int] = {}
    with transaction.atomic():
        for table in tables() if only is None else list(only):
            totals: dict[type[Rollup], Totals] = {}
            for fact in (f for f in _facts if f.table is table):
                add_up(totals, fact, fact.source._default_manager.all(), +1)
            table._default_manager.all().delete()
            add_to(table, totals.get(table, {}))
            written[table._meta.label] = table._default_manager.count()
            if report is not None:
                report(f"{table._meta.label}: {written[table._meta.label]} rows")
    return written


def table_contents(table: type[Rollup]) -> dict[Key, tuple[int, ...]]:
    """The table's non-zero rows by key (zero rows are what incremental updates leave behind
    when a group empties; they count nothing)."""
    columns = list(table.KEYS) + table.measures()
    contents = {}
    for row in table._default_manager.values_list(*columns):
        key, values = tuple(row[: len(table.KEYS)]), tuple(row[len(table.KEYS) :])
        if any(values):
            contents[key] = values
    return contents
