"""The enterprise's quarterly and annual hazard statistics (SAWS Order 16 Art. 14): generated
from its ledger, signed by the principal, due by the 15th day of the next quarter and by
31 January."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models.scoped import AtPremises
from hazards.choices import PeriodKind


class EnterpriseStatistics(AtPremises):
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), default=0, help_text=_("0: the year"))
    due_on = models.DateField(_("due"))
    due_provisional = models.BooleanField(
        _("due date provisional"),
        default=False,
        help_text=_(
            "Counted without the year's official holidays; recounted when they are entered."
        ),
    )
    generated_at = models.DateTimeField(_("generated"))
    inspections = models.PositiveIntegerField(_("inspections"))
    hazards_found = models.PositiveIntegerField(_("hazards found"))
    major_found = models.PositiveIntegerField(_("major hazards found"))
    rectified = models.PositiveIntegerField(_("rectified"))
    open_at_end = models.PositiveIntegerField(_("open at the end of the period"))
    major_open_at_end = models.PositiveIntegerField(_("major open at the end of the period"))
    principal_name = models.CharField(_("principal"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        ordering = ["premises", "-year", "-quarter"]
        verbose_name = _("enterprise hazard statistics")
        verbose_name_plural = _("enterprise hazard statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["premises", "period_kind", "year", "quarter"],
                name="statistics_once_per_period",
            )
        ]

    def __str__(self) -> str:
        period = f"Q{self.quarter}" if self.quarter else ""
        return f"{self.premises} {self.year}{period}"
