"""Hazard ledgers (隐患台账): importing an enterprise's ledger from XLSX/CSV, and the hazard and
inspection ledgers officials download.

SAWS Order 16 Art. 10: a unit keeps a ledger of the hazards it finds and how each was
rectified; the import registers such a ledger's rows as hazards (source "import"), each at a
premises the importer answers for.

Writing: rows are written in blocks. One `DocumentSequence` reservation numbers a whole block
("YH-2026-000123", the numbering of `report_hazard`), the hazards are bulk-created with their
place copied from the premises as `AtPremises.take_place_from_premises` does, the rectification
clock of each open hazard with a deadline is started as `start_clock` would start it, and every
hazard and clock gets its create entry in the audit chain, inside the caller's transaction.
`ONE_BY_ONE` switches the writer to `report_hazard` row by row (slower; same result), which
the tests use to check that both paths agree.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    F,
    Field,
    Model,
    QuerySet,
)
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record_change, record_creates
from core.exports import plain_cell
from core.imports import (
    Column,
    Problem,
    Progress,
    RowSchema,
    check_upload,
    date_value,
    run_import,
    text_value,
)
from core.models import DocumentSequence, ImportJob, Premises, User
from core.observers import observed
from core.scoping import scope_of
from hazards.choices import HazardGrade, HazardSource, HazardState
from hazards.models import Hazard, Inspection
from hazards.services.hazards import entry_state
from workflow.calendar import end_of_day, local_date, local_zone
from workflow.clocks import compute_deadline, schedule_next_escalation
from workflow.models import Clock, ClockRule
from workflow.rules import rule_for

IMPORT_KIND = "hazard_ledger"
NUMBER_PREFIX = "YH"
RECTIFY_CLOCK = "hazards.rectify"
ONE_BY_ONE = False  # True: write through report_hazard row by row (see the module docstring)

COLUMNS = (
    Column("row_no", ("序号", "No.", "row no.", "no", "number")),
    Column("title", ("隐患名称", "title", "hazard", "名称"), True, gettext_lazy("title")),
    Column("description", ("隐患描述", "description", "隐患情况", "描述")),
    Column("location", ("部位", "隐患部位", "location", "place")),
    Column("grade", ("隐患等级", "grade", "等级", "隐患级别"), True, gettext_lazy("grade")),
    Column(
        "found",
        ("发现日期", "found date", "found", "排查日期", "发现时间"),
        True,
        gettext_lazy("found date"),
    ),
    Column("deadline", ("整改期限", "deadline", "rectify by", "整改时限")),
    Column("measures", ("整改措施", "measures", "rectification measures")),
    Column("responsible", ("整改责任人", "responsible", "责任人")),
    Column("state", ("整改状态", "state", "status", "状态")),
    Column("rectified", ("整改完成日期", "rectified date", "rectified")),
    Column("closed", ("销号日期", "closed date", "closed")),
    Column(
        "credit_code",
        ("统一社会信用代码", "credit code", "unified social credit code", "信用代码"),
        True,
        gettext_lazy("credit code"),
    ),
)
GRADES = {
    "一般": HazardGrade.GENERAL,
    "一般隐患": HazardGrade.GENERAL,
    "general": HazardGrade.GENERAL,
    "重大": HazardGrade.MAJOR,
    "重大隐患": HazardGrade.MAJOR,
    "major": HazardGrade.MAJOR,
}
# The three states a ledger records; the loop's other states are not a ledger's to set.
STATES = {
    "整改中": HazardState.RECTIFYING,
    "未整改": HazardState.RECTIFYING,
    "rectifying": HazardState.RECTIFYING,
    "已整改": HazardState.RECTIFIED,
    "rectified": HazardState.RECTIFIED,
    "已销号": HazardState.CLOSED,
    "closed": HazardState.CLOSED,
}
TEXT_LIMITS = {"title": 200, "location": 200}


@dataclass(frozen=True)
class Place:
    premises_id: int
    region_id: int
    department_id: int | None


@dataclass
class LedgerRow:
    place: Place
    title: str
    description: str
    location: str
    grade: str
    found_at: dt.datetime
    rectify_by: dt.datetime | None
    measures: str
    state: str
    rectified_at: dt.datetime | None
    closed_at: dt.datetime | None


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=local_zone())


class HazardLedger(RowSchema):
    """An enterprise's hazard ledger, one hazard per row, at premises in the user's scope."""

    kind = IMPORT_KIND
    columns = COLUMNS

    def __init__(self, user: User) -> None:
        self.user = user
        self.scope = scope_of(user)
        self.places: dict[str, Place | None] = {}
        self.today = timezone.localdate()
        self.rules: dict[tuple[dt.date, int], ClockRule] = {}

    # --- validation ---------------------------------------------------------------------

    def build(self, values: dict[str, Any], headers: dict[str, str]) -> tuple[list[Problem], Any]:
        problems: list[Problem] = []

        def problem(name: str, message: str) -> None:
            problems.append((headers[name], message))

        texts = {
            name: text_value(values.get(name))
            for name in (
                "title",
                "description",
                "location",
                "measures",
                "responsible",
                "credit_code",
            )
        }
        if not texts["title"]:
            problem("title", _("The hazard needs a name."))
        for name, limit in TEXT_LIMITS.items():
            if len(texts[name]) > limit:
                problem(name, _("At most %(limit)d characters.") % {"limit": limit})
        grade = self.choice(values.get("grade"), GRADES, "grade", problem, required=True)
        state = self.choice(values.get("state"), STATES, "state", problem, required=False)
        state = state or HazardState.RECTIFYING
        found = self.day(values.get("found"), "found", problem, required=True)
        deadline = self.day(values.get("deadline"), "deadline", problem)
        rectified = self.day(values.get("rectified"), "rectified", problem)
        closed = self.day(values.get("closed"), "closed", problem)
        for name, day in (("deadline", deadline), ("rectified", rectified), ("closed", closed)):
            if found and day and day < found:
                problem(name, _("The date is before the date the hazard was found."))
        if state == HazardState.RECTIFYING and values.get("deadline") is None:
            # Work Safety Law Art. 41 / SAWS Order 16 Art. 15: an open hazard is rectified by
            # a set deadline (the deadline clock runs from it).
            problem("deadline", _("A hazard still being rectified needs a deadline."))
        place = self.place(texts["credit_code"], "credit_code", problem)
        if problems or grade is None or found is None or place is None:
            return problems, None
        return [], LedgerRow(
            place=place,
            title=texts["title"],
            description=texts["description"],
            location=texts["location"],
            grade=grade,
            found_at=start_of_day(found),
            rectify_by=end_of_day(deadline) if deadline else None,
            measures=self.measures(texts["measures"], texts["responsible"]),
            state=state,
            rectified_at=start_of_day(rectified) if rectified else None,
            closed_at=start_of_day(closed) if closed else None,
        )

    @staticmethod
    def choice(
        value: Any, options: Mapping[str, str], name: str, problem: Any, required: bool
    ) -> str | None:
        written = text_value(value)
        if not written:
            if required:
                problem(name, _("This value is required."))
            return None
        found = options.get(written) or options.get(written.lower())
        if found is None:
            allowed = "、".join(key for key in options if not key.isascii())
            problem(
                name,
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": written, "allowed": allowed},
            )
        return found

    def day(self, value: Any, name: str, problem: Any, required: bool = False) -> dt.date | None:
        if value is None:
            if required:
                problem(name, _("This date is required."))
            return None
        try:
            day = date_value(value)
        except ValueError:
            problem(
                name,
                _("“%(value)s” is not a date (write it as 2026-03-31).")
                % {"value": text_value(value)},
            )
            return None
        if name != "deadline" and day > self.today:
            problem(name, _("The date is in the future."))
        return day

    def place(self, code: str, name: str, problem: Any) -> Place | None:
        if not code:
            problem(name, _("This value is required."))
            return None
        code = code.upper()
        if code not in self.places:
            self.places[code] = self.find_place(code)
        place = self.places[code]
        if place is None:
            # The same words whether the code is unknown or belongs to a premises outside the
            # user's scope: the report must not tell which premises exist elsewhere.
            problem(name, _("No premises with this credit code in your area."))
        return place

    def find_place(self, code: str) -> Place | None:
        premises = Premises.objects.restrict(self.user, "view").filter(credit_code=code).first()
        if premises is None:
            return None
        hazard = Hazard(premises=premises)
        hazard.take_place_from_premises()
        place = Place(premises.pk, hazard.region_id, hazard.department_id)
        return place if self.may_record_at(place) else None

    def may_record_at(self, place: Place) -> bool:
        """Would a hazard with this place be within the user's scope (premises_matter_scope)?"""
        scope = self.scope
        return (
            scope.unlimited
            or place.region_id in set(scope.region_ids)
            or place.department_id in scope.department_ids
            or place.premises_id in scope.premises_ids
        )

    @staticmethod
    def measures(measures: str, responsible: str) -> str:
        if not responsible:
            return measures
        line = _("Responsible for rectification: %(name)s") % {"name": responsible}
        return f"{measures}\n{line}" if measures else line

    # --- writing -------------------------------------------------------------------------

    def write(self, built: Sequence[Any]) -> int:
        if ONE_BY_ONE:
            return self.write_one_by_one(built)
        return self.write_block(built)

    def write_block(self, rows: Sequence[LedgerRow]) -> int:
        now = timezone.now()
        hazards = [
            self.hazard(row, number, now)
            for row, number in zip(rows, numbers_for(rows), strict=True)
        ]
        with observed(*hazards):
            insert_rows(hazards)
            record_creates(hazards)
            clocks = [self.clock(hazard, now) for hazard in hazards if self.needs_clock(hazard)]
            insert_rows(clocks)
            record_creates(clocks)
        return len(hazards)

    def hazard(self, row: LedgerRow, number: str, now: dt.datetime) -> Hazard:
        return build(
            Hazard,
            number=number,
            source=HazardSource.IMPORT,
            premises_id=row.place.premises_id,
            region_id=row.place.region_id,
            department_id=row.place.department_id,
            title=row.title,
            description=row.description,
            location=row.location,
            grade=row.grade,
            found_at=row.found_at,
            found_by_id=self.user.pk,
            rectify_by=row.rectify_by,
            rectification_measures=row.measures,
            state=self.entry_state(row),
            # A date the ledger does not give stays empty rather than invented.
            rectified_at=row.rectified_at,
            closed_at=row.closed_at,
        )

    @staticmethod
    def entry_state(row: LedgerRow) -> str:
        """An open row enters the loop where report_hazard puts it (a major hazard waits for
        its governance plan, SAWS Order 16 Art. 15); a settled one at the ledger's state."""
        if row.state == HazardState.RECTIFYING:
            return entry_state(row.grade, row.rectify_by)
        return row.state

    @staticmethod
    def needs_clock(hazard: Hazard) -> bool:
        """report_hazard starts the rectification clock whenever a deadline is set; a hazard
        the ledger already records as rectified or closed has none running."""
        settled = (HazardState.RECTIFIED, HazardState.CLOSED)
        return hazard.rectify_by is not None and hazard.state not in settled

    def clock(self, hazard: Hazard, now: dt.datetime) -> Clock:
        """The rectification clock as `workflow.clocks.start_clock` starts it."""
        rule = self.rule(timezone.localdate(now), hazard.region_id)
        clock = build(
            Clock,
            content_type_id=hazard_type().pk,
            object_id=hazard.pk,
            kind=RECTIFY_CLOCK,
            rule_id=rule.pk,
            started_at=now,
            due=hazard.rectify_by or now,
        )
        clock.rule = rule
        deadline = compute_deadline(clock)
        clock.due, clock.provisional = deadline.due, deadline.provisional
        schedule_next_escalation(clock)
        return clock

    def rule(self, day: dt.date, region_id: int) -> ClockRule:
        key = (day, region_id)
        if key not in self.rules:
            from core.models import Region

            self.rules[key] = rule_for(RECTIFY_CLOCK, day, Region.objects.get(pk=region_id))
        return self.rules[key]

    def write_one_by_one(self, rows: Sequence[LedgerRow]) -> int:
        from hazards.services.hazards import report_hazard

        for row in rows:
            hazard = report_hazard(
                user=self.user,
                premises=Premises.objects.get(pk=row.place.premises_id),
                title=row.title,
                source=HazardSource.IMPORT,
                description=row.description,
                location=row.location,
                rectify_by=row.rectify_by if row.state == HazardState.RECTIFYING else None,
                grade=row.grade,
                found_at=row.found_at,
            )
            with observed(hazard):
                self.settle_state(hazard, row)
        return len(rows)

    def settle_state(self, hazard: Hazard, row: LedgerRow) -> None:
        """Fields report_hazard does not take: the ledger's measures, state and dates."""
        from core.audit import snapshot

        before = snapshot(hazard)
        template = self.hazard(row, hazard.number, timezone.now())
        for name in ("rectify_by", "rectification_measures", "state", "rectified_at", "closed_at"):
            setattr(hazard, name, getattr(template, name))
        if snapshot(hazard) != before:
            hazard.save()
            record_change(hazard, before)


