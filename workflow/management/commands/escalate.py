from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.audit import audit_context
from workflow import escalation


class Command(BaseCommand):
    help = (
        "Escalate clocks entering their warning window, due today or overdue, one step each, "
        "and tell each step's audience. Idempotent: a second run sends nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-notify", action="store_true", help="only climb the ladder; the worker tells"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(source="escalate"):
            result = escalation.scan()
            told = 0 if options["no_notify"] else escalation.notify_escalations()
        steps = ", ".join(f"step {step}: {count}" for step, count in sorted(result.by_step.items()))
        self.stdout.write(
            f"escalated {result.escalated} clocks ({steps or 'none due'}); notified {told}"
        )
