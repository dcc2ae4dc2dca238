"""Inspection campaigns, who covers which grid, and the recurring schedule per premises."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Department, Premises, Region, Sector, User
from core.models.scoped import InRegion, Restricted, SharedReference
from core.scoping import Scope, within_paths


class Campaign(Restricted):
    """A campaign (专项整治) targets sectors in regions over dates."""

    name = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey(
        Department, verbose_name=_("organiser"), on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="campaigns",
        help_text=_("The campaign covers this region and everything in it."),
    )  # fmt: skip
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="campaigns")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hazards:campaign_detail", args=[self.pk])

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        # Seen by whoever's territory overlaps it: above (the organiser) or below (the grids).
        return within_paths("region__path", scope.region_paths) | Q(
            region__code__in=scope.ancestor_codes()
        )


class CampaignAssignment(InRegion):
    """An inspector assigned to a grid for a campaign."""

    scope_region = "grid"

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assignments"
    )
    grid = models.ForeignKey(Region, verbose_name=_("grid"), on_delete=models.PROTECT)
    inspector = models.ForeignKey(
        User, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign assignment")
        verbose_name_plural = _("campaign assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "grid", "inspector"], name="campaign_grid_inspector"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.grid}: {self.inspector}"


class InspectionFrequency(SharedReference):
    """How often the grid inspector visits a premises of a risk colour (DESIGN.md §5 defaults:
    every quarter, monthly for high-risk colours). Configuration, editable by admins."""

    risk_colour = models.CharField(_("risk colour"), max_length=8, unique=True)
    interval_days = models.PositiveIntegerField(_("interval (days)"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("inspection frequency")
        verbose_name_plural = _("inspection frequencies")

    def __str__(self) -> str:
        return f"{self.risk_colour}: {self.interval_days}"


class InspectionSchedule(Restricted):
    """The next routine visit a premises is due, kept current when an inspection completes or
    the premises' risk colour changes."""

    premises = models.OneToOneField(
        Premises, verbose_name=_("premises"), on_delete=models.CASCADE,
        related_name="inspection_schedule",
    )  # fmt: skip
    region = models.ForeignKey(Region, verbose_name=_("grid"), on_delete=models.PROTECT)
    interval_days = models.PositiveIntegerField(_("interval (days)"))
    last_inspected_on = models.DateField(_("last inspected"), null=True, blank=True)
    next_due_on = models.DateField(_("next inspection due"), db_index=True)

    class Meta:
        ordering = ["next_due_on", "pk"]
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")
        indexes = [models.Index(fields=["region", "next_due_on"], name="schedule_grid_due")]

    def __str__(self) -> str:
        return f"{self.premises}: {self.next_due_on}"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q(region_id__in=scope.region_ids) | Q(premises_id__in=scope.premises_ids)