# --- fast inserts ----------------------------------------------------------------------------
# Django's bulk_create compiles every value through the field's full save pipeline, which at
# 100 000 rows costs more than the database itself; these rows are built by our own code with
# plain Python values, so they are inserted with the same multi-row INSERT … RETURNING id that
# bulk_create issues, minus the per-value compilation. (Model defaults and the database's
# value adaptation for dates and times are kept.)


@dataclass(frozen=True)
class Layout:
    fields: list[Field]  # concrete fields in model order (positional __init__ order)
    defaults: dict[str, Any]
    adapt: list[Callable[[Any], Any] | None]  # per inserted column (all but the primary key)
    # Every field a plain attribute (no descriptor doing work on assignment) and no
    # pre_init/post_init receivers: Model.__init__ would only store the values.
    plain: bool


_layouts: dict[type[Model], Layout] = {}
PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


def layout_of(model: type[Model]) -> Layout:
    if model not in _layouts:
        fields = list(model._meta.concrete_fields)
        defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}
        plain = not pre_init.has_listeners(model) and not post_init.has_listeners(model)
        plain = plain and all(
            type(inspect.getattr_static(model, f.attname, None)) in PLAIN_DESCRIPTORS
            for f in fields
        )
        _layouts[model] = Layout(
            fields, defaults, [adapter(f) for f in fields if not f.primary_key], plain
        )
    return _layouts[model]


