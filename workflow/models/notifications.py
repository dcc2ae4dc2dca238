"""Notifications: an in-app inbox per user, with email and SMS copies by preference."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflow.choices import DeliveryState, EscalationLevel


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(_("topic"), max_length=64, help_text=_("e.g. escalation.overdue"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        _("email"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    sms_state = models.CharField(
        _("SMS"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    digested_at = models.DateTimeField(_("in digest"), null=True, blank=True)
    # A caller-chosen key (e.g. "escalation:41:3:user:7") so a retried job never sends twice.
    dedup_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How a user wants to hear; the in-app inbox always gets everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_immediately = models.BooleanField(_("email each notification"), default=True)
    daily_digest = models.BooleanField(_("daily digest email"), default=True)
    sms_from_level = models.PositiveSmallIntegerField(
        _("SMS from escalation level"),
        choices=EscalationLevel.choices,
        null=True,
        blank=True,
        default=EscalationLevel.UNIT_LEADER,
        help_text=_("Empty: never by SMS."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
