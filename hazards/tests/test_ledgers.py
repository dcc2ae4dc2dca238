"""Importing an enterprise hazard ledger: the validation report, all-or-nothing, the valid
rows, encodings, scope, and the `import_ledger` command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.choices import AuditAction
from core.imports import ImportFileError
from core.models import AuditEntry, ImportJob, ImportProblem
from hazards.choices import HazardGrade, HazardSource, HazardState
from hazards.jobs import import_ledger
from hazards.models import Hazard
from hazards.services import ledgers
from hazards.tests.ledger_files import HEADERS, csv_bytes, ledger_row, ledger_rows, write_xlsx
from workflow.models import Clock

BAD_ROWS = {
    # Excel row (the header is row 1) → (cell changes, column, words in the message)
    138: ({"隐患等级": "严重"}, "隐患等级", "is not one of"),
    502: ({"发现日期": "上周三"}, "发现日期", "is not a date"),
    877: ({"隐患名称": ""}, "隐患名称", "needs a name"),
}


def thousand_rows_with_three_bad(code: str) -> list[list[object]]:
    rows = []
    for number in range(1, 1001):
        changes = BAD_ROWS.get(number + 1, ({}, "", ""))[0]
        rows.append(ledger_row(number, code, **changes))
    return rows


def import_path(path: Path, user, valid_rows_only: bool = False) -> ImportJob:
    return ledgers.import_file(str(path), user=user, valid_rows_only=valid_rows_only)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def run(user, name: str, content: bytes, valid_rows_only: bool = False) -> ImportJob:
    job = ledgers.store_import_job(
        user=user, upload=upload(name, content), valid_rows_only=valid_rows_only
    )
    return ledgers.run_ledger_import(job)


def problems(job: ImportJob) -> list[tuple[int, str, str]]:
    return list(ImportProblem.objects.filter(job=job).values_list("row", "column", "message"))


@pytest.fixture
def officer(world):
    return world.user("enterprise")


@pytest.fixture
def code(world) -> str:
    return world.premises_a.credit_code


def test_three_bad_rows_in_a_thousand_import_nothing_and_are_reported(
    world, officer, code, tmp_path
):
    path = write_xlsx(tmp_path / "台账.xlsx", thousand_rows_with_three_bad(code))
    entries = AuditEntry.objects.count()

    job = import_path(path, officer)

    assert job.state == ImportJob.State.REJECTED
    assert (job.total_rows, job.failed_rows, job.imported_rows) == (1000, 3, 0)
    assert Hazard.objects.count() == 0
    assert AuditEntry.objects.count() == entries + 1  # the job itself, nothing else
    reported = problems(job)
    assert [(row, column) for row, column, _m in reported] == [
        (row, column) for row, (_c, column, _w) in sorted(BAD_ROWS.items())
    ]
    for (row, _column, message), (_c, _col, words) in zip(
        reported, [BAD_ROWS[r] for r in sorted(BAD_ROWS)], strict=True
    ):
        assert words in message, (row, message)
    assert "3 of 1000 rows" in job.message


def test_with_valid_rows_only_the_997_good_rows_are_imported_and_audited(
    world, officer, code, tmp_path
):
    path = write_xlsx(tmp_path / "ledger.xlsx", thousand_rows_with_three_bad(code))

    job = import_path(path, officer, valid_rows_only=True)

    assert job.state == ImportJob.State.DONE
    assert (job.total_rows, job.failed_rows, job.imported_rows) == (1000, 3, 997)
    assert len(problems(job)) == 3
    hazards = Hazard.objects.filter(source=HazardSource.IMPORT)
    assert hazards.count() == 997
    assert not hazards.filter(title__in=["消防通道堵塞 137", "消防通道堵塞 501"]).exists()
    created = AuditEntry.objects.filter(action=AuditAction.CREATE)
    assert created.filter(content_type__model="hazard").count() == 997
    # Open rows with a deadline run the rectification clock; closed ones do not.
    open_rows = hazards.exclude(state=HazardState.CLOSED)
    assert Clock.objects.filter(kind="hazards.rectify").count() == open_rows.count() > 0
    assert created.filter(content_type__model="clock").count() == open_rows.count()


def test_imported_hazards_carry_the_ledger_values_place_and_numbers(world, officer, code, tmp_path):
    path = write_xlsx(tmp_path / "ledger.xlsx", ledger_rows(3, code))

    job = import_path(path, officer)

    assert job.state == ImportJob.State.DONE and job.imported_rows == 3
    hazard = Hazard.objects.get(title="消防通道堵塞 1")
    assert hazard.premises == world.premises_a and hazard.region == world.grid_a
    assert hazard.found_by == officer and hazard.grade == HazardGrade.GENERAL
    assert hazard.state == HazardState.RECTIFYING and hazard.location == "二楼东侧"
    assert "张三" in hazard.rectification_measures
    assert ledgers.deadline_day(hazard.rectify_by) == "2026-02-05"
    year = dt.date.today().year
    numbers = sorted(Hazard.objects.values_list("number", flat=True))
    assert numbers == [f"YH-{year}-{n:06d}" for n in (1, 2, 3)]
    assert Hazard.objects.get(title="消防通道堵塞 3").state == HazardState.CLOSED


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(world, officer, code, encoding):
    job = run(officer, "台账.csv", csv_bytes(ledger_rows(5, code), encoding))

    assert job.state == ImportJob.State.DONE, job.message
    assert set(Hazard.objects.values_list("location", flat=True)) == {"二楼东侧"}
    assert Hazard.objects.count() == 5


def test_english_headers_are_accepted(world, officer, code):
    english = ["No.", "Title", "Description", "Location", "Grade", "Found date", "Deadline",
               "Measures", "Responsible", "State", "Credit code"]  # fmt: skip
    rows = [ledger_row(1, code, 隐患等级="major", 整改状态="rectifying")]
    job = run(officer, "ledger.csv", csv_bytes(rows, "utf-8", headers=english))
    assert job.state == ImportJob.State.DONE, job.message
    assert Hazard.objects.get().grade == HazardGrade.MAJOR


def test_missing_columns_are_named(world, officer, code):
    headers = [h for h in HEADERS if h not in ("隐患等级", "统一社会信用代码")]
    content = csv_bytes([], "utf-8", headers=headers)

    job = run(officer, "ledger.csv", content)

    assert job.state == ImportJob.State.FAILED
    assert "隐患等级" in job.message and "统一社会信用代码" in job.message
    assert "missing" in job.message


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("ledger.xls", b"\xd0\xcf\x11\xe0", "Save it as .xlsx"),
        ("ledger.pdf", b"%PDF-1.4", "not an XLSX or CSV"),
        ("ledger.csv", b"", "empty"),
        ("ledger.xlsx", b"not a zip", "not an Excel workbook"),
    ],
)
def test_a_wrong_or_empty_file_is_refused_with_a_clear_message(
    world, officer, name, content, words
):
    with pytest.raises(ImportFileError, match=words):
        ledgers.store_import_job(user=officer, upload=upload(name, content))
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world, officer, settings):
    settings.IMPORT_MAX_BYTES = 1024
    with pytest.raises(ImportFileError, match="the limit is"):
        ledgers.store_import_job(user=officer, upload=upload("a.csv", b"x" * 2048))


def test_a_header_without_rows_is_reported(world, officer):
    job = run(officer, "ledger.csv", csv_bytes([], "utf-8"))
    assert job.state == ImportJob.State.FAILED
    assert "no data rows" in job.message


def test_out_of_scope_credit_code_reads_like_an_unknown_one(world, officer):
    other = world.premises_b.credit_code  # exists, but not the officer's premises
    unknown = "91330100MA0000000X"
    rows = [ledger_row(1, other), ledger_row(2, unknown)]

    job = run(officer, "ledger.csv", csv_bytes(rows, "utf-8"))

    assert job.state == ImportJob.State.REJECTED
    (row_b, column_b, message_b), (row_u, column_u, message_u) = problems(job)
    assert (row_b, row_u) == (2, 3)
    assert column_b == column_u == "统一社会信用代码"
    assert message_b == message_u
    assert not Hazard.objects.exists()


def test_township_staff_import_for_premises_in_their_township(world):
    staff = world.user("township_a")
    rows = [
        ledger_row(1, world.premises_a.credit_code),
        ledger_row(2, world.premises_b.credit_code),
    ]
    job = run(staff, "ledger.csv", csv_bytes(rows, "utf-8"), valid_rows_only=True)
    assert (job.imported_rows, job.failed_rows) == (1, 1)
    assert Hazard.objects.get().premises == world.premises_a
    assert job.region == world.township_a


def test_an_open_hazard_needs_a_deadline_and_dates_must_follow_the_finding(world, officer, code):
    rows = [
        ledger_row(1, code, 整改期限=None),
        ledger_row(2, code, 整改期限=dt.date(2025, 1, 1)),
        ledger_row(3, code, 整改期限=None, 整改状态="已销号"),
        ledger_row(4, code, 整改状态="完成了"),
        ledger_row(
            5,
            code,
            发现日期=dt.date.today() + dt.timedelta(days=3),
            整改期限=dt.date.today() + dt.timedelta(days=40),
        ),
    ]
    job = run(officer, "ledger.csv", csv_bytes(rows, "utf-8"))
    assert [(row, column) for row, column, _m in problems(job)] == [
        (2, "整改期限"), (3, "整改期限"), (5, "整改状态"), (6, "发现日期"),
    ]  # fmt: skip


def test_a_job_runs_once_even_when_the_task_is_delivered_twice(world, officer, code):
    job = ledgers.store_import_job(
        user=officer, upload=upload("l.csv", csv_bytes(ledger_rows(2, code), "utf-8"))
    )
    assert import_ledger.call(job.pk) == ImportJob.State.DONE
    assert import_ledger.call(job.pk) == ImportJob.State.DONE
    assert Hazard.objects.count() == 2


def test_the_block_writer_registers_hazards_as_report_hazard_does(
    world, officer, code, monkeypatch
):
    """The fast path (numbers reserved per block, bulk inserts) against report_hazard row by
    row: the same hazards, states, clocks and audit entries."""
    rows = [
        ledger_row(1, code),  # general, with a deadline: rectifying, clock running
        ledger_row(50, code),  # major: waits for its governance plan, clock running
        ledger_row(3, code),  # closed in the ledger: no clock
    ]
    content = csv_bytes(rows, "utf-8")

    def imported(one_by_one: bool) -> tuple[list[dict[str, object]], dict[str, int]]:
        monkeypatch.setattr(ledgers, "ONE_BY_ONE", one_by_one)
        entries = AuditEntry.objects.count()
        job = run(officer, "l.csv", content)
        assert job.state == ImportJob.State.DONE, job.message
        hazards = Hazard.objects.filter(pk__in=Hazard.objects.order_by("-pk")[:3].values("pk"))
        ignored = {"id", "number", "version"}
        fields = [
            {k: v for k, v in h.__dict__.items() if k not in ignored and not k.startswith("_")}
            for h in hazards.order_by("title")
        ]
        clocks = Clock.objects.filter(object_id__in=hazards.values("pk")).count()
        new = AuditEntry.objects.order_by("seq")[entries:]
        kinds = [entry.content_type.model for entry in new if entry.action == AuditAction.CREATE]
        return fields, {"clocks": clocks, **{k: kinds.count(k) for k in set(kinds)}}

    one_by_one, block = imported(True), imported(False)

    assert block == one_by_one
    assert [h["state"] for h in block[0]] == ["rectifying", "closed", "graded"]
    assert block[1]["clocks"] == 2
    year = dt.date(2026, 1, 1).year
    assert Hazard.objects.filter(number__startswith=f"YH-{year}-").count() == 6


# --- the command ---------------------------------------------------------------------------


def call(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_ledger", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_command_reports_the_bad_rows_and_exits_1_when_nothing_was_imported(
    world, officer, code, tmp_path
):
    path = write_xlsx(tmp_path / "ledger.xlsx", thousand_rows_with_three_bad(code))

    status, out, _err = call(str(path), "--user", officer.username)

    assert status == 1
    assert Hazard.objects.count() == 0
    for row, (_changes, column, words) in BAD_ROWS.items():
        line = next(line for line in out.splitlines() if line.startswith(f"{row}\t"))
        assert column in line and words in line
    assert "Nothing was imported" in out


def test_command_with_valid_rows_imports_the_rest_and_exits_0(world, officer, code, tmp_path):
    path = write_xlsx(tmp_path / "ledger.xlsx", thousand_rows_with_three_bad(code))

    status, out, err = call(str(path), "--user", officer.username, "--valid-rows")

    assert status == 0
    assert Hazard.objects.count() == 997
    assert "997" in out
    assert "rows" in err  # the progress bar


def test_command_refuses_an_unknown_user_or_file(world, tmp_path):
    with pytest.raises(CommandError, match="no user"):
        call_command("import_ledger", str(tmp_path / "x.xlsx"), "--user", "nobody")
    with pytest.raises(CommandError, match="not an XLSX or CSV"):
        path = tmp_path / "x.txt"
        path.write_text("hello")
        call_command("import_ledger", str(path), "--user", "officer_a", stdout=StringIO())
