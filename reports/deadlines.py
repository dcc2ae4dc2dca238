"""When an open deadline counts as overdue on the dashboard, and keeping the table of open
deadlines (reports.models.OpenDeadline) small.

The table counts open work by the local day and ten-minute slot its deadline falls in. At any
moment the rows of the slots already passed are overdue work; only the deadlines of the slot
under way are looked up in the records (`SlotMark`), at most ten minutes' worth. Every ten
minutes the passed rows are folded into one row per key without the day and slot (`settle`), so
what the dashboard reads stays as many rows as kinds × areas × units × groups (× months of
arrival) instead of growing with every day and slot that deadlines ever fell in. A write that
later closes work due in a settled slot subtracts from its own day and slot (a row with a
negative count), which the next fold adds in: the sums stay exact whether or not the fold has
run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import SLOT_MINUTES, OpenDeadline, Rollup
from reports.rollups import Key, add_to, rebuild
from workflow.calendar import local_zone

# The day under which passed slots are kept once folded: earlier than any real deadline.
SETTLED_DAY = dt.date(1970, 1, 1)
TIME_KEYS = ("due_day", "due_slot")
SETTLE_EVERY = dt.timedelta(minutes=SLOT_MINUTES)


@dataclass(frozen=True)
class SlotMark:
    """The start of the local time slot under way at `now`."""

    day: dt.date
    slot: int
    start: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime) -> SlotMark:
        local = now.astimezone(local_zone())
        slot = (local.hour * 60 + local.minute) // SLOT_MINUTES
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(local.date(), slot, midnight + dt.timedelta(minutes=slot * SLOT_MINUTES))

    def passed(self) -> Q:
        """The OpenDeadline rows of the slots before this one (settled ones included), as a
        range of the due index: up to today, then the slot."""
        return Q(due_day__lte=self.day) & (Q(due_day__lt=self.day) | Q(due_slot__lt=self.slot))

    def kinds_due_now(self) -> set[str]:
        """The kinds with open work due in this slot: only theirs are looked up in the records
        (the ORM's queries for them cost more to compile than to run)."""
        this_slot = OpenDeadline.objects.filter(due_day=self.day, due_slot=self.slot, open__gt=0)
        return set(this_slot.values_list("kind", flat=True).distinct())


def settle(now: dt.datetime | None = None) -> int:
    """Fold the rows of passed slots into SETTLED_DAY; returns how many rows were folded."""
    mark = SlotMark.at(now or timezone.now())
    quote = connection.ops.quote_name
    table = quote(OpenDeadline._meta.db_table)
    rest = [key for key in OpenDeadline.KEYS if key not in TIME_KEYS]
    returned = ", ".join(quote(column) for column in [*rest, "open"])
    day, slot = quote("due_day"), quote("due_slot")
    with transaction.atomic(), connection.cursor() as cursor:
        # DELETE … RETURNING takes the rows and their counts in one statement, so a write that
        # adds to a passed slot meanwhile lands either in the fold or in a row of its own.
        cursor.execute(
            f"DELETE FROM {table} WHERE ({day} > %s AND {day} < %s) "
            f"OR ({day} = %s AND {slot} < %s) RETURNING {returned}",
            [SETTLED_DAY, mark.day, mark.day, mark.slot],
        )
        folded = cursor.fetchall()
        totals: dict[Key, list[int]] = defaultdict(lambda: [0])
        for *key, count in folded:
            totals[_settled_key(dict(zip(rest, key, strict=True)))][0] += count
        add_to(OpenDeadline, totals)
        cursor.execute(f"DELETE FROM {table} WHERE {day} = %s AND open = 0", [SETTLED_DAY])
    return len(folded)


def _settled_key(values: dict[str, object]) -> Key:
    values = {**values, "due_day": SETTLED_DAY, "due_slot": 0}
    return tuple(values[key] for key in OpenDeadline.KEYS)


def rebuild_settled(
    report: Callable[[str], None] | None = None, only: Iterable[type[Rollup]] | None = None
) -> dict[str, int]:
    """`reports.rollups.rebuild`, then the passed slots folded: the tables as the worker keeps
    them (the rebuild command, the generators and the benchmarks use this)."""
    written = rebuild(report, only)
    settle()
    return written
