"""CSV and XLSX downloads of a table's rows: same columns, same (restricted, filtered) rows.

Memory stays flat however many rows are exported: rows are read with
`iterator(chunk_size=…)`, CSV is streamed as it is written, and XLSX is written by openpyxl's
write-only workbook (which spools the sheet to disk) into a temporary file that is streamed
back and deleted when the response is closed. Every list's download goes through
`rows_response` (a table's through `export_response`).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django_tables2 import Table
from django_tables2.rows import BoundRow
from openpyxl import Workbook

from core.times import value_text

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
# Bytes per read of the finished workbook (FileResponse reads 4 KiB at a time by default).
XLSX_BLOCK_SIZE = 64 * 1024
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
    text = force_str(value_text(value))
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


def xlsx_file(rows: Iterable[list[Any]], sheet_title: str) -> IO[bytes]:
    """The workbook in a temporary file, read from its start; closing the file deletes it.

    A write-only workbook writes each row to a spool file as it is appended and zips the
    spool on save, so neither the rows nor the finished file are ever held in memory.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])  # Excel's limit on sheet names
    # Not a `with`: the response owns the file and closes it once it has been sent.
    spool = tempfile.NamedTemporaryFile(prefix="civicdesk-export-", suffix=".xlsx")  # noqa: SIM115
    try:
        for row in rows:
            sheet.append(row)
        workbook.save(spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def xlsx_response(rows: Iterable[list[Any]], stem: str, sheet_title: str) -> FileResponse:
    # FileResponse closes (so deletes) the file when the server closes the response, also
    # when the client goes away mid-download; WSGI servers may send it with sendfile().
    response = FileResponse(
        xlsx_file(rows, sheet_title),
        as_attachment=True,
        filename=export_filename(stem, "xlsx"),
        content_type=XLSX_TYPE,
    )
    response.block_size = XLSX_BLOCK_SIZE
    return response


def rows_response(
    export_format: str, rows: Iterable[list[Any]], stem: str, title: str
) -> StreamingHttpResponse:
    """A download of `rows` (the header first) as CSV or XLSX, in constant memory."""
    if export_format == "csv":
        return csv_response(rows, stem)
    return xlsx_response(rows, stem, title)


def export_response(
    export_format: str, table: Table, queryset: QuerySet, stem: str, title: str
) -> StreamingHttpResponse:
    """A list's download: the table's exported columns over the restricted, filtered and
    sorted queryset."""
    return rows_response(export_format, table_rows(table, queryset), stem, title)
