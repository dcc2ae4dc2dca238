"""Monthly aggregate tables (rollups): what the dashboards and periodic reports read.

Each row adds up the records that share one key (a month, an area, a unit, a sector or
category, ...). The place is the record's area — the township it lies in, or its own region when
that lies above the townships — and the time is a calendar month, so the tables' size follows
months × areas × units × kinds and stops growing with the records (with days and grids as keys,
a county's tables held about one row per record: ADR 0011).

The tables are derived data, kept current by the writes themselves (reports.rollups) and
recomputable at any time (`manage.py rebuild_rollups`), so their keys are plain integers rather
than foreign keys: 0 stands for "none" (a hazard in the shared-duty queue has no regulator yet,
a case not yet routed has no lead unit), which a unique key can match, where NULL could not.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models.scoped import InRegion


class Rollup(models.Model):
    """Key columns first, then the counted measures (integers that add up)."""

    KEYS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return " / ".join(str(getattr(self, key)) for key in self.KEYS)

    @classmethod
    def measures(cls) -> list[str]:
        keys = set(cls.KEYS)
        columns = [str(f.column) for f in cls._meta.concrete_fields if not f.primary_key]
        return [column for column in columns if column not in keys]


def count_field() -> models.IntegerField:
    return models.IntegerField(default=0)


HAZARD_MONTH_KEYS = ("month", "region_id", "department_id", "sector_id", "grade")


class HazardMonth(Rollup):
    """Hazards found in `month` (its first day, local time), and how far those hazards have come
    since: rectification reported, closed (销号), and the major ones still open."""

    KEYS = HAZARD_MONTH_KEYS

    month = models.DateField(_("month found"))
    region_id = models.IntegerField(_("area"))
    department_id = models.IntegerField(_("regulator"))
    sector_id = models.IntegerField(_("sector"))
    grade = models.CharField(_("grade"), max_length=16)
    found = count_field()
    rectified = count_field()
    closed = count_field()
    major_open = count_field()

    class Meta:
        verbose_name = _("hazards by month")
        verbose_name_plural = _("hazards by month")
        # The leader dashboard reads these tables (and the others here) for the user's scope.
        permissions = [("view_dashboard", _("Can view the leader dashboard"))]
        constraints = [models.UniqueConstraint(fields=HAZARD_MONTH_KEYS, name="hazardmonth_key")]


COMPLAINT_MONTH_KEYS = ("month", "region_id", "department_id", "category_id")


class ComplaintMonth(Rollup):
    """Cases received in `month`, with the raw counts every complaint rate is made of
    (complaints.services.rates.Counts) so a group's rates are the same figures as the rates
    page's."""

    KEYS = COMPLAINT_MONTH_KEYS

    month = models.DateField(_("month received"))
    region_id = models.IntegerField(_("area"))
    department_id = models.IntegerField(_("lead unit"))
    category_id = models.IntegerField(_("category"))
    cases = count_field()
    accepted = count_field()
    # No longer being worked on: answered, concluded, referred or not accepted.
    concluded = count_field()
    called = count_field()
    contacted = count_field()
    solved = count_field()
    graded = count_field()
    satisfied = count_field()
    basically_satisfied = count_field()
    first_contact = count_field()
    route_met = count_field()
    accepted_on_time = count_field()
    handle_met = count_field()
    completed_on_time = count_field()
    repeated = count_field()
    transfers = count_field()

    class Meta:
        verbose_name = _("cases by month")
        verbose_name_plural = _("cases by month")
        constraints = [
            models.UniqueConstraint(fields=COMPLAINT_MONTH_KEYS, name="complaintmonth_key")
        ]


# Open deadlines are counted by the ten minutes they fall due in: the dashboard reads at most
# that long a stretch of deadlines from the records themselves (reports.deadlines).
SLOT_MINUTES = 10
OPEN_DEADLINE_KEYS = (
    "kind", "due_day", "due_slot", "month", "region_id", "department_id", "group_id",
)  # fmt: skip


class OpenDeadline(Rollup):
    """Open work by the time slot it falls due (local date and ten-minute slot of its deadline)
    and a month (`month`: the month received for the on-time rates of a period, else the month
    due): whatever falls due before the current slot is overdue now, so overdue figures need no
    scan of the records but for the deadlines of the slot under way.

    Rows whose slot has passed are folded together (reports.deadlines.settle) under SETTLED_DAY,
    so the rows the dashboard reads stay as many as kinds × areas × units × groups (× months of
    arrival), however many records and however far back their deadlines go."""

    KEYS = OPEN_DEADLINE_KEYS

    kind = models.CharField(_("kind"), max_length=32)
    due_day = models.DateField(_("due"))
    # Minutes since local midnight // SLOT_MINUTES.
    due_slot = models.PositiveSmallIntegerField(_("time slot due"), default=0)
    month = models.DateField(_("month found or received"))
    region_id = models.IntegerField(_("area"))
    department_id = models.IntegerField(_("unit"))
    group_id = models.IntegerField(_("sector or category"))
    open = count_field()

    class Meta:
        verbose_name = _("open deadlines")
        verbose_name_plural = _("open deadlines")
        constraints = [models.UniqueConstraint(fields=OPEN_DEADLINE_KEYS, name="opendeadline_key")]
        # The dashboard reads the passed slots: the settled rows and today's, a short range.
        indexes = [models.Index(fields=["due_day", "due_slot"], name="opendeadline_due")]


RISK_COLOUR_KEYS = ("region_id", "department_id", "sector_id", "colour")


class RiskColourCount(Rollup):
    """Risk points by their live colour."""

    KEYS = RISK_COLOUR_KEYS

    region_id = models.IntegerField(_("area"))
    department_id = models.IntegerField(_("regulator"))
    sector_id = models.IntegerField(_("sector"))
    colour = models.CharField(_("colour"), max_length=8)
    points = count_field()

    class Meta:
        verbose_name = _("risk points by colour")
        verbose_name_plural = _("risk points by colour")
        constraints = [models.UniqueConstraint(fields=RISK_COLOUR_KEYS, name="riskcolourcount_key")]


def filed_report_path(report: FiledReport, filename: str) -> str:
    return f"reports/{report.year}/{filename}"


class FiledReport(InRegion):
    """A periodic report the worker made for an area once its period ended, kept as filed (the
    figures as they stood then). Reports made on demand are not kept."""

    kind = models.CharField(_("report"), max_length=16)
    cadence = models.CharField(_("cadence"), max_length=8)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("month or quarter"), default=1)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made"))
    title = models.CharField(_("title"), max_length=200)
    pdf = models.FileField(_("PDF"), upload_to=filed_report_path, max_length=255)
    xlsx = models.FileField(_("XLSX"), upload_to=filed_report_path, max_length=255)

    class Meta:
        ordering = ["-year", "-made_at"]
        verbose_name = _("filed report")
        verbose_name_plural = _("filed reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "cadence", "year", "number", "region"], name="filedreport_once"
            )
        ]

    def __str__(self) -> str:
        return self.title
