"""Fast inserts for scale data: rows as tuples with ids chosen up front.

Model instances and `bulk_create` cost more per row than generating the row itself, so the
premises, licences and responsibilities go in as plain tuples: `COPY … FROM STDIN` on
PostgreSQL and one prepared `executemany` on SQLite. Ids are allocated before the insert so
that child rows can point at their parents without reading ids back; the PostgreSQL
sequences are moved past them afterwards.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


def column_names(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


class TableWriter:
    """Inserts rows (tuples in `fields` order) into a model's table."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.table = model._meta.db_table
        self.columns = column_names(model, fields)

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            self._copy(rows)
        else:
            self._execute_many(rows)

    def _copy(self, rows: Iterable[tuple[Any, ...]]) -> None:
        quote = connection.ops.quote_name
        statement = f"COPY {quote(self.table)} ({', '.join(map(quote, self.columns))}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def _execute_many(self, rows: Sequence[tuple[Any, ...]]) -> None:
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(self.columns))
        statement = (
            f"INSERT INTO {quote(self.table)} ({', '.join(map(quote, self.columns))}) "
            f"VALUES ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move PostgreSQL id sequences past explicitly inserted ids (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def db_datetime(value: datetime.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def db_date(value: datetime.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)
