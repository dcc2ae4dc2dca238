"""Versioned rule sets (DESIGN.md §4): every legal clock length is a row with its source clause."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Region
from workflow.choices import DayCount
from workflow.clock_labels import clock_labels


class RuleSet(models.Model):
    """One version of the rules one instrument sets, for a jurisdiction, over a period.

    An administrator adds a version (a province's stricter deadline, a new regulation) with
    new effective dates; clocks already running keep the rule they started with.
    """

    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    jurisdiction = models.ForeignKey(
        Region,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for national rules; a region for rules that apply only within it."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "jurisdiction", "version"], name="ruleset_code_version_unique"
            ),
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(jurisdiction__isnull=True),
                name="ruleset_national_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        if self.effective_until and self.effective_until < self.effective_from:
            raise ValidationError({"effective_until": _("The end comes before the start.")})

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day <= self.effective_until
        )


class ClockRule(models.Model):
    """How long one kind of clock runs, how it counts, and when it escalates."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="clock_rules"
    )
    kind = models.CharField(
        _("clock kind"), max_length=64, help_text=_("e.g. complaints.handle; machines name it.")
    )
    label = models.CharField(_("label"), max_length=200)
    length = models.PositiveIntegerField(
        _("length"), null=True, blank=True, help_text=_("Empty when each item sets its own due.")
    )
    unit = models.CharField(_("counted in"), max_length=16, choices=DayCount.choices)
    max_extension_days = models.PositiveIntegerField(
        _("longest extension (days)"), null=True, blank=True, help_text=_("Empty: no extension.")
    )
    source_clause = models.CharField(_("source clause"), max_length=300)
    warning_hours = models.PositiveIntegerField(_("warning window (hours before due)"), default=72)
    unit_leader_after_hours = models.PositiveIntegerField(
        _("to the unit leader (hours overdue)"), null=True, blank=True, default=0
    )
    supervising_office_after_hours = models.PositiveIntegerField(
        _("to the supervising office (hours overdue)"), null=True, blank=True, default=72
    )
    government_leader_after_hours = models.PositiveIntegerField(
        _("to the government leader (hours overdue)"), null=True, blank=True, default=168
    )

    class Meta:
        ordering = ["rule_set", "kind"]
        verbose_name = _("clock rule")
        verbose_name_plural = _("clock rules")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind"], name="clockrule_kind_unique")
        ]

    def __str__(self) -> str:
        return f"{self.display_label} ({self.rule_set})"

    @property
    def display_label(self) -> str:
        """The kind's name in the active language (workflow.clock_labels), else the stored one."""
        return clock_labels.of(self.kind, self.label)