def adapter(field: Field) -> Callable[[Any], Any] | None:
    """The database's adaptation of the field's values (None: passed as they are)."""
    ops = connection.ops
    if isinstance(field, DateTimeField):
        return sqlite_datetime if connection.vendor == "sqlite" else ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    if isinstance(field, DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


def sqlite_datetime(value: Any) -> Any:
    """SQLite's adapt_datetimefield_value (an aware time as naive text in the connection's
    zone), without its checks for expressions and settings at every value."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        zone = connection.timezone
        return str(value.astimezone(zone).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value(value)


def build[M: Model](model: type[M], **values: Any) -> M:
    """An unsaved instance from attnames (defaults filled in), through Model's fast
    positional constructor."""
    layout = layout_of(model)
    args = [None if f.primary_key else values.get(f.attname, layout.defaults[f.attname])
            for f in layout.fields]  # fmt: skip
    if not layout.plain:
        return model(*args)
    instance = model.__new__(model)  # what __init__ does for such a model, minus its loop
    instance._state = ModelState()
    instance.__dict__.update(zip([f.attname for f in layout.fields], args, strict=True))
    return instance


def insert_rows(instances: Sequence[Model]) -> None:
    """Insert unsaved instances of one model and set their primary keys."""
    if not instances:
        return
    model = type(instances[0])
    layout = layout_of(model)
    columns = [f for f in layout.fields if not f.primary_key]
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in columns)
    pk = connection.ops.quote_name(str(model._meta.pk.column))  # type: ignore[union-attr]
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        insert_by_copy(instances, columns, layout, table, names)
        return
    size = max(1, connection.ops.bulk_batch_size(columns, instances))
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(instances), size):
            block = instances[start : start + size]
            params = [
                getattr(obj, f.attname) if convert is None else convert(getattr(obj, f.attname))
                for obj in block
                for f, convert in zip(columns, layout.adapt, strict=True)
            ]
            values = ", ".join([one] * len(block))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {pk}", params)
            for obj, (key,) in zip(block, cursor.fetchall(), strict=True):
                obj.pk = key
                obj._state.adding = False


def insert_by_copy(
    instances: Sequence[Model], columns: list[Field], layout: Layout, table: str, names: str
) -> None:
    """PostgreSQL: the ids drawn from the table's own sequence (as the inserts' defaults
    would draw them), then one COPY of the rows with their ids; no statement with a
    placeholder per value for the driver to parse."""
    model = type(instances[0])
    pk_column = str(model._meta.pk.column)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk_column, len(instances)],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
        quoted_pk = connection.ops.quote_name(pk_column)
        sql = f"COPY {table} ({quoted_pk}, {names}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for obj, key in zip(instances, keys, strict=True):
                copy.write_row(
                    [key]
                    + [
                        getattr(obj, f.attname)
                        if convert is None
                        else convert(getattr(obj, f.attname))
                        for f, convert in zip(columns, layout.adapt, strict=True)
                    ]
                )
    for obj, key in zip(instances, keys, strict=True):
        obj.pk = key
        obj._state.adding = False


def hazard_type() -> ContentType:
    return ContentType.objects.get_for_model(Hazard, for_concrete_model=True)


def hazard_number(year: int, serial: int) -> str:
    """YH-2026-000123: the number report_hazard gives (prefix, year, six-digit serial)."""
    return f"{NUMBER_PREFIX}-{year}-{serial:06d}"


def numbers_for(rows: Sequence[LedgerRow]) -> list[str]:
    """Numbers in row order, per year of finding as report_hazard numbers them."""
    years = [local_date(row.found_at).year for row in rows]
    reserved = {year: iter(reserve_numbers(NUMBER_PREFIX, year, years.count(year)))
                for year in sorted(set(years))}  # fmt: skip
    return [next(reserved[year]) for year in years]


def reserve_numbers(prefix: str, year: int, count: int) -> list[str]:
    """`count` consecutive numbers from the gap-free sequence in one update (next_number, in
    bulk); call inside the transaction that saves the documents."""
    with transaction.atomic():
        DocumentSequence.objects.get_or_create(prefix=prefix, year=year)
        rows = DocumentSequence.objects.filter(prefix=prefix, year=year)
        rows.update(last=F("last") + count)
        last = rows.values_list("last", flat=True).get()
    return [hazard_number(year, serial) for serial in range(last - count + 1, last + 1)]


# --- jobs --------------------------------------------------------------------------------


def job_place(user: User) -> dict[str, Any]:
    """Where a job sits for scoping: the user's first region, else their first premises."""
    region = user.regions.order_by("depth", "pk").first()
    if region is not None:
        return {"region": region}
    premises = user.premises.order_by("pk").first()
    return {"premises": premises} if premises is not None else {}


