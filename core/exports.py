"""CSV and XLSX downloads of a table's rows: same columns, same (restricted, filtered) rows.

Rows are read with `iterator()` so a county-wide export does not hold every row in memory;
CSV is streamed as it is written, XLSX is built with openpyxl's write-only workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django_tables2 import Table
from django_tables2.rows import BoundRow
from openpyxl import Workbook

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with these runs as a formula in spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_columns(table: Table) -> list[Any]:
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def plain_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = force_str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def table_rows(table: Table, queryset: QuerySet) -> Iterator[list[Any]]:
    """The header, then one list of cell values per row, in the table's current order."""
    columns = export_columns(table)
    yield [force_str(column.header) for column in columns]
    # Prefetches are dropped by iterator() without chunk_size; with one they are kept.
    for record in queryset.iterator(chunk_size=CHUNK_SIZE):
        row = BoundRow(record, table=table)
        yield [plain_cell(row.get_cell_value(column.name)) for column in columns]


def export_filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


class _LineBuffer:
    """csv.writer writes into this and gets each line straight back to stream it."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_LineBuffer())
    yield "\ufeff"  # the byte-order mark lets spreadsheet programs read Chinese text as UTF-8
    for row in rows:
        yield writer.writerow(row)


def csv_response(rows: Iterable[list[Any]], stem: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "csv")}"'
    return response


def xlsx_response(rows: Iterable[list[Any]], stem: str, sheet_title: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "xlsx")}"'
    return response


def export_response(
    export_format: str, table: Table, queryset: QuerySet, stem: str, title: str
) -> HttpResponse | StreamingHttpResponse:
    rows = table_rows(table, queryset)
    if export_format == "csv":
        return csv_response(rows, stem)
    return xlsx_response(rows, stem, title)
