"""When an open deadline counts as overdue on the dashboard, and keeping the table of open
deadlines (reports.models.OpenDeadline) small.

The table counts open work by the local day and hour its deadline falls in. At any moment the
rows of the hours already passed are overdue work; only the deadlines of the hour under way are
looked up in the records (`HourMark`). Each hour the passed rows are folded into one row per key
without the day and hour (`settle`), so what the dashboard reads stays as many rows as kinds ×
areas × units × groups (× months of arrival) instead of growing with every day and hour that
deadlines ever fell in. A write that later closes work due in a settled hour subtracts from its
own day and hour (a row with a negative count), which the next fold adds in: the sums stay
exact whether or not the fold has run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import OpenDeadline, Rollup
from reports.rollups import Key, add_to, rebuild
from workflow.calendar import local_zone

# The day under which passed hours are kept once folded: earlier than any real deadline.
SETTLED_DAY = dt.date(1970, 1, 1)
TIME_KEYS = ("due_day", "due_hour")


@dataclass(frozen=True)
class HourMark:
    """The start of the local hour under way at `now`."""

    day: dt.date
    hour: int
    start: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime) -> HourMark:
        start = now.astimezone(local_zone()).replace(minute=0, second=0, microsecond=0)
        return cls(start.date(), start.hour, start)

    def passed(self) -> Q:
        """The OpenDeadline rows of the hours before this one (settled ones included), as a
        range of the due index: up to today, then the hour."""
        return Q(due_day__lte=self.day) & (Q(due_day__lt=self.day) | Q(due_hour__lt=self.hour))

    def kinds_due_this_hour(self) -> set[str]:
        """The kinds with open work due in this hour: only theirs are looked up in the records
        (the ORM's queries for them cost more to compile than to run)."""
        this_hour = OpenDeadline.objects.filter(due_day=self.day, due_hour=self.hour, open__gt=0)
        return set(this_hour.values_list("kind", flat=True).distinct())


def settle(now: dt.datetime | None = None) -> int:
    """Fold the rows of passed hours into SETTLED_DAY; returns how many rows were folded."""
    mark = HourMark.at(now or timezone.now())
    quote = connection.ops.quote_name
    table = quote(OpenDeadline._meta.db_table)
    rest = [key for key in OpenDeadline.KEYS if key not in TIME_KEYS]
    returned = ", ".join(quote(column) for column in [*rest, "open"])
    day, hour = quote("due_day"), quote("due_hour")
    with transaction.atomic(), connection.cursor() as cursor:
        # DELETE … RETURNING takes the rows and their counts in one statement, so a write that
        # adds to a passed hour meanwhile lands either in the fold or in a row of its own.
        cursor.execute(
            f"DELETE FROM {table} WHERE ({day} > %s AND {day} < %s) "
            f"OR ({day} = %s AND {hour} < %s) RETURNING {returned}",
            [SETTLED_DAY, mark.day, mark.day, mark.hour],
        )
        folded = cursor.fetchall()
        totals: dict[Key, list[int]] = {}
        for *key, count in folded:
            settled = tuple(_settled_key(dict(zip(rest, key, strict=True))))
            totals[settled] = [totals.get(settled, [0])[0] + count]
        add_to(OpenDeadline, totals)
        cursor.execute(f"DELETE FROM {table} WHERE {day} = %s AND open = 0", [SETTLED_DAY])
    return len(folded)


def _settled_key(values: dict[str, object]) -> list[object]:
    values = {**values, "due_day": SETTLED_DAY, "due_hour": 0}
    return [values[key] for key in OpenDeadline.KEYS]


def rebuild_settled(
    report: Callable[[str], None] | None = None, only: Iterable[type[Rollup]] | None = None
) -> dict[str, int]:
    """`reports.rollups.rebuild`, then the passed hours folded: the tables as the worker keeps
    them (the rebuild command, the generators and the benchmarks use this)."""
    written = rebuild(report, only)
    settle()
    return written
