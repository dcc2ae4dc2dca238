"""Hazard ledger files as an enterprise uploads them (XLSX and CSV, the import's column
headers): what the ledger tests build their files with, and the benchmark its 100 k rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADERS = ["序号", "隐患名称", "隐患描述", "部位", "隐患等级", "发现日期", "整改期限", "整改措施",
           "整改责任人", "整改状态", "统一社会信用代码"]  # fmt: skip


def ledger_row(number: int, credit_code: str, **changes: Any) -> list[Any]:
    """A valid row; `changes` replaces cells by header (e.g. **{"隐患等级": "严重"})."""
    found = dt.date(2026, 1, 5) + dt.timedelta(days=number % 200)
    values = {
        "序号": number,
        "隐患名称": f"消防通道堵塞 {number}",
        "隐患描述": "二楼东侧疏散通道堆放杂物，影响人员疏散",
        "部位": "二楼东侧",
        "隐患等级": "重大" if number % 50 == 0 else "一般",
        "发现日期": found,
        "整改期限": found + dt.timedelta(days=30),
        "整改措施": "清理杂物，设置警示标志",
        "整改责任人": "张三",
        "整改状态": "整改中" if number % 3 else "已销号",
        "统一社会信用代码": credit_code,
        **changes,
    }
    return [values[header] for header in HEADERS]


def ledger_rows(count: int, credit_code: str) -> Iterator[list[Any]]:
    for number in range(1, count + 1):
        yield ledger_row(number, credit_code)


def write_xlsx(path: Path, rows: Iterable[list[Any]], headers: list[str] = HEADERS) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("隐患台账")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def csv_bytes(rows: Iterable[list[Any]], encoding: str, headers: list[str] = HEADERS) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell.isoformat() if isinstance(cell, dt.date) else cell for cell in row])
    return text.getvalue().encode(encoding)
