"""Bulk inserts: the one way many rows go into a table (imports, the generator, the audit chain).

Django's bulk_create compiles every value through the field's full save pipeline, which at
100 000 rows costs more than the database itself; the rows written here are built by our own
code with plain Python values, so they go in as:
- `write_rows`: tuples of database-ready values, by `COPY … FROM STDIN` on PostgreSQL and
  multi-row INSERTs within the parameter limit elsewhere;
- `insert`: unsaved model instances (made with `build`), their ids drawn from the table's own
  sequence on PostgreSQL (then one COPY) or read back by `INSERT … RETURNING id`;
- `create`: `insert` plus one create entry per row in the audit chain, the same entries as
  saving them one by one. Wrap it in `core.observers.observed(...)` with the records whose
  derived figures move.
Model defaults and the database's value adaptation for dates, times and decimals are kept.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.db import connection
from django.db.models import DateField, DateTimeField, DecimalField, Field, Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# Rows per INSERT statement where there is no COPY (bounded again by the parameter limit).
INSERT_ROWS = 2000


@dataclass(frozen=True)
class Layout:
    fields: list[Field]  # concrete fields in model order (positional __init__ order)
    defaults: dict[str, Any]
    adapt: list[Callable[[Any], Any] | None]  # per inserted column (all but the primary key)
    # Every field a plain attribute (no descriptor doing work on assignment) and no
    # pre_init/post_init receivers: Model.__init__ would only store the values.
    plain: bool


_layouts: dict[type[Model], Layout] = {}
PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


def layout_of(model: type[Model]) -> Layout:
    if model not in _layouts:
        fields = list(model._meta.concrete_fields)
        defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
        plain = not pre_init.has_listeners(model) and not post_init.has_listeners(model)
        plain = plain and all(
            type(inspect.getattr_static(model, f.attname, None)) in PLAIN_DESCRIPTORS
            for f in fields
        )
        _layouts[model] = Layout(
            fields, defaults, [adapter(f) for f in fields if not f.primary_key], plain
        )
    return _layouts[model]


def adapter(field: Field) -> Callable[[Any], Any] | None:
    """The database's adaptation of the field's values (None: passed as they are)."""
    ops = connection.ops
    if isinstance(field, DateTimeField):
        if connection.vendor == "sqlite":
            return sqlite_datetime(connection.timezone)
        return ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    if isinstance(field, DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


def sqlite_datetime(zone: dt.tzinfo | None) -> Callable[[Any], Any]:
    """SQLite's adapt_datetimefield_value (an aware time as naive text in the connection's
    zone), without its look-ups of the connection, expressions and settings at every value."""

    def adapt(value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return str(value.astimezone(zone).replace(tzinfo=None))
        return None if value is None else connection.ops.adapt_datetimefield_value(value)

    return adapt


def build[M: Model](model: type[M], **values: Any) -> M:
    """An unsaved instance from attnames (defaults filled in), through Model's fast
    positional constructor."""
    layout = layout_of(model)
    args = [None if f.primary_key else values.get(f.attname, layout.defaults[f.attname])
            for f in layout.fields]  # fmt: skip
    if not layout.plain:
        return model(*args)
    instance = model.__new__(model)  # what __init__ does for such a model, minus its loop
    instance._state = ModelState()
    instance.__dict__.update(zip([f.attname for f in layout.fields], args, strict=True))
    return instance


def write_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows of database-ready values, in `columns` order, into `table`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # rows streamed, no statement to parse
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for block in _blocks(rows, len(columns)):
            params = [value for row in block for value in row]
            values = ", ".join([one] * len(block))
            cursor.execute(f"INSERT INTO {quote(table)} ({names}) VALUES {values}", params)


def _blocks[T](rows: Sequence[T], columns: int) -> list[Sequence[T]]:
    limit = connection.features.max_query_params or 65535
    size = max(1, min(INSERT_ROWS, limit // columns))
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def insert(instances: Sequence[Model]) -> None:
    """Insert unsaved instances of one model and set their primary keys."""
    if not instances:
        return
    model = type(instances[0])
    layout = layout_of(model)
    columns = [f for f in layout.fields if not f.primary_key]
    names = [f.attname for f in columns]
    values = attrgetter(*names) if len(names) > 1 else lambda obj: (getattr(obj, names[0]),)
    adapted = [(index, convert) for index, convert in enumerate(layout.adapt) if convert]
    rows = []
    for obj in instances:
        row = list(values(obj))
        for index, convert in adapted:
            row[index] = convert(row[index])
        rows.append(row)
    pk_column = str(model._meta.pk.column)
    if connection.vendor == "postgresql":
        keys = _draw_keys(model._meta.db_table, pk_column, len(instances))
        columns_with_key = [pk_column, *(str(f.column) for f in columns)]
        write_rows(
            model._meta.db_table,
            columns_with_key,
            [[key, *row] for key, row in zip(keys, rows, strict=True)],
        )
    else:
        keys = _insert_returning(model._meta.db_table, columns, pk_column, rows)
    for obj, key in zip(instances, keys, strict=True):
        obj.pk = key
        obj._state.adding = False


def _draw_keys(table: str, pk_column: str, count: int) -> list[int]:
    """PostgreSQL: ids from the table's own sequence, as the inserts' defaults would draw them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk_column, count],
        )
        return sorted(key for (key,) in cursor.fetchall())


def _insert_returning(
    table: str, columns: list[Field], pk_column: str, rows: list[list[Any]]
) -> list[Any]:
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(f.column)) for f in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    keys: list[Any] = []
    with connection.cursor() as cursor:
        for block in _blocks(rows, len(columns)):
            params = [value for row in block for value in row]
            values = ", ".join([one] * len(block))
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {values} "
                f"RETURNING {quote(pk_column)}",
                params,
            )
            keys += [key for (key,) in cursor.fetchall()]
    return keys


def create(instances: Sequence[Model]) -> None:
    """Insert unsaved instances of one model and record each one's creation in the audit
    chain, inside the caller's transaction."""
    from core.audit import record_creates  # the audit chain stores its entries through here

    insert(instances)
    record_creates(instances)
