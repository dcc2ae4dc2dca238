"""Recompute the dashboards' aggregate tables from the records (reports.rollups.rebuild)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from reports.deadlines import rebuild_settled


class Command(BaseCommand):
    help = (
        "Recompute every rollup table (hazards and cases by month, open deadlines, risk colours) "
        "from the records, in one transaction. The tables are kept current by each write; run "
        "this after loading records around the services (a restore, a raw SQL fix)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rebuild_settled(report=self.stdout.write)
        self.stdout.write(f"Rebuilt in {time.monotonic() - started:.1f} s")
