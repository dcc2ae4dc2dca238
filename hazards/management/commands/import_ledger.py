"""`manage.py import_ledger FILE --user USERNAME [--valid-rows]`: import an enterprise hazard
ledger (XLSX or CSV) as that user, with a progress bar, a summary and the problem report.

Exit code 1 when nothing was imported because of bad rows (or the file could not be read)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.audit import audit_context
from core.imports import ImportFileError
from core.models import ImportJob, ImportProblem, User
from hazards.services.ledgers import import_file


class Command(BaseCommand):
    help = "Import an enterprise hazard ledger (XLSX or CSV) as the given user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv ledger")
        parser.add_argument("--user", required=True, help="import as this user (their scope)")
        parser.add_argument(
            "--valid-rows",
            action="store_true",
            help="import the valid rows even when some rows have problems",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"There is no user {options['user']!r}.")
        with tqdm(unit=" rows", file=self.stderr, dynamic_ncols=True) as bar:

            def progress(job: ImportJob) -> None:
                bar.total = job.total_rows if job.total_rows else bar.total
                bar.set_description("writing" if job.imported_rows else "checking")
                done = job.imported_rows or job.processed_rows
                bar.update(done - bar.n)

            try:
                with audit_context(actor=user, source="import_ledger"):
                    job = import_file(
                        options["file"],
                        user=user,
                        valid_rows_only=options["valid_rows"],
                        progress=progress,
                    )
            except (ImportFileError, FileNotFoundError, PermissionDenied) as error:
                raise CommandError(str(error)) from error
        self.report(job)
        if job.state != ImportJob.State.DONE:
            sys.exit(1)

    def report(self, job: ImportJob) -> None:
        write = self.stdout.write
        write(
            f"rows: {job.total_rows or 0}  imported: {job.imported_rows}  "
            f"with problems: {job.failed_rows}"
        )
        problems = ImportProblem.objects.filter(job=job).order_by("row", "pk")
        if problems.exists():
            write("row\tcolumn\tproblem")
            for problem in problems.iterator(chunk_size=2000):
                write(f"{problem.row}\t{problem.column}\t{problem.message}")
        style = self.style.SUCCESS if job.state == ImportJob.State.DONE else self.style.ERROR
        write(style(job.message))
