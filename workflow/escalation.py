"""The escalation scan (`manage.py escalate`, also run by the worker).

It reads only clocks whose next escalation step is due, through the partial index
`clock_escalation_due` (state = running, next_escalation_at ≤ now), so its cost follows the
number of clocks due, not the number open. Each batch is claimed in one transaction: the rows
are locked (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock of the transaction),
then moved up one step with a set-based compare-and-set UPDATE per (rule, step) group —
`… WHERE id IN (…) AND escalation_step = s` — and an EscalationEvent is written per clock,
unique per (clock, step). A second run, or a concurrent one, finds nothing left to do.

The ladder: warning window → due today → overdue (handler) → unit leader → supervising office
→ government leader, at offsets from the due time set by each clock's rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateTimeField, F, Func, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from core.models import User
from workflow.audiences import default_audience
from workflow.choices import STEP_LEVEL, ClockState, EscalationStep
from workflow.clocks import due_text, next_step
from workflow.machine import machine_for, registered_model
from workflow.models import Clock, ClockRule, EscalationEvent
from workflow.notifications import notify

BATCH = 5000


@dataclass
class ScanResult:
    escalated: int = 0
    by_step: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def due_clocks(now: dt.datetime) -> QuerySet[Clock]:
    """Running clocks whose next step is due: exactly the partial index's rows up to `now`."""
    return Clock.objects.filter(
        state=ClockState.RUNNING, next_escalation_at__isnull=False, next_escalation_at__lte=now
    )


def scan(now: dt.datetime | None = None, *, batch: int = BATCH) -> ScanResult:
    """Climb every due clock up its ladder, one step per pass, until nothing is due."""
    now = now or timezone.now()
    result = ScanResult()
    rules: dict[int, ClockRule] = {}
    while _scan_batch(now, batch, rules, result):
        pass
    return result


def _scan_batch(
    now: dt.datetime, batch: int, rules: dict[int, ClockRule], result: ScanResult
) -> bool:
    """One claimed batch, one step up; whether another pass may find clocks due."""
    with transaction.atomic():
        claim = _Claim.take(now, batch)
        again = claim.full
        # Highest step first: a group climbed earlier must not land in a later group's
        # selection, which is by condition, and climb twice in one pass.
        for group, count in sorted(claim.counts.items(), key=lambda item: -item[0][1]):
            rule_id, step = group
            rule = rules.get(rule_id) or rules.setdefault(
                rule_id, ClockRule.objects.get(pk=rule_id)
            )
            new_step = _climb(rule, step, claim.selection(group), now)
            if new_step is not None:
                result.by_step[new_step] += count
                result.escalated += count
                again = again or claim.may_be_due_again(group, rule, new_step)
    return again


Group = tuple[int, int]  # (rule id, escalation step)


@dataclass
class _Claim:
    """The due clocks one batch takes, counted by (rule, step), and how its statements pick
    them out again.

    PostgreSQL holds them by row lock (FOR UPDATE SKIP LOCKED, so concurrent scans share the
    work) and names them by id. SQLite's transaction holds the whole database's write lock, so
    the rows due up to the batch's last (next_escalation_at, id) cannot change underneath it:
    they are counted in SQL, selected again by that condition, and the earliest due time of
    each group tells whether a further pass is needed. Fetching, then binding a thousand ids
    per statement and an empty last pass were over half the scan's time at 1 000 due clocks.
    """

    now: dt.datetime
    counts: dict[Group, int]
    full: bool
    ids: dict[Group, list[int]] | None = None  # by row lock: the ids each group holds
    earliest_due: dict[Group, dt.datetime] | None = None  # by write lock
    last: tuple[dt.datetime, int] | None = None  # by write lock, when the batch is full

    @classmethod
    def take(cls, now: dt.datetime, batch: int) -> _Claim:
        rows = due_clocks(now).order_by("next_escalation_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            return cls._by_row_lock(now, rows.select_for_update(skip_locked=True), batch)
        return cls._by_write_lock(now, rows, batch)

    @classmethod
    def _by_row_lock(cls, now: dt.datetime, rows: QuerySet[Clock], batch: int) -> _Claim:
        ids: dict[Group, list[int]] = defaultdict(list)
        for pk, rule_id, step in rows.values_list("pk", "rule_id", "escalation_step")[:batch]:
            ids[(rule_id, step)].append(pk)
        counts = {group: len(pks) for group, pks in ids.items()}
        return cls(now, counts, sum(counts.values()) == batch, ids=ids)

    @classmethod
    def _by_write_lock(cls, now: dt.datetime, rows: QuerySet[Clock], batch: int) -> _Claim:
        claimed, params = rows.values_list("rule_id", "escalation_step", "due")[
            :batch
        ].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rule_id, escalation_step, COUNT(*), MIN(due) "
                f"FROM ({claimed}) AS claimed GROUP BY rule_id, escalation_step",
                params,
            )
            groups = cursor.fetchall()
        counts = {(rule_id, step): count for rule_id, step, count, _ in groups}
        # SQLite hands back Django's stored form of a datetime: UTC text.
        earliest = {
            (rule_id, step): dt.datetime.fromisoformat(due).replace(tzinfo=dt.UTC)
            for rule_id, step, _, due in groups
        }
        full = sum(counts.values()) == batch
        last = None
        if full:  # next_escalation_at is never null on a due clock
            at, pk = rows.values_list("next_escalation_at", "pk")[batch - 1 : batch].get()
            last = (cast(dt.datetime, at), pk)
        return cls(now, counts, full, earliest_due=earliest, last=last)

    def selection(self, group: Group) -> QuerySet[Clock]:
        rule_id, step = group
        if self.ids is not None:
            return Clock.objects.filter(
                pk__in=self.ids[group], state=ClockState.RUNNING, escalation_step=step
            )
        rows = due_clocks(self.now).filter(rule_id=rule_id, escalation_step=step)
        if self.last is not None:
            at, pk = self.last
            rows = rows.filter(Q(next_escalation_at__lt=at) | Q(next_escalation_at=at, pk__lte=pk))
        return rows

    def may_be_due_again(self, group: Group, rule: ClockRule, new_step: int) -> bool:
        if self.earliest_due is None:
            return True  # ids only: the next pass's claim is the check
        following = next_step(rule, new_step)
        return following is not None and self.earliest_due[group] + following[1] <= self.now


