"""Supervision notices (督查督办): a supervisor presses a unit about any item; it must reply."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Department, Region
from core.models.scoped import Restricted
from core.scoping import Scope, within_paths
from core.times import DeadlineField
from workflow.choices import SupervisionState
from workflow.models.stateful import StatefulModel


class SupervisionNotice(Restricted, StatefulModel):
    number = models.CharField(_("number"), max_length=32, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    subject_label = models.CharField(_("item"), max_length=200)
    # The unit pressed: a department, a township (region), or both.
    department = models.ForeignKey(
        Department,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_notices",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_notices",
    )
    request = models.TextField(_("what is required"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"))
    reply_due = DeadlineField(_("reply due"))
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "pk"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        indexes = [
            models.Index(fields=["department", "state"], name="supervision_dept_state"),
            models.Index(fields=["region", "state"], name="supervision_region_state"),
            models.Index(fields=["content_type", "object_id"], name="supervision_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(region__isnull=False),
                name="supervision_has_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_label}"

    def get_absolute_url(self) -> str:
        return reverse("workflow:supervision_detail", args=[self.pk])

    @property
    def state_label(self) -> str:
        return str(SupervisionState(self.state).label)

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        """Notices to units of the viewer's regions or departments (both supervisor and unit)."""
        by_region = within_paths("region__path", scope.region_paths)
        by_department = Q(department__in=scope.department_ids)
        return by_region | by_department