def store_import_job(*, user: User, upload: Any, valid_rows_only: bool = False) -> ImportJob:
    """Check and store the uploaded file as a waiting job; ImportFileError on a bad file,
    PermissionDenied for a user who may not register hazards."""
    if not user.has_perm("hazards.add_hazard") or not user.has_perm("core.add_importjob"):
        raise PermissionDenied(_("You may not import hazard ledgers."))
    check_upload(upload)
    name = PurePath(str(upload.name)).name
    with transaction.atomic():
        job = ImportJob(
            kind=IMPORT_KIND,
            original_name=name[:255],
            valid_rows_only=valid_rows_only,
            created_by=user,
            **job_place(user),
        )
        job.file.save(name, upload, save=False)
        job.save()
        record_change(job, None)
    return job


def create_import_job(*, user: User, upload: Any, valid_rows_only: bool = False) -> ImportJob:
    """Store the file and queue its import in the background worker (after commit)."""
    with transaction.atomic():
        job = store_import_job(user=user, upload=upload, valid_rows_only=valid_rows_only)
        transaction.on_commit(lambda: enqueue_import(job.pk))
    return job


def enqueue_import(job_id: int) -> None:
    from hazards.jobs import import_ledger

    import_ledger.enqueue(job_id)


def run_ledger_import(job: ImportJob, progress: Progress | None = None) -> ImportJob:
    """Run a waiting ledger job as its uploader (their scope decides which rows are valid)."""
    return run_import(job, HazardLedger(job.created_by), progress)


