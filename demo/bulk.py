"""Fast inserts for scale data: rows as tuples with ids chosen up front.

Model instances and `bulk_create` cost more per row than generating the row itself, so the
premises, licences and responsibilities go in as plain tuples through `core.bulk.write_rows`
(COPY on PostgreSQL, multi-row INSERTs elsewhere). Ids are allocated before the insert so
that child rows can point at their parents without reading ids back; the PostgreSQL
sequences are moved past them afterwards.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import IntegrityError, connection, models
from django.db.models import Max

from core.bulk import write_rows


def column_names(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    by_attname = {field.attname: str(field.column) for field in model._meta.concrete_fields}
    return [by_attname[name] for name in fields]


class TableWriter:
    """Inserts rows (tuples in `fields` order) into a model's table."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.table = model._meta.db_table
        self.columns = column_names(model, fields)

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        write_rows(self.table, self.columns, rows)


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move PostgreSQL id sequences past explicitly inserted ids (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def db_date(value: datetime.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)


@contextmanager
def foreign_key_checks_deferred_to_end(*models_: type[models.Model]) -> Iterator[None]:
    """Load without per-row foreign-key checks, then check every key once, set-based.

    Per-row checks are most of the insert cost at scale (PostgreSQL queues one trigger per
    key per row). The generator only references rows it has just written or read, and the
    final anti-join check proves it; if it ever fails, the command fails loudly.
    """
    disabled = disable_foreign_key_checks()
    try:
        yield
    finally:
        if disabled:
            enable_foreign_key_checks()
    if disabled:
        check_foreign_keys(models_)


def disable_foreign_key_checks() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return connection.disable_constraint_checking()
        if connection.vendor == "postgresql":
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                # Replica mode skips triggers, which is how PostgreSQL enforces foreign keys.
                cursor.execute("SET session_replication_role = replica")
                return True
    return False


def enable_foreign_key_checks() -> None:
    if connection.vendor == "sqlite":
        connection.enable_constraint_checking()
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def check_foreign_keys(models_: Iterable[type[models.Model]]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_:
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey) or not getattr(
                    field, "db_constraint", True
                ):
                    continue
                target = field.remote_field.model._meta
                column, target_pk = quote(str(field.column)), quote(str(target.pk.column))
                cursor.execute(
                    f"SELECT c.{column} FROM {quote(model._meta.db_table)} c "
                    f"LEFT JOIN {quote(target.db_table)} p ON p.{target_pk} = c.{column} "
                    f"WHERE c.{column} IS NOT NULL AND p.{target_pk} IS NULL LIMIT 1"
                )
                missing = cursor.fetchone()
                if missing:
                    raise IntegrityError(
                        f"{model._meta.db_table}.{field.column} = {missing[0]} has no "
                        f"{target.db_table} row"
                    )


@contextmanager
def secondary_indexes_rebuilt_after(*models_: type[models.Model]) -> Iterator[None]:
    """Drop the tables' plain indexes for a large load and build them again at the end.

    Building an index once from sorted data is many times faster than updating it row by row
    in random key order (names, credit codes). Indexes that back a primary key or a unique
    constraint stay: they keep guarding the data during the load. The indexes come back even
    when the load fails, with exactly the definitions they had.
    """
    saved = [index for model in models_ for index in plain_indexes(model._meta.db_table)]
    with connection.cursor() as cursor:
        for name, _definition in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in saved:
                cursor.execute(definition)


def plain_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of each index not backing a key or unique constraint."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                [table],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisunique "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) "
                "ORDER BY i.relname",
                [table],
            )
        else:
            return []
        return list(cursor.fetchall())


def analyze(*models_: type[models.Model], whole_file: bool = False) -> None:
    """Fresh planner statistics for the tables a step filled, so the first queries on a new
    scale database plan as they will in steady state (on PostgreSQL outside a transaction also
    a visibility map, for index-only counts). `whole_file`: SQLite analyses every table."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {tables}")
        elif whole_file:
            cursor.execute("ANALYZE")
        else:
            for model in models_:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
