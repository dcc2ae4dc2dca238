from __future__ import annotations

from django.core.management.base import BaseCommand

from core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit log's hash chain. Exits 0 when intact; exits 1 naming the first "
        "entry that was edited, deleted or inserted behind the application's back."
    )

    def handle(self, *args, **options) -> None:
        checked, problem = verify_chain()
        if problem is None:
            self.stdout.write(f"audit chain intact: {checked} entries")
            return
        where = f"entry #{problem.seq}" + (f" (id {problem.entry_id})" if problem.entry_id else "")
        self.stderr.write(f"audit chain broken at {where}: {problem.reason}")
        raise SystemExit(1)
