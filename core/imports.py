"""Streamed imports of XLSX and CSV files, row by row, with a report a user can fix the file from.

A `RowSchema` names the columns (each with the Chinese and English headers it accepts) and
turns one row into either problems [(column, message)] or something to write. `run_import`
reads the file twice so memory stays flat whatever its length:

1. every row is validated and each problem stored as an `ImportProblem` (the row number a
   spreadsheet program shows, the column header, the message);
2. when no row failed, or the user chose "import the valid rows", the valid rows are built
   again and written in batches.

All or nothing means one transaction around the whole write (a later batch failing rolls the
earlier ones back); "import the valid rows" commits each batch with the job's progress, so the
count of imported rows on the job is always what is really in the database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import pickle
import re
import tempfile
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any
from xml.etree import ElementTree

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import _cast_number
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's when installed, as openpyxl

from core.models import ImportJob, ImportProblem

BATCH_SIZE = 1000
# Larger files are refused before reading: 100 000 ledger rows are about 10 MB as XLSX.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv")
Problem = tuple[str, str]  # (column header, message); "" for a problem of the whole row
Progress = Callable[[ImportJob], None]


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (type, size, empty, columns); nothing is read."""


def max_import_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]  # accepted header names; the first is the one shown in messages
    required: bool = False  # the column must be present in the file (values are the schema's)
    label: str | Promise = ""

    @property
    def name(self) -> str:
        return self.headers[0]


class RowSchema:
    """What a kind of import declares; `build` and `write` are its own."""

    kind = ""
    columns: tuple[Column, ...] = ()

    def build(self, values: dict[str, Any], headers: dict[str, str]) -> tuple[list[Problem], Any]:
        """The row's problems (an empty list when it is valid) and the thing `write` takes.

        `values` maps field → cell value (None when empty or the column is absent);
        `headers` maps field → the header as written in the file, for messages."""
        raise NotImplementedError

    def write(self, built: Sequence[Any]) -> int:
        """Store a batch of built rows inside the caller's transaction; return how many."""
        raise NotImplementedError


def normalise_header(text: Any) -> str:
    """Headers are matched without case, spaces, required-markers (*) or bracket forms."""
    value = "" if text is None else str(text)
    value = value.replace("（", "(").replace("）", ")").replace("＊", "*")
    return re.sub(r"[\s*_:：]+", "", value).lower()


# --- reading ------------------------------------------------------------------------------


