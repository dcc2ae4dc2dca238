"""Hazard ledgers (隐患台账): importing an enterprise's ledger from XLSX/CSV, and the hazard and
inspection ledgers officials download.

SAWS Order 16 Art. 10: a unit keeps a ledger of the hazards it finds and how each was
rectified; the import registers such a ledger's rows as hazards (source "import"), each at a
premises the importer answers for.

Writing: rows are written in blocks through the creation of `hazards.services.hazards`
(`build_hazard` per row, numbers reserved per block, `write_new_hazards` storing the block with
its rectification clocks and create entries), inside the caller's transaction. `ONE_BY_ONE`
switches the writer to `report_hazard` row by row (slower; same result), which the tests use
to check that both paths agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import (
    Count,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record_change, snapshot
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
from core.models import ImportJob, Premises, User
from core.observers import observed
from core.scoping import scope_of
from hazards.choices import HazardGrade, HazardSource, HazardState
from hazards.models import Hazard, Inspection
from hazards.services.hazards import (
    Place,
    build_hazard,
    hazard_numbers,
    place_of,
    report_hazard,
    write_new_hazards,
)
from workflow.calendar import end_of_day, local_date, local_zone

IMPORT_KIND = "hazard_ledger"
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
        place = place_of(premises)
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
        numbers = hazard_numbers([local_date(row.found_at).year for row in rows])
        hazards = [self.hazard(row, number) for row, number in zip(rows, numbers, strict=True)]
        write_new_hazards(hazards, at=timezone.now())
        return len(hazards)

    def hazard(self, row: LedgerRow, number: str) -> Hazard:
        """The row registered as report_hazard registers a hazard, then set to what the ledger
        records: its measures and, for a row already rectified or closed, that state and its
        dates (a date the ledger does not give stays empty rather than invented)."""
        hazard = build_hazard(
            place=row.place,
            number=number,
            source=HazardSource.IMPORT,
            title=row.title,
            found_at=row.found_at,
            found_by_id=self.user.pk,
            description=row.description,
            location=row.location,
            rectify_by=row.rectify_by,
            grade=row.grade,
        )
        hazard.rectification_measures = row.measures
        if row.state != HazardState.RECTIFYING:
            hazard.state, hazard.rectified_at, hazard.closed_at = (
                row.state, row.rectified_at, row.closed_at
            )  # fmt: skip
        return hazard

    def write_one_by_one(self, rows: Sequence[LedgerRow]) -> int:
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
        before = snapshot(hazard)
        template = self.hazard(row, hazard.number)
        for name in ("rectify_by", "rectification_measures", "state", "rectified_at", "closed_at"):
            setattr(hazard, name, getattr(template, name))
        if snapshot(hazard) != before:
            hazard.save()
            record_change(hazard, before)


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
    # hazards.jobs imports this module (the task runs run_ledger_import): a cycle.
    from hazards.jobs import import_ledger

    import_ledger.enqueue(job_id)


def run_ledger_import(job: ImportJob, progress: Progress | None = None) -> ImportJob:
    """Run a waiting ledger job as its uploader (their scope decides which rows are valid)."""
    return run_import(job, HazardLedger(job.created_by), progress)


def import_file(
    path: str, *, user: User, valid_rows_only: bool = False, progress: Progress | None = None
) -> ImportJob:
    """The same job from a file on disk, run here and now (the command and the benchmark)."""
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


def person(user: User | None) -> str:
    return user.display_name if user is not None else ""


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