def _climb(rule: ClockRule, step: int, clocks: QuerySet[Clock], now: dt.datetime) -> int | None:
    """Move `clocks` (all at `step` under `rule`) to the rule's next step."""
    target = next_step(rule, step)
    if target is None:  # nothing left on the ladder: stop looking at these clocks
        clocks.update(next_escalation_at=None)
        return None
    new_step = target[0]
    following = next_step(rule, new_step)
    level = STEP_LEVEL[EscalationStep(new_step)]
    # Events first: the UPDATE moves the clocks out of the selection.
    recorded = _record_events(clocks, new_step, level, now)
    changes: dict[str, object] = {
        "escalation_step": new_step,
        "escalation_level": level,
        "next_escalation_at": Shifted("due", following[1]) if following else None,
    }
    if new_step >= EscalationStep.OVERDUE:
        changes["breached"] = True
    updated = clocks.update(**changes)
    if updated != recorded:  # the rows are locked, so this means a bug, not a race
        raise RuntimeError(f"escalation recorded {recorded} events for {updated} clocks")
    return new_step


class Shifted(Func):
    """`column + delta` in the database's own date arithmetic: Django's generic version calls
    a Python function per row on SQLite, which would double the cost of a large scan."""

    output_field = DateTimeField()

    def __init__(self, column: str, delta: dt.timedelta) -> None:
        super().__init__(F(column))
        self.seconds = int(delta.total_seconds())

    def as_sql(  # type: ignore[override]  # Func.as_sql also takes a template; none is used
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + %s * INTERVAL '1 second')", (*params, self.seconds)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        # Django keeps SQLite datetimes as UTC text 'YYYY-MM-DD HH:MM:SS' plus '.ffffff' when
        # there are microseconds; the result must be in exactly that form, or comparisons
        # with values Django writes go wrong on equal times. A whole-second shift leaves the
        # fraction as it was, so it is carried over from the original text.
        return f"(datetime({sql}, %s) || substr({sql}, 20))", (
            *params,
            f"{self.seconds:+d} seconds",
            *params,
        )


def _record_events(clocks: QuerySet[Clock], step: int, level: int, now: dt.datetime) -> int:
    """One EscalationEvent per clock, as one INSERT … SELECT (building model instances for
    thousands of rows costs several times the write itself)."""
    events = EscalationEvent._meta.db_table
    field = EscalationEvent._meta.get_field("happened_at")
    at = field.get_db_prep_value(now, connection)
    chosen, params = clocks.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {events} (clock_id, step, level, happened_at) "
            f"SELECT chosen.id, %s, %s, %s FROM ({chosen}) AS chosen",
            [step, level, at, *params],
        )
        return cursor.rowcount


STEP_TOPIC = {
    EscalationStep.WARNING: "escalation.warning",
    EscalationStep.DUE_TODAY: "escalation.due_today",
    EscalationStep.OVERDUE: "escalation.overdue",
    EscalationStep.UNIT_LEADER: "escalation.unit_leader",
    EscalationStep.SUPERVISING_OFFICE: "escalation.supervising_office",
    EscalationStep.GOVERNMENT_LEADER: "escalation.government_leader",
}


def notify_escalations(batch: int = 2000) -> int:
    """Tell each escalation's audience; each event is told once (notified_at compare-and-set)."""
    told = 0
    while count := _notify_batch(batch):
        told += count
    return told


def _notify_batch(limit: int) -> int:
    events = list(
        EscalationEvent.objects.filter(notified_at__isnull=True)
        .select_related("clock__rule", "clock__content_type")
        .order_by("happened_at")[:limit]
    )
    subjects = _subjects_of([event.clock for event in events])
    told = len(events)
    for event in events:
        with transaction.atomic():
            if not EscalationEvent.objects.filter(pk=event.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            ):
                continue
            subject = subjects.get((event.clock.content_type_id, event.clock.object_id))
            if subject is None:
                continue
            step = EscalationStep(event.step)
            notify(
                _audience(subject, event.level),
                topic=STEP_TOPIC[step],
                title=f"{step.label}: {subject} ({event.clock.label})",
                body=f"{event.clock.label} — {due_text(event.clock)}",
                url=subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else "",
                urgency=event.level,
                dedup_key=f"esc:{event.pk}",
            )
    return told


def _subjects_of(clocks: list[Clock]) -> dict[tuple[int, int], object]:
    by_type: dict[int, set[int]] = defaultdict(set)
    types = {}
    for clock in clocks:
        by_type[clock.content_type_id].add(clock.object_id)
        types[clock.content_type_id] = clock.content_type
    found: dict[tuple[int, int], object] = {}
    for type_id, ids in by_type.items():
        content_type = types[type_id]
        model = content_type.model_class() or registered_model(
            content_type.app_label, content_type.model
        )
        if model is None:
            continue
        for pk, obj in model._default_manager.in_bulk(list(ids)).items():
            found[(type_id, pk)] = obj
    return found


def _audience(subject: object, level: int) -> Iterable[User]:
    try:
        custom = machine_for(type(subject)).audience  # type: ignore[arg-type]
    except LookupError:
        custom = None
    return (custom or default_audience)(subject, level)
