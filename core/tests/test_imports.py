"""The streamed importer: reading XLSX and CSV, row numbers as a spreadsheet shows them,
headers in either language, and all-or-nothing writes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.base import ContentFile
from openpyxl import Workbook

from core import imports
from core.imports import Column, ImportFileError, Problem, RowSchema, run_import
from core.models import DocumentSequence, ImportJob, User


class Sequences(RowSchema):
    """A toy import: each row names a document sequence to create."""

    kind = "toy"
    columns = (
        Column("prefix", ("前缀", "prefix"), True, "prefix"),
        Column("year", ("年份", "year"), True, "year"),
    )
    fail_on: str | None = None

    def build(self, values: dict[str, Any], headers: dict[str, str]) -> tuple[list[Problem], Any]:
        prefix = imports.text_value(values["prefix"])
        try:
            year = int(imports.text_value(values["year"]))
        except ValueError:
            return [(headers["year"], "not a year")], None
        return [], (prefix, year)

    def write(self, built: Sequence[Any]) -> int:
        for prefix, year in built:
            if prefix == self.fail_on:
                raise RuntimeError("the database went away")
            DocumentSequence.objects.create(prefix=prefix, year=year)
        return len(built)


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def job_for(name: str, content: bytes, valid_rows_only: bool = False) -> ImportJob:
    user = User.objects.create(username=f"importer-{ImportJob.objects.count()}")
    job = ImportJob(
        kind="toy", original_name=name, created_by=user, valid_rows_only=valid_rows_only
    )
    job.file.save(name, ContentFile(content), save=False)
    job.save()
    return job


def test_dates_in_the_forms_people_write_them():
    for value in ("2026-03-31", "2026/3/31", "2026.03.31", "20260331", "2026年3月31日",
                  dt.datetime(2026, 3, 31, 9), 46112, "2026-03-31 00:00:00"):  # fmt: skip
        assert imports.date_value(value) == dt.date(2026, 3, 31), value
    with pytest.raises(ValueError):
        imports.date_value("下周")


def test_headers_match_without_case_spaces_or_required_marks():
    assert imports.normalise_header(" *隐患 名称（必填） ") == imports.normalise_header(
        "隐患名称(必填)"
    )
    assert imports.normalise_header("Found Date") == imports.normalise_header("found_date")


@pytest.mark.django_db
def test_xlsx_rows_are_numbered_as_excel_shows_them_and_blank_rows_skipped():
    content = xlsx([[None], ["Prefix", "Year"], ["A", 2026], [None, None], ["B", "twenty"]])
    job = run_import(job_for("t.xlsx", content, valid_rows_only=True), Sequences())
    assert job.state == ImportJob.State.DONE
    assert (job.total_rows, job.imported_rows, job.failed_rows) == (2, 1, 1)
    assert list(job.problems.values_list("row", "column")) == [(5, "Year")]


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(encoding):
    content = "前缀,年份\n隐患,2026\n整改,2027\n".encode(encoding)
    job = run_import(job_for("t.csv", content), Sequences())
    assert job.state == ImportJob.State.DONE, job.message
    assert set(DocumentSequence.objects.values_list("prefix", flat=True)) >= {"隐患", "整改"}


@pytest.mark.django_db
def test_all_or_nothing_rolls_back_earlier_batches_when_a_later_one_fails(monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    rows = "".join(f"P{n},2026\n" for n in range(6))
    schema = Sequences()
    schema.fail_on = "P5"
    job = job_for("t.csv", f"prefix,year\n{rows}".encode())
    before = DocumentSequence.objects.count()

    with pytest.raises(RuntimeError):
        run_import(job, schema)

    job.refresh_from_db()
    assert DocumentSequence.objects.count() == before
    assert (job.state, job.imported_rows) == (ImportJob.State.FAILED, 0)
    assert "nothing was imported" in job.message


@pytest.mark.django_db
def test_valid_rows_keep_the_batches_written_before_a_failure(monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    rows = "".join(f"Q{n},2026\n" for n in range(6))
    schema = Sequences()
    schema.fail_on = "Q5"
    job = job_for("t.csv", f"prefix,year\n{rows}".encode(), valid_rows_only=True)

    with pytest.raises(RuntimeError):
        run_import(job, schema)

    job.refresh_from_db()
    assert DocumentSequence.objects.filter(prefix__startswith="Q").count() == 4
    assert (job.state, job.imported_rows) == (ImportJob.State.FAILED, 4)
    assert "after 4 rows" in job.message


@pytest.mark.django_db
def test_a_job_is_run_once():
    job = job_for("t.csv", b"prefix,year\nR,2026\n")
    assert run_import(job, Sequences()).state == ImportJob.State.DONE
    job.state = ImportJob.State.PENDING  # a stale copy delivered again
    assert run_import(job, Sequences()).imported_rows == 1
    assert DocumentSequence.objects.filter(prefix="R").count() == 1


def test_missing_columns_are_listed():
    with pytest.raises(ImportFileError, match="年份 \\(year\\)"):
        imports.find_layout(Sequences(), 1, ["前缀", "其他"])
