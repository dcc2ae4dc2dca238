"""Administrator-kept calendar data: years and single days that extend or override the package.

The State Council publishes the next year's holidays each November or December; until a
release of `chinese-calendar` carries them, an administrator enters them here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days are entered in full below."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The State Council notice, e.g. 国办发明电〔2026〕7号."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One date that is a rest day (official holiday) or a working day (调休 make-up day).

    Overrides the package for that date; for a year the package lacks, these rows are the data.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("On for a make-up working day, off for a holiday.")
    )
    name = models.CharField(_("name"), max_length=64, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()