def import_file(
    path: str, *, user: User, valid_rows_only: bool = False, progress: Progress | None = None
) -> ImportJob:
    """The same job from a file on disk, run here and now (the command and the benchmark)."""
    from django.core.files import File

    with open(path, "rb") as handle:
        job = store_import_job(
            user=user,
            upload=File(handle, name=PurePath(path).name),
            valid_rows_only=valid_rows_only,
        )
    return run_ledger_import(job, progress)


# --- exports -----------------------------------------------------------------------------


def local_day(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


HAZARD_LEDGER_HEADERS = (
    gettext_lazy("Premises"),
    gettext_lazy("Credit code"),
    gettext_lazy("Grid"),
    gettext_lazy("Number"),
    gettext_lazy("Title"),
    gettext_lazy("Grade"),
    gettext_lazy("Found date"),
    gettext_lazy("Found by"),
    gettext_lazy("Deadline"),
    gettext_lazy("Rectification measures"),
    gettext_lazy("State"),
    gettext_lazy("Rectified date"),
    gettext_lazy("Verified by"),
    gettext_lazy("Closed date"),
)
INSPECTION_LEDGER_HEADERS = (
    gettext_lazy("Date"),
    gettext_lazy("Premises"),
    gettext_lazy("Credit code"),
    gettext_lazy("Checklist"),
    gettext_lazy("Inspector"),
    gettext_lazy("Score"),
    gettext_lazy("Items failed"),
    gettext_lazy("Hazards recorded"),
)


def hazard_ledger(user: User) -> QuerySet[Hazard]:
    return Hazard.objects.restrict(user, "view").select_related(
        "premises", "region", "found_by", "verified_by"
    )


def hazard_ledger_rows(hazards: QuerySet[Hazard]) -> Iterator[list[Any]]:
    yield [str(header) for header in HAZARD_LEDGER_HEADERS]
    grades, states = dict(HazardGrade.choices), dict(HazardState.choices)
    for hazard in hazards.iterator(chunk_size=2000):
        yield [
            plain_cell(value)
            for value in (
                hazard.premises.name,
                hazard.premises.credit_code,
                hazard.region.name,
                hazard.number,
                hazard.title,
                grades.get(hazard.grade, hazard.grade),
                local_day(hazard.found_at),
                person(hazard.found_by),
                deadline_day(hazard.rectify_by),
                hazard.rectification_measures,
                states.get(hazard.state, hazard.state),
                local_day(hazard.rectified_at),
                person(hazard.verified_by),
                local_day(hazard.closed_at),
            )
        ]


def deadline_day(due: dt.datetime | None) -> str:
    """A deadline ending at 24:00 is shown as that day (not as the next day's 00:00)."""
    if due is None:
        return ""
    local = timezone.localtime(due)
    day = local.date() - dt.timedelta(days=1) if local.time() == dt.time() else local.date()
    return day.isoformat()


def inspection_ledger(user: User) -> QuerySet[Inspection]:
    return (
        Inspection.objects.restrict(user, "view")
        .select_related("premises", "template", "inspector")
        .annotate(hazards_recorded=Count("hazards"))
        .order_by("-started_at", "-pk")
    )


def inspection_ledger_rows(inspections: QuerySet[Inspection]) -> Iterator[list[Any]]:
    yield [str(header) for header in INSPECTION_LEDGER_HEADERS]
    for inspection in inspections.iterator(chunk_size=2000):
        when = inspection.started_at or inspection.completed_at
        yield [
            plain_cell(value)
            for value in (
                local_day(when) if when else (inspection.planned_on or ""),
                inspection.premises.name,
                inspection.premises.credit_code,
                inspection.template.name,
                person(inspection.inspector),
                float(inspection.score) if inspection.score is not None else "",
                inspection.failed_count,
                getattr(inspection, "hazards_recorded", 0),
            )
        ]
