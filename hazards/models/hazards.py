"""Hazards (事故隐患) on the closed loop of DESIGN.md §5, with the major-hazard governance plan
and the interim controls kept while a major hazard is open."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Attachment, User
from core.models.scoped import AtPremises, PremisesScoped
from core.times import DeadlineField
from hazards.choices import HazardGrade, HazardSource, InterimControlKind
from hazards.models.checklists import ChecklistItem
from hazards.models.inspections import Inspection, InspectionResult
from workflow.models import StatefulModel


class Hazard(AtPremises, StatefulModel):
    number = models.CharField(_("number"), max_length=32, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=HazardSource.choices)
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="hazards",
    )  # fmt: skip
    # One hazard per failed item: a second click opens the first one instead.
    inspection_result = models.OneToOneField(
        InspectionResult, verbose_name=_("failed item"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="hazard",
    )  # fmt: skip
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    risk_point = models.ForeignKey(
        "hazards.RiskPoint", verbose_name=_("risk point"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="hazards",
    )  # fmt: skip
    complaint_reference = models.CharField(_("complaint reference"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location at the premises"), max_length=200, blank=True)
    grade = models.CharField(
        _("grade"), max_length=8, choices=HazardGrade.choices, default=HazardGrade.GENERAL
    )
    sub_grade = models.CharField(_("internal sub-grade"), max_length=32, blank=True)
    # SAWS Order 16 Art. 3 and the sector criteria: a matching criterion forces "major".
    major_criterion = models.ForeignKey(
        ChecklistItem, verbose_name=_("major-hazard criterion met"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    grade_reason = models.TextField(_("reason for the grade"), blank=True)
    found_at = models.DateTimeField(_("found"))
    found_by = models.ForeignKey(
        User, verbose_name=_("found by"), on_delete=models.PROTECT, related_name="+"
    )
    rectify_by = DeadlineField(_("rectify by"), null=True, blank=True)
    rectification_measures = models.TextField(_("rectification measures"), blank=True)
    rectification_note = models.TextField(_("rectification report"), blank=True)
    rectified_by = models.ForeignKey(
        User, verbose_name=_("rectified by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    verified_by = models.ForeignKey(
        User, verbose_name=_("verified by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, verbose_name=_("closed by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-found_at", "-pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [
            models.Index(fields=["region", "state", "-found_at", "-id"], name="hazard_grid_state"),
            models.Index(
                fields=["department", "state", "-found_at", "-id"], name="hazard_dept_state"
            ),
            models.Index(fields=["premises", "state"], name="hazard_premises_state"),
            models.Index(fields=["state", "rectify_by"], name="hazard_state_deadline"),
            models.Index(fields=["-found_at", "-id"], name="hazard_found"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_detail", args=[self.pk])

    def attachment_count(self, kind: str) -> int:
        return Attachment.objects.of(self, kind).count()


class GovernancePlan(PremisesScoped):
    """The six-part plan for a major hazard (SAWS Order 16 Art. 15)."""

    scope_via = "hazard__"

    hazard = models.OneToOneField(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="plan"
    )
    goals_and_tasks = models.TextField(_("goals and tasks"))
    methods_and_measures = models.TextField(_("methods and measures"))
    funds_and_materials = models.TextField(_("funds and materials"))
    responsible_body_and_people = models.TextField(_("responsible body and people"))
    deadline = models.DateField(_("deadline"))
    deadline_requirements = models.TextField(_("deadline and requirements"))
    safety_and_emergency = models.TextField(_("safety measures and emergency plan"))
    submitted_by = models.ForeignKey(
        User, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    reported_to_regulator_at = models.DateTimeField(
        _("reported to the regulator"), null=True, blank=True
    )
    reported_to_workers_congress_at = models.DateTimeField(
        _("reported to the workers' congress"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("governance plan")
        verbose_name_plural = _("governance plans")

    def __str__(self) -> str:
        return str(self.hazard)


class InterimControl(PremisesScoped):
    scope_via = "hazard__"

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="controls"
    )
    kind = models.CharField(_("measure"), max_length=20, choices=InterimControlKind.choices)
    description = models.TextField(_("description"), blank=True)
    in_place_from = models.DateTimeField(_("in place from"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["hazard", "in_place_from", "pk"]
        verbose_name = _("interim control")
        verbose_name_plural = _("interim controls")

    def __str__(self) -> str:
        return self.get_kind_display()
