"""Clocks: one row per legal deadline running on an item (DESIGN.md §2)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.times import DeadlineField
from workflow.choices import ClockState, EscalationLevel, EscalationStep
from workflow.clock_labels import clock_labels
from workflow.models.rules import ClockRule


class Clock(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=64)
    # The rule version that applied when the clock started; later versions never change it.
    rule = models.ForeignKey(
        ClockRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="clocks"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ClockState.choices, default=ClockState.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    due = DeadlineField(_("due"))
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Counted on weekends alone: the calendar of that year is not entered yet."),
    )
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("days paused"), default=0)
    paused_seconds = models.PositiveBigIntegerField(_("seconds paused"), default=0)
    extension_days = models.PositiveIntegerField(_("extension (days)"), default=0)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    extension_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extension approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    breached = models.BooleanField(_("breached"), default=False)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    escalation_step = models.PositiveSmallIntegerField(
        _("escalation step"), choices=EscalationStep.choices, default=EscalationStep.STARTED
    )
    # When the escalation scan must next look at this clock; NULL once nothing is left to do.
    next_escalation_at = models.DateTimeField(_("next escalation"), null=True, blank=True)

    class Meta:
        ordering = ["due"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            # The escalation scan reads only rows whose next step is due: a range scan on
            # (state = running, next_escalation_at <= now), already in the order it wants.
            # Not a partial index: SQLite cannot match a partial index to a bound parameter.
            models.Index(fields=["state", "next_escalation_at"], name="clock_escalation_due"),
            models.Index(fields=["state", "due"], name="clock_state_due"),
            models.Index(fields=["content_type", "object_id", "kind"], name="clock_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.label} #{self.object_id} → {self.due:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return clock_labels.of(self.kind, self.rule.label)

    @property
    def is_open(self) -> bool:
        return self.state in (ClockState.RUNNING, ClockState.PAUSED)


class ClockPause(models.Model):
    """One interval a clock did not run (e.g. hearing time, Letters and Visits Regs Art. 36)."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused"))
    ended_at = models.DateTimeField(_("resumed"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["clock", "started_at"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")

    def __str__(self) -> str:
        return f"{self.clock_id}: {self.started_at:%Y-%m-%d %H:%M} {self.reason}"


class EscalationEvent(models.Model):
    """One step a clock climbed: the append-only record that makes each step happen once."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="escalations")
    step = models.PositiveSmallIntegerField(_("step"), choices=EscalationStep.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=EscalationLevel.choices)
    happened_at = models.DateTimeField(_("at"))
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["happened_at"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["clock", "step"], name="escalation_once_per_step")
        ]
        indexes = [
            models.Index(
                fields=["happened_at"],
                name="escalation_to_notify",
                condition=Q(notified_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.clock_id}: {self.get_step_display()}"
