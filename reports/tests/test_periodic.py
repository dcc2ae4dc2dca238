"""Periodic reports: their periods, the PDF (charts and Chinese text drawn, checked on a page
rendered to PNG), the XLSX (the dashboard's figures), the download page, and the filing job."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from complaints.choices import RespondentKind
from complaints.models import Respondent
from complaints.tests.factories import ComplaintWorld
from reports.dashboard import build_dashboard
from reports.jobs import due_reports, enqueue_due_reports, file_one_report
from reports.models import FiledReport
from reports.periodic import ReportPeriod, build_report, report_pdf, report_xlsx
from reports.tests.test_rollups import county_leader
from testing.pdf import pdf_fonts, pdf_page_image, pdf_text
from testing.world import make_user
from workflow.calendar import local_date
from workflow.worker import periodic_jobs

REPORTS = reverse("reports:reports")
CHART_RED = (0xDC, 0x35, 0x45)  # the overdue bars (reports.figures.overdue_by_area_chart)


@pytest.mark.parametrize(
    ("cadence", "year", "number", "start", "end"),
    [
        ("month", 2028, 2, dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        ("month", 2026, 12, dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        ("quarter", 2026, 4, dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("quarter", 2026, 1, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("year", 2026, 1, dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_a_report_period_covers_its_calendar_days(cadence, year, number, start, end) -> None:
    period = ReportPeriod(cadence, year, number).period
    assert (period.start, period.end) == (start, end)


def test_the_last_complete_periods_before_a_new_year() -> None:
    today = dt.date(2027, 1, 15)
    assert ReportPeriod.last_complete("month", today) == ReportPeriod("month", 2026, 12)
    assert ReportPeriod.last_complete("quarter", today) == ReportPeriod("quarter", 2026, 4)
    assert ReportPeriod.last_complete("year", today) == ReportPeriod("year", 2026)
    assert ReportPeriod.last_complete("quarter", dt.date(2026, 8, 1)) == ReportPeriod(
        "quarter", 2026, 2
    )


@pytest.mark.parametrize(("cadence", "number"), [("quarter", 5), ("month", 13), ("week", 1)])
def test_a_period_that_does_not_exist_is_refused(cadence: str, number: int) -> None:
    with pytest.raises(ValueError):
        ReportPeriod(cadence, 2026, number)


def this_quarter() -> ReportPeriod:
    today = local_date(timezone.now())
    return ReportPeriod("quarter", today.year, (today.month - 1) // 3 + 1)


def close_to(colour: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(colour, target, strict=True))


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils: make test installs it")
def test_quarterly_safety_pdf_shows_its_chart_and_chinese_text(
    county: ComplaintWorld,
    tmp_path: Path,
) -> None:
    world = county.world
    with translation.override("zh-hans"):
        report = build_report(county_leader(world), "safety", this_quarter(), world.county)
        pdf = report_pdf(report)
    text = pdf_text(pdf)
    assert "测试县" in text and "安全生产" in text and "发现隐患数" in text
    assert "CJK" in pdf_fonts(pdf), "the Chinese text is set in the embedded Noto CJK font"
    pixels: list[tuple[int, int, int]] = list(pdf_page_image(pdf).getdata())
    red = sum(1 for pixel in pixels if close_to(pixel, CHART_RED))
    assert red > 200, "the overdue bars are drawn on the first page"
    dark = sum(1 for pixel in pixels if max(pixel) < 80)
    assert dark > 2000, "the text is drawn (no empty boxes for missing glyphs)"


@pytest.mark.django_db
def test_the_workbook_holds_the_dashboards_figures(county: ComplaintWorld) -> None:
    world = county.world
    leader = county_leader(world)
    quarter = this_quarter()
    report = build_report(leader, "safety", quarter, world.county)
    sheet = load_workbook(io.BytesIO(report_xlsx(report)), read_only=True).worksheets[0]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1}
    board = build_dashboard(leader, quarter.period, world.county)
    assert rows["Hazards found"] == board.hazards["found"] > 0
    assert rows["Overdue now"] == board.hazards["overdue"]


@pytest.mark.django_db
def test_the_annual_complaint_report_names_the_units_complained_about_most(
    county: ComplaintWorld,
) -> None:
    world = county.world
    year = ReportPeriod("year", local_date(timezone.now()).year)
    report = build_report(county_leader(world), "complaints", year, world.county)
    titles = [title for title, _columns, _rows in report.section.tables]
    assert titles == ["Units complained about most", "Supervision notices issued"]
    units = report.section.tables[0][2]
    named = Respondent.objects.filter(kind=RespondentKind.UNIT).values("complaint").distinct()
    assert units == [(county.respondent_unit.name, named.count())]


@pytest.mark.django_db
def test_download_page_gives_the_pdf_and_the_workbook(
    client: Client,
    county: ComplaintWorld,
) -> None:
    world = county.world
    client.force_login(county_leader(world))
    quarter = this_quarter()
    query: dict[str, Any] = {
        "kind": "complaints", "cadence": "quarter", "year": quarter.year,
        "number": quarter.number, "area": world.county.pk,
    }  # fmt: skip
    pdf = client.get(REPORTS, {**query, "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(REPORTS, {**query, "format": "xlsx"})
    assert xlsx.status_code == 200
    body = b"".join(xlsx.streaming_content)  # type: ignore[attr-defined]
    load_workbook(io.BytesIO(body), read_only=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cadence": "quarter", "number": 5}, "A quarter is numbered 1–4"),
        ({"year": 2999}, "has not started yet"),
        ({"kind": "gossip"}, "Select a valid choice"),
    ],
)
def test_a_bad_report_request_is_refused_with_a_reason(client: Client, world, changes, message):
    client.force_login(county_leader(world))
    query = {"kind": "safety", "cadence": "quarter", "year": 2026, "number": 1,
             "area": world.county.pk, "format": "pdf", **changes}  # fmt: skip
    response = client.get(REPORTS, query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_a_township_user_cannot_make_the_countys_report(client: Client, world) -> None:
    user = make_user("township_a_leader", "government_leader", regions=[world.township_a])
    client.force_login(user)
    query = {"kind": "safety", "cadence": "year", "year": 2026, "area": world.county.pk,
             "format": "xlsx"}  # fmt: skip
    response = client.get(REPORTS, query)
    assert response.status_code == 400
    assert "area" in response.context["form"].errors


@pytest.mark.django_db
def test_the_nightly_job_queues_each_due_report_once_and_the_tasks_file_them(
    client: Client, world, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert "reports.file_reports" in {spec.name for spec in periodic_jobs()}
    today = local_date(timezone.now())
    due = due_reports(today)
    assert len(due) == 3 * 2 * 3  # county + 2 townships, 2 kinds, 3 cadences
    kind, period, area = due[0]
    task_args = (kind, period.cadence, period.year, period.number, area.pk)
    assert file_one_report.call(*task_args) is True
    assert file_one_report.call(*task_args) is False, "a task run twice files once"
    assert len(due_reports(today)) == len(due) - 1

    filed = FiledReport.objects.get()
    client.force_login(county_leader(world))
    assert filed.title in client.get(REPORTS).content.decode()
    download = client.get(reverse("reports:filed_report", args=[filed.pk, "pdf"]))
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF")

    outsider = make_user("township_b_leader", "government_leader", regions=[world.township_b])
    client.force_login(outsider)
    assert filed.region_id != world.township_b.pk
    assert client.get(reverse("reports:filed_report", args=[filed.pk, "pdf"])).status_code == 404


@pytest.mark.django_db
def test_the_nightly_job_puts_one_task_per_due_report_on_the_queue(world) -> None:

    queued_before = DBTaskResult.objects.count()
    assert enqueue_due_reports.call() == 3 * 2 * 3
    tasks = DBTaskResult.objects.order_by("pk")[queued_before:]
    assert {task.task_path for task in tasks} == {"reports.jobs.file_one_report"}
    assert len(tasks) == 18
