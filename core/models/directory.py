"""Regions, sectors, departments and licence types: the county's directory."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import RegionLevel
from core.models.scoped import Restricted, SharedReference
from core.models.tree import TreeNode
from core.scoping import Scope, within_paths


class Region(TreeNode):
    """City → county/district → township/street → village/community → grid."""

    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)

    class Meta(TreeNode.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def get_absolute_url(self) -> str:
        return reverse("core:region_detail", args=[self.pk])

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        subtree = within_paths("path", scope.region_paths)
        if action == "view":
            # Users see the regions above their own (breadcrumbs, the county's departments).
            return subtree | Q(code__in=scope.ancestor_codes())
        return subtree


class Sector(TreeNode):
    """Industry sectors, a configurable tree seeded with the campaign sectors (DESIGN.md §5)."""

    class Meta(TreeNode.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def get_absolute_url(self) -> str:
        return reverse("core:sector_detail", args=[self.pk])

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q()  # reference data shared by every region: permissions alone decide


class LicenceType(SharedReference):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:licencetype_detail", args=[self.pk])


class Department(Restricted):
    """A government department or office, belonging to the level of government of its region."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("regulated sectors"), blank=True, related_name="regulators"
    )
    lead_sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("sectors it leads"),
        blank=True,
        related_name="lead_regulators",
        help_text=_(
            "Among the regulated sectors, those where this department is the lead regulator."
        ),
    )
    licence_types = models.ManyToManyField(
        LicenceType, verbose_name=_("licences issued"), blank=True, related_name="issuers"
    )
    supervises_all = models.BooleanField(
        _("supervises all sectors"),
        default=False,
        help_text=_("Emergency management supervises work safety in every sector."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Letters and Visits Regulations 2022, Arts 35-36: a review of this department's opinion is
    # decided by its superior administrative organ, a re-review by that organ's superior.
    superior = models.ForeignKey(
        "self", verbose_name=_("superior organ"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="subordinates",
        help_text=_("The superior administrative organ: it reviews this department's opinions."),
    )  # fmt: skip

    class Meta:
        ordering = ["region__path", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:department_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.superior_id is not None and self.superior_id in self.subordinate_ids():
            raise ValidationError(
                {
                    "superior": _(
                        "A department cannot be its own superior, directly or through others."
                    )
                }
            )

    def subordinate_ids(self) -> set[int]:
        """Ids of this department and every department under it, through `superior`."""
        if self.pk is None:
            return set()
        found, frontier = {self.pk}, {self.pk}
        while frontier:
            frontier = set(
                Department.objects.filter(superior_id__in=frontier)
                .exclude(pk__in=found)
                .values_list("pk", flat=True)
            )
            found |= frontier
        return found

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        own_regions = within_paths("region__path", scope.region_paths)
        if action == "view":
            return (
                own_regions
                | Q(region__code__in=scope.ancestor_codes())
                | Q(pk__in=scope.department_ids)
            )
        return own_regions
