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
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import DateTimeField, F, Func
from django.utils import timezone

from workflow.choices import STEP_LEVEL, ClockState, EscalationStep
from workflow.clocks import next_step
from workflow.machine import registered_model
from workflow.models import Clock, ClockRule, EscalationEvent

BATCH = 5000


@dataclass
class ScanResult:
    escalated: int = 0
    by_step: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def due_clocks(now: dt.datetime):  # type: ignore[no-untyped-def]
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
    with transaction.atomic():
        rows = due_clocks(now).order_by("next_escalation_at")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows.values_list("pk", "rule_id", "escalation_step")[:batch])
        if not claimed:
            return False
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for pk, rule_id, step in claimed:
            groups[(rule_id, step)].append(pk)
        for (rule_id, step), ids in groups.items():
            rule = rules.get(rule_id) or rules.setdefault(
                rule_id, ClockRule.objects.get(pk=rule_id)
            )
            new_step = _climb(rule, step, ids, now)
            if new_step is not None:
                result.by_step[new_step] += len(ids)
                result.escalated += len(ids)
    return True


def _climb(rule: ClockRule, step: int, ids: list[int], now: dt.datetime) -> int | None:
    """Move the clocks `ids` (all at `step` under `rule`) to the rule's next step."""
    target = next_step(rule, step)
    if target is None:  # nothing left on the ladder: stop looking at these clocks
        Clock.objects.filter(pk__in=ids).update(next_escalation_at=None)
        return None
    new_step = target[0]
    following = next_step(rule, new_step)
    level = STEP_LEVEL[EscalationStep(new_step)]
    updated = Clock.objects.filter(
        pk__in=ids, state=ClockState.RUNNING, escalation_step=step
    ).update(
        escalation_step=new_step,
        escalation_level=level,
        breached=True if new_step >= EscalationStep.OVERDUE else F("breached"),
        next_escalation_at=Shifted("due", following[1]) if following else None,
    )
    if updated != len(ids):  # the rows are locked, so this means a bug, not a race
        raise RuntimeError(f"escalation claimed {updated} of {len(ids)} clocks")
    _record_events(ids, new_step, level, now)
    return new_step


class Shifted(Func):
    """`column + delta` in the database's own date arithmetic: Django's generic version calls
    a Python function per row on SQLite, which would double the cost of a large scan."""

    output_field = DateTimeField()

    def __init__(self, column: str, delta: dt.timedelta) -> None:
        super().__init__(F(column))
        self.seconds = int(delta.total_seconds())

    def as_sql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def, override]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + %s * INTERVAL '1 second')", [*params, self.seconds]

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def, override]
        sql, params = compiler.compile(self.source_expressions[0])
        # Django keeps SQLite datetimes as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'.
        return "strftime('%%Y-%%m-%%d %%H:%%M:%%f', " + sql + ", %s)", [
            *params,
            f"{self.seconds:+d} seconds",
        ]


def _record_events(ids: list[int], step: int, level: int, now: dt.datetime) -> None:
    """One EscalationEvent per clock, as one INSERT … SELECT (building model instances for
    thousands of rows costs several times the write itself)."""
    events, clocks = EscalationEvent._meta.db_table, Clock._meta.db_table
    field = EscalationEvent._meta.get_field("happened_at")
    at = field.get_db_prep_value(now, connection)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {events} (clock_id, step, level, happened_at) "
            f"SELECT id, %s, %s, %s FROM {clocks} WHERE id IN ({marks})",
            [step, level, at, *ids],
        )


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
    from workflow.calendar import format_due
    from workflow.notifications import notify

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
                title=f"{step.label}: {subject} ({event.clock.rule.label})",
                body=f"{event.clock.rule.label} — {format_due(event.clock.due)}",
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


def _audience(subject: object, level: int):  # type: ignore[no-untyped-def]
    from workflow.audiences import default_audience
    from workflow.machine import machine_for

    try:
        custom = machine_for(type(subject)).audience  # type: ignore[arg-type]
    except LookupError:
        custom = None
    return (custom or default_audience)(subject, level)
