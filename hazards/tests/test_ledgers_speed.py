"""The fast paths of the ledger import read and write what the slow ones do."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from core.imports import _xlsx_rows
from hazards.tests.ledger_files import ledger_rows, write_xlsx


def openpyxl_rows(path: Path) -> list[list]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def fast_rows(path: Path) -> list[list]:
    with path.open("rb") as stream:
        return list(_xlsx_rows(stream))


def test_a_write_only_ledger_reads_as_openpyxl_reads_it(tmp_path):
    # Inline strings, dates with a date style, integers; what the benchmark imports.
    path = write_xlsx(tmp_path / "ledger.xlsx", ledger_rows(60, "91330100BENCH0017X"))
    rows = fast_rows(path)
    assert rows == openpyxl_rows(path)
    assert rows[1][1] == "消防通道堵塞 1" and isinstance(rows[1][5], dt.datetime)


@pytest.mark.parametrize("dimension", [True, False])
def test_a_workbook_with_gaps_shared_strings_and_odd_cells_reads_as_openpyxl_reads_it(
    tmp_path, dimension
):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "隐患台账"
    sheet.append(["序号", "隐患名称", "发现日期", "金额", "是否", "公式"])
    sheet.append([1, "一般隐患", dt.date(2026, 3, 1), 12.5, True, "=1+1"])
    sheet["B4"] = "第三行空着"  # row 3 left out of the file
    sheet["F4"] = dt.datetime(2026, 3, 2, 8, 30)
    sheet["H4"] = "右边多出一列"  # wider than the header
    sheet["A6"] = 1e21
    sheet["C6"] = "2026-03-31"
    sheet["D6"] = False
    sheet["B7"] = CellRichText(["整改", TextBlock(InlineFont(b=True), "中")])
    sheet["C7"] = dt.time(8, 30)
    sheet["D7"] = dt.timedelta(hours=36)
    sheet["E7"] = "  "
    path = tmp_path / "odd.xlsx"
    workbook.save(path)
    if not dimension:  # some exporters write no <dimension>: rows are as long as they are
        stripped = tmp_path / "no_dimension.xlsx"
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(stripped, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    assert b'<dimension ref="A1:H7" />' in data
                    data = data.replace(b'<dimension ref="A1:H7" />', b"")
                target.writestr(item, data)
        path = stripped
    rows = fast_rows(path)
    assert rows == openpyxl_rows(path)
    assert rows[2] == [None] * len(rows[2])  # the left-out row is there, empty
    assert rows[6][1] == "整改中"
