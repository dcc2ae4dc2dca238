"""Leader reception days (领导接访日): the schedule, appointments, and the record of the day
linked to the complaints received."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.choices import AppointmentState
from complaints.models.complaints import Complaint, complaint_scope
from core.models import Region, User
from core.models.scoped import InRegion, Restricted
from core.scoping import Scope


class ReceptionDay(InRegion):
    leader = models.ForeignKey(
        User, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("for"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("appointments"), default=10)
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["-day", "starts"]
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")

    def __str__(self) -> str:
        return f"{self.day} {self.leader}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:receptionday_detail", args=[self.pk])


class ReceptionAppointment(Restricted):
    day = models.ForeignKey(
        ReceptionDay, verbose_name=_("reception day"), on_delete=models.CASCADE,
        related_name="appointments",
    )  # fmt: skip
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.TimeField(_("time"))
    state = models.CharField(
        _("state"), max_length=16, choices=AppointmentState.choices,
        default=AppointmentState.BOOKED,
    )  # fmt: skip

    class Meta:
        ordering = ["day", "at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(fields=["day", "complaint"], name="appointment_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.at}"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q(day__region_id__in=scope.region_ids) | complaint_scope(
            scope, "complaint__", action
        )


class ReceptionRecord(InRegion):
    scope_region = "day__region"

    day = models.OneToOneField(
        ReceptionDay, verbose_name=_("reception day"), on_delete=models.CASCADE,
        related_name="record",
    )  # fmt: skip
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("cases received"), related_name="receptions"
    )
    summary = models.TextField(_("what was discussed"))
    instructions = models.TextField(_("the leader's instructions"), blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-day__day"]
        verbose_name = _("reception record")
        verbose_name_plural = _("reception records")

    def __str__(self) -> str:
        return str(self.day)
