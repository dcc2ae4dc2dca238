"""Supervision listing (挂牌督办) of a major hazard: its own object with the 10-day review of an
application to resume, then de-listing (SAWS Order 16 Arts 21–23)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Region, User
from core.models.scoped import PremisesScoped
from hazards.choices import ListingLevel
from hazards.models.hazards import Hazard
from workflow.models import StatefulModel


class HazardListing(PremisesScoped, StatefulModel):
    scope_via = "hazard__"

    number = models.CharField(_("number"), max_length=32, unique=True)
    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, related_name="listings"
    )
    level = models.CharField(_("supervising level"), max_length=8, choices=ListingLevel.choices)
    office = models.CharField(_("supervising office"), max_length=100)
    listed_on = models.DateField(_("listed on"))
    public_notice = models.TextField(_("public notice"), blank=True)
    deadline = models.DateField(_("deadline"))
    listed_by = models.ForeignKey(
        User, verbose_name=_("listed by"), on_delete=models.PROTECT, related_name="+"
    )
    resumption_application = models.TextField(_("application to resume"), blank=True)
    resumption_applied_at = models.DateTimeField(_("applied to resume"), null=True, blank=True)
    review_note = models.TextField(_("on-site review"), blank=True)
    reviewed_by = models.ForeignKey(
        User, verbose_name=_("reviewed by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    delisted_at = models.DateTimeField(_("de-listed"), null=True, blank=True)
    delisted_by = models.ForeignKey(
        User, verbose_name=_("de-listed by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-listed_on", "-pk"]
        verbose_name = _("hazard listing")
        verbose_name_plural = _("hazard listings")
        constraints = [
            # One live listing per hazard; a de-listed one may be followed by a new listing.
            models.UniqueConstraint(
                fields=["hazard"],
                condition=~Q(state="delisted"),
                name="one_live_listing_per_hazard",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.hazard.title}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazardlisting_detail", args=[self.pk])

    @property
    def region(self) -> Region:
        return self.hazard.region
