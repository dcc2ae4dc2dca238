"""Background jobs of the reports app (run by `manage.py run_worker`, each idempotent).

Filing: once a month, quarter or year has ended, the worker makes that period's safety and
complaint reports for the county and each township and keeps them (reports.models.FiledReport).
A nightly job (REPORTS_FILING_HOUR, local time) queues one task per report due, so the worker
makes them one at a time between its other work (notifications, the escalation scan).

Every ten minutes the open deadlines whose time slot has passed are folded together
(reports.deadlines).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone, translation

from core.choices import RegionLevel
from core.models import Region
from reports.deadlines import SETTLE_EVERY, settle
from reports.models import FiledReport
from reports.periodic import CADENCES, KINDS, ReportPeriod, build_report, report_pdf, report_xlsx
from workflow.calendar import local_date
from workflow.worker import PeriodicSpec


def due_reports(today: dt.date) -> list[tuple[str, ReportPeriod, Region]]:
    """(kind, period, area) of every report for the last complete periods not yet filed."""
    areas = list(
        Region.objects.filter(level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP)).order_by("path")
    )
    periods = [ReportPeriod.last_complete(cadence, today) for cadence in CADENCES]
    filed = set(
        FiledReport.objects.filter(
            year__in={p.year for p in periods}, region__in=areas
        ).values_list("kind", "cadence", "year", "number", "region_id")
    )
    return [
        (kind, period, area)
        for period in periods
        for area in areas
        for kind in KINDS
        if (kind, period.cadence, period.year, period.number, area.pk) not in filed
    ]


def file_report(kind: str, report_period: ReportPeriod, area: Region) -> FiledReport | None:
    """Make and keep one report (None if another worker filed it first)."""
    with translation.override(settings.LANGUAGE_CODE):
        report = build_report(None, kind, report_period, area)
        pdf, xlsx = report_pdf(report), report_xlsx(report)
        filed = FiledReport(
            kind=kind, cadence=report_period.cadence, year=report_period.year,
            number=report_period.number, region=area, made_at=report.made_at,
            title=report.title[:200],
        )  # fmt: skip
    try:
        with transaction.atomic():
            filed.pdf.save(f"{report.file_stem}.pdf", ContentFile(pdf), save=False)
            filed.xlsx.save(f"{report.file_stem}.xlsx", ContentFile(xlsx), save=False)
            filed.save()
    except IntegrityError:
        filed.pdf.delete(save=False)
        filed.xlsx.delete(save=False)
        return None
    return filed


@task()
def file_one_report(kind: str, cadence: str, year: int, number: int, region_id: int) -> bool:
    """File one report unless it is filed already (a task may run twice); True if it filed."""
    done = FiledReport.objects.filter(
        kind=kind, cadence=cadence, year=year, number=number, region_id=region_id
    )
    if done.exists():
        return False
    area = Region.objects.get(pk=region_id)
    return file_report(kind, ReportPeriod(cadence, year, number), area) is not None


@task()
def enqueue_due_reports() -> int:
    """Queue a task per report due (each runs on its own, between the worker's other work);
    returns how many were queued."""
    due = due_reports(local_date(timezone.now()))
    for kind, rp, area in due:
        file_one_report.enqueue(kind, rp.cadence, rp.year, rp.number, area.pk)
    return len(due)


def periodic_jobs() -> list[Any]:
    return [
        PeriodicSpec("reports.settle_deadlines", settle, every=SETTLE_EVERY),
        PeriodicSpec(
            "reports.file_reports",
            enqueue_due_reports.call,
            daily_at_hour=settings.REPORTS_FILING_HOUR,
        ),
    ]