def check_file(name: str, size: int | None, head: bytes) -> str:
    """The file's kind ("xlsx" or "csv"), or an ImportFileError saying what is wrong."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        hint = _(" Save it as .xlsx from Excel or WPS.") if suffix in (".xls", ".et") else ""
        raise ImportFileError(
            _("%(name)s is not an XLSX or CSV file.") % {"name": PurePath(name).name} + hint
        )
    if size is not None and size > max_import_bytes():
        raise ImportFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 1048576, 1), "limit": round(max_import_bytes() / 1048576)}
        )
    if not head:
        raise ImportFileError(_("The file is empty."))
    if suffix == ".xlsx" and not head.startswith(b"PK"):
        raise ImportFileError(_("The file is named .xlsx but is not an Excel workbook."))
    return suffix[1:]


def csv_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), else GB18030 (GBK's
    superset, what Chinese Excel saves "CSV" as). Decided by decoding the whole file in
    chunks, so a bad byte far down the file is found without holding the file in memory."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    stream.seek(0)
    return encoding


def _csv_rows(stream: IO[bytes]) -> Generator[list[Any]]:
    text = io.TextIOWrapper(stream, encoding=csv_encoding(stream), newline="", errors="replace")
    try:
        yield from csv.reader(text)
    except csv.Error as error:
        message = _("The CSV file cannot be read: %(error)s") % {"error": error}
        raise ImportFileError(message) from error
    finally:
        if not stream.closed:
            text.detach()  # the caller owns the underlying file


def _sheet_size_from_its_head(sheet: Any) -> None:
    """openpyxl's read-only sheet looks for the <dimension> element when it opens and, when
    the file has none (openpyxl's own write-only files, some exporters), parses the whole
    sheet to find out; stop at <sheetData> instead, as the row iterator copes without."""
    source = sheet._get_source()
    try:
        for _event, element in ElementTree.iterparse(source, events=("start",)):
            if element.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                bounds = SheetDimension.from_tree(element).boundaries
                sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = bounds
                return
            if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                return
    finally:
        source.close()


def _xlsx_rows(stream: IO[bytes]) -> Generator[list[Any]]:
    ReadOnlyWorksheet._get_size = _sheet_size_from_its_head

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _("The workbook cannot be opened (%(error)s). Save it again as .xlsx.")
            % {"error": error}
        ) from error
    try:
        yield from _sheet_values(workbook, workbook.worksheets[0])
    finally:
        workbook.close()


def _sheet_values(workbook: Any, sheet: Any) -> Iterator[list[Any]]:
    """What `sheet.iter_rows(values_only=True)` yields (as lists), read with one pass of the
    C XML parser and no per-cell objects: openpyxl's read-only parser builds a dict and, for
    an inline string, a rich-text object per cell, which at a million cells is most of the
    import's reading time. The workbook's shared strings, date styles and epoch are openpyxl's
    own; missing rows and cells are filled in as openpyxl does, from the sheet's dimension."""
    ns = f"{{{SHEET_MAIN_NS}}}"
    row_tag, cell_tag, value_tag = f"{ns}row", f"{ns}c", f"{ns}v"
    inline_tag, text_tag, run_tag = f"{ns}is", f"{ns}t", f"{ns}r"
    shared, epoch = workbook.shared_strings, workbook.epoch
    date_styles, timedelta_styles = workbook._date_formats, workbook._timedelta_formats
    max_col, max_row = sheet.max_column, sheet.max_row
    empty_row: list[Any] = [None] * max_col if max_col is not None else []
    columns: dict[str, int] = {}
    digits = "0123456789"

    def value_of(cell: Any, kind: str, style: str | None) -> Any:
        if kind == "inlineStr":
            inline = cell.find(inline_tag)
            if inline is None:
                return None
            if len(inline) == 1 and inline[0].tag == text_tag:  # the usual <is><t>…</t></is>
                return inline[0].text or ""
            plain = inline.findtext(text_tag)
            runs = [run.findtext(text_tag) or "" for run in inline.iterfind(run_tag)]
            return (plain or "") + "".join(runs)
        value = cell.findtext(value_tag) or None
        if value is None:
            return None
        if kind == "n":
            number = _cast_number(value)
            style_id = int(style) if style else 0
            if style_id in date_styles:
                try:
                    return from_excel(number, epoch, timedelta=style_id in timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return shared[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text result) and "e" (an error such as #N/A)

    counter = row_number = 0
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag != row_tag:
                continue
            written = element.get("r")
            row_number = _row_number(written) if written else row_number + 1
            if max_row is not None and row_number > max_row:
                break
            cells: list[tuple[int, Any]] = []
            column = 0
            for cell in element:
                if cell.tag != cell_tag:
                    continue
                reference = cell.get("r")
                if reference:
                    letters = reference.rstrip(digits)
                    if letters not in columns:
                        columns[letters] = column_index_from_string(letters)
                    column = columns[letters]
                else:
                    column += 1
                cells.append((column, value_of(cell, cell.get("t", "n"), cell.get("s"))))
            element.clear()
            while counter + 1 < row_number:  # rows the file leaves out
                counter += 1
                yield list(empty_row)
            if counter < row_number:
                counter += 1
                yield _row_values(cells, max_col)
    if max_row is not None and max_row < row_number:
        while counter < max_row:
            counter += 1
            yield list(empty_row)


def _row_number(written: str) -> int:
    try:
        return int(written)
    except ValueError:
        number = float(written)
        if not number.is_integer():
            raise ValueError(f"{written} is not a valid row number") from None
        return int(number)


def _row_values(cells: list[tuple[int, Any]], max_col: int | None) -> list[Any]:
    if not cells and not max_col:
        return []
    width = max_col or cells[-1][0]
    values: list[Any] = [None] * width
    for column, value in cells:
        if 1 <= column <= width:
            values[column - 1] = value
    return values


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@dataclass
class Layout:
    """Where each field is in the file, found from the header row."""

    header_row: int
    positions: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def values(self, cells: list[Any]) -> dict[str, Any]:
        width = len(cells)
        return {
            name: (None if index >= width or is_blank(cells[index]) else cells[index])
            for name, index in self.positions.items()
        }


def find_layout(schema: RowSchema, number: int, cells: list[Any]) -> Layout:
    wanted = {normalise_header(h): c for c in schema.columns for h in c.headers}
    layout = Layout(header_row=number)
    for index, cell in enumerate(cells):
        column = wanted.get(normalise_header(cell))
        if column is not None and column.field not in layout.positions:
            layout.positions[column.field] = index
            layout.headers[column.field] = str(cell).strip()
    missing = [c for c in schema.columns if c.required and c.field not in layout.positions]
    if missing:
        names = "、".join(
            f"{c.name} ({c.label})" if c.label and str(c.label) != c.name else c.name
            for c in missing
        )
        raise ImportFileError(
            _("Columns missing from the header row: %(columns)s.") % {"columns": names}
        )
    for column in schema.columns:
        layout.headers.setdefault(column.field, column.name)
    return layout


def data_rows(
    stream: IO[bytes], kind: str, schema: RowSchema
) -> tuple[Layout, Iterator[tuple[int, dict[str, Any]]]]:
    """The layout and an iterator of (row number as a spreadsheet shows it, field values).

    The header is the first non-blank row; blank rows below it are skipped."""
    stream.seek(0)
    rows = _xlsx_rows(stream) if kind == "xlsx" else _csv_rows(stream)
    for number, cells in enumerate(rows, start=1):
        if all(is_blank(cell) for cell in cells):
            continue
        try:
            layout = find_layout(schema, number, cells)
        except ImportFileError:
            rows.close()
            raise
        return layout, _values_after(rows, number, layout)
    raise ImportFileError(_("The file has no rows: not even a header row."))


def _values_after(
    rows: Iterator[list[Any]], header_row: int, layout: Layout
) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, cells in enumerate(rows, start=header_row + 1):
        if not all(is_blank(cell) for cell in cells):
            yield number, layout.values(cells)


# --- cell values -----------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def date_value(value: Any) -> dt.date:
    """A date from an Excel date cell, an Excel serial number or the usual written forms;
    ValueError when it is none of them."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    written = text_value(value).split(" ")[0].split("T")[0]
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(written, pattern).date()
        except ValueError:
            continue
    raise ValueError(written)


# --- running a job ----------------------------------------------------------------------


class ProblemWriter:
    """Stores problems in batches as they are found."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.pending: list[ImportProblem] = []

    def add(self, row: int, problems: list[Problem]) -> None:
        for column, message in problems:
            self.pending.append(
                ImportProblem(job=self.job, row=row, column=column[:100], message=message[:500])
            )
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        ImportProblem.objects.bulk_create(self.pending)
        self.pending = []


def save_progress(job: ImportJob, *fields: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**{name: getattr(job, name) for name in fields})


def claim_job(job: ImportJob) -> bool:
    """Move a waiting job to running; False when another run took it (runs are idempotent)."""
    won = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PENDING).update(
        state=ImportJob.State.RUNNING
    )
    if won:
        job.state = ImportJob.State.RUNNING
    return bool(won)


def finish(job: ImportJob, state: str, message: str = "") -> ImportJob:
    job.state, job.message, job.finished = state, message, timezone.now()
    save_progress(
        job, "state", "message", "finished", "total_rows", "processed_rows", "imported_rows",
        "failed_rows",
    )  # fmt: skip
    return job


class Spool:
    """The built valid rows of pass 1, pickled in batches to a temporary file, so pass 2
    writes them without parsing the spreadsheet (or validating) a second time; memory holds
    one batch at a time whatever the file's length."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.batch: list[Any] = []

    def add(self, built: Any) -> None:
        self.batch.append(built)
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def batches(self) -> Iterator[list[Any]]:
        self.flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # our own temporary file, never a user's
            except EOFError:
                return


def validate_rows(
    job: ImportJob,
    schema: RowSchema,
    stream: IO[bytes],
    kind: str,
    spool: Spool,
    progress: Progress | None,
) -> None:
    """Pass 1: every row built once, every problem stored, the valid rows spooled."""
    problems = ProblemWriter(job)
    layout, rows = data_rows(stream, kind, schema)
    job.processed_rows = job.failed_rows = 0
    for number, values in rows:
        found, built = schema.build(values, layout.headers)
        if found:
            problems.add(number, found)
            job.failed_rows += 1
        else:
            spool.add(built)
        job.processed_rows += 1
        if job.processed_rows % BATCH_SIZE == 0:
            problems.flush()
            save_progress(job, "processed_rows", "failed_rows")
            if progress:
                progress(job)
    problems.flush()
    job.total_rows = job.processed_rows
    save_progress(job, "processed_rows", "failed_rows", "total_rows")
    if progress:
        progress(job)


def write_rows(job: ImportJob, schema: RowSchema, spool: Spool, progress: Progress | None) -> None:
    """Pass 2: the spooled valid rows written in batches.

    Each batch is a savepoint inside the outer transaction when all-or-nothing, else its own
    transaction that also commits the job's count of imported rows."""
    job.imported_rows = 0
    for batch in spool.batches():
        with transaction.atomic():
            job.imported_rows += schema.write(batch)
            save_progress(job, "imported_rows")
        if progress:
            progress(job)


def run_import(job: ImportJob, schema: RowSchema, progress: Progress | None = None) -> ImportJob:
    """Validate, then (when allowed) write; the job ends done, rejected or failed."""
    if not claim_job(job):
        return job
    job.problems.all().delete()
    with tempfile.TemporaryFile() as file:
        return validate_and_write(job, schema, Spool(file), progress)


def validate_and_write(
    job: ImportJob, schema: RowSchema, spool: Spool, progress: Progress | None
) -> ImportJob:
    try:
        with job.file.open("rb") as stream:
            kind = check_file(job.original_name, job.file.size, stream.read(8))
            validate_rows(job, schema, stream, kind, spool, progress)
        if job.total_rows == 0:
            raise ImportFileError(_("The file has a header row but no data rows."))
        if job.failed_rows and not job.valid_rows_only:
            return finish(job, ImportJob.State.REJECTED, rejected_message(job))
        if job.failed_rows == job.total_rows:
            return finish(job, ImportJob.State.REJECTED, rejected_message(job))
        if job.valid_rows_only:
            write_rows(job, schema, spool, progress)
        else:
            with transaction.atomic():
                write_rows(job, schema, spool, progress)
    except ImportFileError as error:
        return finish(job, ImportJob.State.FAILED, str(error))
    except Exception:
        if not job.valid_rows_only:
            job.imported_rows = 0  # the write's transaction was rolled back
        finish(job, ImportJob.State.FAILED, stopped_message(job))
        raise
    return finish(job, ImportJob.State.DONE, done_message(job))


def stopped_message(job: ImportJob) -> str:
    if job.valid_rows_only and job.imported_rows:
        return _(
            "The import stopped on an internal error after %(imported)d rows were imported."
        ) % {"imported": job.imported_rows}
    return _("The import stopped on an internal error; nothing was imported.")


def rejected_message(job: ImportJob) -> str:
    return _(
        "Nothing was imported: %(failed)d of %(total)d rows have problems. Correct them and "
        "upload the file again, or choose to import the valid rows."
    ) % {"failed": job.failed_rows, "total": job.total_rows or 0}


def done_message(job: ImportJob) -> str:
    if job.failed_rows:
        return _("Imported %(imported)d rows; %(failed)d rows with problems were left out.") % {
            "imported": job.imported_rows,
            "failed": job.failed_rows,
        }
    return _("Imported %(imported)d rows.") % {"imported": job.imported_rows}


def check_upload(upload: Any) -> None:
    """Refuse a wrong type, an empty or an oversized upload before a job is made."""
    head = upload.read(8)
    upload.seek(0)
    check_file(upload.name, upload.size, head)
