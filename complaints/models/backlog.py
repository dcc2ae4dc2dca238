"""Backlog cases (积案): overdue or repeated beyond a threshold, each with a responsible leader,
a resolution plan and a target date (DESIGN.md §6). The thresholds are versioned rules."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.choices import BacklogReason, BacklogState
from complaints.models.complaints import Complaint
from core.models import Department, Region, User
from core.models.scoped import Restricted
from core.scoping import Scope


class BacklogRule(models.Model):
    """When a complaint becomes a backlog case; a region may set its own version."""

    version = models.PositiveSmallIntegerField(_("version"), default=1)
    jurisdiction = models.ForeignKey(
        Region, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    overdue_days = models.PositiveSmallIntegerField(
        _("days overdue"), help_text=_("Handling overdue by this many days or more.")
    )
    repeat_threshold = models.PositiveSmallIntegerField(
        _("repeats"), help_text=_("Brought again this many times or more.")
    )
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["-effective_from", "-version"]
        verbose_name = _("backlog rule")
        verbose_name_plural = _("backlog rules")

    def __str__(self) -> str:
        return f"{self.source} v{self.version}"


class BacklogCase(Restricted):
    complaint = models.OneToOneField(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="backlog"
    )
    rule = models.ForeignKey(
        BacklogRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=BacklogReason.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=BacklogState.choices, default=BacklogState.OPEN
    )
    # Copied from the complaint so the backlog list scopes with one filter.
    region = models.ForeignKey(
        Region, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("lead unit"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    responsible_leader = models.ForeignKey(
        User, verbose_name=_("responsible leader"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    plan = models.TextField(_("resolution plan"), blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    designated_at = models.DateTimeField(_("designated"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.TextField(_("how it was resolved"), blank=True)

    class Meta:
        ordering = ["state", "target_date", "id"]
        verbose_name = _("backlog case")
        verbose_name_plural = _("backlog cases")

    def __str__(self) -> str:
        return str(self.complaint)

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        where = Q(region_id__in=scope.region_ids)
        if scope.department_ids:
            where |= Q(department_id__in=scope.department_ids)
        return where
