"""Risk points (风险分级管控): scored by LEC or the 5×5 matrix against versioned bands; four
colours; an open hazard linked to a point raises its live colour (DESIGN.md §5)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.models.scoped import AtPremises, SharedReference
from hazards.choices import RiskColour, RiskMethod


class RiskBandSet(SharedReference):
    """One version of the bands for one method. Provinces add their own versions."""

    method = models.CharField(_("method"), max_length=8, choices=RiskMethod.choices)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)

    class Meta:
        ordering = ["method", "-version"]
        verbose_name = _("risk band set")
        verbose_name_plural = _("risk band sets")
        constraints = [
            models.UniqueConstraint(fields=["method", "version"], name="risk_band_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RiskBand(SharedReference):
    """score in (above, up_to] — `above` None means no lower bound, `up_to` None no upper."""

    band_set = models.ForeignKey(
        RiskBandSet, verbose_name=_("band set"), on_delete=models.CASCADE, related_name="bands"
    )
    colour = models.CharField(_("colour"), max_length=8, choices=RiskColour.choices)
    above = models.DecimalField(_("above"), max_digits=8, decimal_places=2, null=True, blank=True)
    up_to = models.DecimalField(
        _("up to and including"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["band_set", "up_to"]
        verbose_name = _("risk band")
        verbose_name_plural = _("risk bands")
        constraints = [
            models.UniqueConstraint(fields=["band_set", "colour"], name="risk_band_colour_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()}: ({self.above}, {self.up_to}]"


class RiskPoint(AtPremises):
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hazard_factors = models.TextField(_("hazard factors"), blank=True)
    controls = models.TextField(_("control measures"), blank=True)
    method = models.CharField(_("method"), max_length=8, choices=RiskMethod.choices)
    # Inputs as entered: LEC uses likelihood, exposure, consequence; the matrix likelihood,
    # severity. Decimal: L may be 0.5, 0.2 or 0.1.
    likelihood = models.DecimalField(_("likelihood (L)"), max_digits=6, decimal_places=2)
    exposure = models.DecimalField(
        _("exposure (E)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    consequence = models.DecimalField(
        _("consequence (C)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    severity = models.DecimalField(
        _("severity (S)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2)
    band_set = models.ForeignKey(
        RiskBandSet, verbose_name=_("bands applied"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_colour = models.CharField(
        _("assessed colour"), max_length=8, choices=RiskColour.choices
    )
    live_colour = models.CharField(
        _("live colour"), max_length=8, choices=RiskColour.choices, db_index=True
    )
    assessed_at = models.DateTimeField(_("assessed"))
    assessed_by = models.ForeignKey(
        User, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["premises", "name", "pk"]
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        indexes = [models.Index(fields=["region", "live_colour"], name="riskpoint_grid_colour")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hazards:riskpoint_detail", args=[self.pk])
