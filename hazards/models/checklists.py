"""Checklist templates: versioned per sector; each item names the clause it comes from."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Sector
from core.models.scoped import SharedReference


class ChecklistTemplate(SharedReference):
    """A sector's checklist. A new edition is a new version; inspections keep the one they ran."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="checklists"
    )
    source = models.CharField(_("sources"), max_length=500, help_text=_("Standards it follows"))
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal("80")
    )

    class Meta:
        ordering = ["sector__path", "code", "-version"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:checklisttemplate_detail", args=[self.pk])


class ChecklistItem(SharedReference):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE,
        related_name="items",
    )  # fmt: skip
    number = models.PositiveIntegerField(_("number"))
    section = models.CharField(_("section"), max_length=100, blank=True)
    text = models.TextField(_("requirement"))
    clause = models.CharField(_("source clause"), max_length=300)
    weight = models.DecimalField(_("score weight"), max_digits=5, decimal_places=2, default=1)
    # A major-hazard criterion: failing it forces the hazard to major unless an exception holds.
    major_criterion = models.BooleanField(_("major-hazard criterion"), default=False)
    major_condition = models.TextField(_("criterion condition"), blank=True)
    major_exceptions = models.TextField(_("criterion exceptions"), blank=True)
    default_rectify_days = models.PositiveIntegerField(_("default days to rectify"), default=7)

    class Meta:
        ordering = ["template", "number"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"
