"""Enforcement documents a regulator issues to a premises (Work Safety Law Arts 65, 70, 102,
113; Administrative Penalty Law for fines and hearings). Each is numbered, cites its legal
basis and renders to PDF; suspension, sealing and closure set the premises' status."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.models.scoped import AtPremises
from core.times import DeadlineField
from hazards.choices import EnforcementKind
from hazards.models.hazards import Hazard
from workflow.models import StatefulModel


class EnforcementAction(AtPremises, StatefulModel):
    number = models.CharField(_("document number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=EnforcementKind.choices)
    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="enforcement_actions",
    )  # fmt: skip
    facts = models.TextField(_("facts found"))
    legal_basis = models.TextField(_("legal basis"))
    requirements = models.TextField(_("requirements"), blank=True)
    deadline = DeadlineField(_("deadline"), null=True, blank=True)
    # Work Safety Law Art. 70: temporary suspension generally no longer than six months.
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, verbose_name=_("lifted by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("drafted"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")
        indexes = [
            models.Index(fields=["premises", "kind", "issued_at"], name="enforcement_premises"),
            models.Index(fields=["region", "state", "-created"], name="enforcement_grid"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:enforcementaction_detail", args=[self.pk])
