"""Premises (enterprises and venues), their licences and their three responsibility assignments."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import PremisesStatus, ResponsibilityKind
from core.models.directory import Department, LicenceType, Region, Sector
from core.models.scoped import Restricted
from core.scoping import RestrictedQuerySet, Scope
from core.validators import validate_credit_code


class Premises(Restricted):
    name = models.CharField(_("name"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="premises"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region / grid"),
        on_delete=models.PROTECT,
        related_name="premises",
    )
    address = models.CharField(_("address"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PremisesStatus.choices,
        default=PremisesStatus.OPERATING,
        db_index=True,
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        indexes = [
            # name then id is the list order: a grid's page comes straight off this index.
            models.Index(
                fields=["region", "status", "name", "id"], name="premises_region_status_name_id"
            ),
            models.Index(fields=["sector", "name"], name="premises_sector_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:premises_detail", args=[self.pk])

    def refresh_derived(self) -> None:
        """Re-derive the responsibility assignments after the grid, sector or licences change."""
        # core.responsibilities imports core.models: a cycle.
        from core.responsibilities import derive_responsibilities

        derive_responsibilities(self)

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        by_region = Q(region_id__in=scope.region_ids)
        by_department = Q(
            Exists(
                Responsibility.objects.current().filter(
                    premises=OuterRef("pk"), department__in=scope.department_ids
                )
            )
        )
        by_assignment = Q(pk__in=scope.premises_ids)
        if action in ("add", "delete"):
            # Only the territory registers or removes premises; regulators and officers edit.
            return by_region
        return by_region | by_assignment | (by_department if scope.department_ids else Q(pk__in=[]))


class Licence(Restricted):
    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.CASCADE, related_name="licences"
    )
    licence_type = models.ForeignKey(
        LicenceType, verbose_name=_("licence type"), on_delete=models.PROTECT
    )
    number = models.CharField(_("number"), max_length=64)
    issued_by = models.ForeignKey(
        Department,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licences_issued",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["premises", "licence_type"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(fields=["licence_type", "number"], name="licence_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.licence_type} {self.number}"

    def get_absolute_url(self) -> str:
        return self.premises.get_absolute_url()

    def refresh_derived(self) -> None:
        self.premises.refresh_derived()

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q(premises__in=Premises.objects.filter(Premises.scope_filter(scope, "view")))


class ResponsibilityQuerySet(RestrictedQuerySet):
    def current(self, on: date | None = None) -> ResponsibilityQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=on), Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class Responsibility(models.Model):
    """Who answers for a premises: territory (grid), sector regulator, licensing authority."""

    premises = models.ForeignKey(
        Premises,
        verbose_name=_("premises"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ResponsibilityKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsibilities",
    )
    licence = models.ForeignKey(
        Licence,
        verbose_name=_("licence"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responsibilities",
    )
    is_lead = models.BooleanField(_("lead"), default=False)
    derived = models.BooleanField(
        _("derived"),
        default=True,
        help_text=_("Derived from the grid, sector or licence; re-derived when they change."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        ordering = ["premises", "kind", "-is_lead"]
        verbose_name = _("responsibility assignment")
        verbose_name_plural = _("responsibility assignments")
        indexes = [models.Index(fields=["department", "premises"], name="responsibility_dept")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="territorial", region__isnull=False)
                | Q(~Q(kind="territorial"), department__isnull=False),
                name="responsibility_has_holder",
            )
        ]

    def __str__(self) -> str:
        holder = self.region if self.kind == ResponsibilityKind.TERRITORIAL else self.department
        return f"{self.get_kind_display()}: {holder}"

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q(premises__in=Premises.objects.filter(Premises.scope_filter(scope, "view")))
