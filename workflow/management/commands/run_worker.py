from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.audit import audit_context
from workflow.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: queued tasks (notifications) and the periodic jobs "
        "(escalation scan, notification catch-up, daily digest, provisional deadlines)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--backend", default="default", help="TASKS alias to serve")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--once", action="store_true", help="run due jobs and the queue dry, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(options["backend"], options["interval"])
        with audit_context(source="worker"):
            if options["once"]:
                count = worker.drain()
                self.stdout.write(f"worker ran {count} queued tasks")
                return
            worker.run()
