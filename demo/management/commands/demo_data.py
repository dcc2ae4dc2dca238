"""`manage.py demo_data [--scale N] [--seed S] [--if-empty] [--list-users]` (DESIGN.md §3)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from demo.generator import (
    DEFAULT_BATCH_SIZE,
    PREMISES_PER_SCALE,
    DemoOptions,
    DemoRun,
    directory_has_data,
    generate,
)
from demo.users import demo_user_lines


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive whole number")
    return number


class Command(BaseCommand):
    help = (
        "Generate the demo county (regions, departments, premises, licences, responsibilities, "
        "one demo user per role, password demo12345) into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=positive,
            default=1,
            help=f"multiply the premises ({PREMISES_PER_SCALE:,} per unit; 500 = one million)",
        )
        parser.add_argument("--seed", type=int, default=1, help="same seed, same county")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (exit 0) when the directory already holds data",
        )
        parser.add_argument(
            "--list-users",
            action="store_true",
            help="print username<TAB>role<TAB>scope for each demo user and exit",
        )
        # For tests and benchmarks: an exact premises count and the insert batch size.
        parser.add_argument("--premises", type=positive, help=argparse.SUPPRESS)
        parser.add_argument("--complaints", type=positive, help=argparse.SUPPRESS)
        parser.add_argument(
            "--batch-size", type=positive, default=DEFAULT_BATCH_SIZE, help=argparse.SUPPRESS
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list_users"]:
            for line in demo_user_lines():
                self.stdout.write(line)
            return
        if settings.CIVICDESK_ENV == "production":
            raise CommandError(
                "demo_data refuses to run in production (CIVICDESK_ENV=production): "
                "it creates demo users with a published password."
            )
        if directory_has_data():
            if options["if_empty"]:
                self.stdout.write("Demo data: the database already has a directory; left as is.")
                return
            raise CommandError(
                "The database already has regions; demo data goes only into an empty database "
                "(use --if-empty to skip quietly)."
            )
        run = generate(self.demo_options(options))
        self.stdout.write(summary(run))

    def demo_options(self, options: dict[str, Any]) -> DemoOptions:
        return DemoOptions(
            seed=options["seed"],
            scale=options["scale"],
            premises=options["premises"],
            complaints=options["complaints"],
            batch_size=options["batch_size"],
            progress=None if options["no_progress"] else progress_stream(self.stderr),
        )


def progress_stream(wrapper: OutputWrapper) -> TextIO:
    # The stream the wrapper holds; `_out` is private, so the stubs type it as a callable.
    return cast(TextIO, wrapper._out)


def summary(run: DemoRun) -> str:
    counts = ", ".join(f"{count:,} {what}" for what, count in run.rows.items())
    timings = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in run.seconds.items())
    audit = "one per row" if run.recorder.per_row else "one per batch"
    return (
        f"Demo county generated (seed {run.options.seed}): {counts}.\n"
        f"Time: {timings}; audit entries: {run.recorder.entries:,} ({audit}).\n"
        "Demo logins: manage.py demo_data --list-users (password demo12345)."
    )
