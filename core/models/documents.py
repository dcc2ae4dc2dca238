"""Numbered documents and file imports: shared by every area."""

from __future__ import annotations

from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models.directory import Region
from core.models.scoped import Restricted
from core.scoping import Scope


class DocumentSequence(models.Model):
    """The last number issued per prefix and year (e.g. 责改 2026 → 17): numbers are gap-free
    and never reused, because the row is incremented in the same transaction as the document."""

    prefix = models.CharField(max_length=32)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="document_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.last}"


def next_number(prefix: str, year: int) -> int:
    """The next number in the sequence; call inside the transaction that saves the document."""
    return next_numbers(prefix, year, 1)[0]


def next_numbers(prefix: str, year: int, count: int) -> range:
    """The next `count` consecutive numbers (a block for a bulk write); call inside the
    transaction that saves the documents.

    One statement (an upsert that returns the new value): the row stays locked until that
    transaction commits, so callers on a busy path take their numbers as late as they can.
    """
    table = connection.ops.quote_name(DocumentSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, %s) "
            f"ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + %s RETURNING last",
            [prefix, year, count, count],
        )
        last = int(cursor.fetchone()[0])
    return range(last - count + 1, last + 1)


class ImportJob(Restricted):
    """One uploaded XLSX/CSV file being validated and imported row by row."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Nothing imported: rows failed")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=50)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    valid_rows_only = models.BooleanField(_("import the valid rows"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    premises = models.ForeignKey(
        "core.Premises", verbose_name=_("premises"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows read"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    failed_rows = models.PositiveIntegerField(_("rows failed"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        "core.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        where = Q(region_id__in=scope.region_ids)
        if scope.premises_ids:
            where |= Q(premises_id__in=scope.premises_ids)
        return where


# For the API schema's enum names (civicdesk/settings.py ENUM_NAME_OVERRIDES).
ImportJobState = ImportJob.State


class ImportProblem(models.Model):
    """One thing wrong with one row: the report a user fixes their file from."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    message = models.CharField(_("problem"), max_length=500)

    class Meta:
        ordering = ["job", "row", "pk"]
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.message}"
