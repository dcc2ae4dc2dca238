"""An inspection runs one checklist version at one premises; one result per item."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Attachment, User
from core.models.scoped import AtPremises, PremisesScoped
from hazards.choices import InspectionKind, Outcome
from hazards.models.campaigns import Campaign
from hazards.models.checklists import ChecklistItem, ChecklistTemplate
from workflow.models import StatefulModel


class Inspection(AtPremises, StatefulModel):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT,
        related_name="inspections",
    )  # fmt: skip
    kind = models.CharField(
        _("kind"), max_length=16, choices=InspectionKind.choices, default=InspectionKind.ROUTINE
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="inspections",
    )  # fmt: skip
    inspector = models.ForeignKey(
        User, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    representative_name = models.CharField(_("premises representative"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    failed_count = models.PositiveIntegerField(_("items failed"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["region", "state", "-started_at"], name="inspection_grid_state"),
            models.Index(fields=["inspector", "planned_on"], name="inspection_inspector_day"),
            models.Index(fields=["premises", "-started_at"], name="inspection_premises"),
        ]

    def __str__(self) -> str:
        return f"{self.premises} — {self.template.name}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:inspection_detail", args=[self.pk])

    def attachment_count(self, kind: str) -> int:
        return Attachment.objects.of(self, kind).count()


class InspectionResult(PremisesScoped):
    scope_via = "inspection__"

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT)
    outcome = models.CharField(_("outcome"), max_length=4, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        ordering = ["inspection", "item__number"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_outcome_display()}"
