"""Callbacks and the rates computed from their raw answers (DESIGN.md §6)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.choices import CallbackSource, Satisfaction
from complaints.models.complaints import Complaint, ComplaintScoped
from core.models import Department, Region, User

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Callback(ComplaintScoped):
    """After the limit or on completion, someone other than the handling unit asks the
    complainant: reached? solved? how satisfied? (or the complainant rates on the portal)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="callbacks"
    )
    source = models.CharField(_("source"), max_length=16, choices=CallbackSource.choices)
    called_by = models.ForeignKey(
        User, verbose_name=_("called by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    caller_unit = models.ForeignKey(
        Department, verbose_name=_("caller's unit"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("when"))
    contacted = models.BooleanField(_("complainant reached"))
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=32, choices=Satisfaction.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.at:%Y-%m-%d}"


class RateFormula(models.Model):
    """How the three rates combine into a score, versioned (weights configurable, 30/35/35)."""

    version = models.PositiveSmallIntegerField(_("version"), default=1)
    jurisdiction = models.ForeignKey(
        Region, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    response_weight = models.DecimalField(
        _("response rate weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    resolution_weight = models.DecimalField(
        _("resolution rate weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    satisfaction_weight = models.DecimalField(
        _("satisfaction rate weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    basically_counts_as_satisfied = models.BooleanField(
        _("'basically satisfied' counts as satisfied"), default=True
    )
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["-effective_from", "-version"]
        verbose_name = _("rate formula")
        verbose_name_plural = _("rate formulas")

    def __str__(self) -> str:
        return f"{self.source} v{self.version}"
