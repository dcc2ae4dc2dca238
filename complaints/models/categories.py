"""Matter categories: a configurable tree that routes a matter to the responsible unit by
category and region (DESIGN.md §6; the Open311 services are its leaves)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.choices import AttributeType, HotlineLimit
from core.models import Department, Region, Sector
from core.models.scoped import SharedReference
from core.models.tree import TreeNode
from core.scoping import Scope


class Category(TreeNode):
    description = models.CharField(_("description"), max_length=300, blank=True)
    # Routing by sector responsibility, as for premises (core.responsibilities).
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Route to the departments regulating this sector."),
    )  # fmt: skip
    hotline_limit = models.CharField(
        _("12345 limit"), max_length=32, choices=HotlineLimit.choices, blank=True,
        help_text=_("Empty: the parent's limit, else the general one."),
    )  # fmt: skip
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    public = models.BooleanField(
        _("offered to citizens"), default=True, help_text=_("Shown on the portal and in Open311.")
    )
    # Letters and Visits Regulations 2022, Arts 30 and 46: matters are confidential; a category
    # is published only when an administrator decides its matters may be read by anyone.
    published = models.BooleanField(
        _("published on Open311"), default=False,
        help_text=_("Its matters with a public summary are listed in Open311."),
    )  # fmt: skip

    class Meta:
        ordering = ["path"]
        verbose_name = _("matter category")
        verbose_name_plural = _("matter categories")

    def get_absolute_url(self) -> str:
        return reverse("complaints:category_detail", args=[self.pk])

    def hotline_kind(self, loaded: Mapping[int, Category] | None = None) -> str:
        """The 12345 limit this category runs: its own, else the nearest parent's, else the
        general one. `loaded` holds categories already read (parents are looked up there
        first)."""
        node: Category | None = self
        while node is not None:
            if node.hotline_limit:
                return node.hotline_limit
            parent_id = node.parent_id  # type: ignore[attr-defined]
            known = loaded.get(parent_id) if loaded and parent_id else None
            node = known or (node.parent if parent_id else None)  # type: ignore[assignment]
        return HotlineLimit.GENERAL.value

    def is_emergency(self, loaded: Mapping[int, Category] | None = None) -> bool:
        """Danger to life: the citizen is told to call 110 / 119 / 120, and a matter still sent
        runs the emergency limit and alerts the duty desk (DESIGN.md §6)."""
        return self.hotline_kind(loaded) == HotlineLimit.EMERGENCY

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q()  # reference data: everyone with the permission reads the whole tree


class CategoryRoute(SharedReference):
    """Matters of `category` (and its subcategories) in `region` (and below) go to `department`.
    The most specific category, then the most specific region, wins."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routes"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["category", "region"]
        verbose_name = _("category route")
        verbose_name_plural = _("category routes")
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="categoryroute_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:category_detail", args=[self.category_id])


class CategoryAttribute(SharedReference):
    """An extra question a category asks (an Open311 service-definition attribute)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="attributes"
    )
    code = models.SlugField(_("code"), max_length=50)
    description = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("answer type"), max_length=16, choices=AttributeType.choices)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category", "order", "code"]
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="categoryattribute_unique")
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("complaints:category_detail", args=[self.category_id])


class AttributeOption(SharedReference):
    attribute = models.ForeignKey(
        CategoryAttribute, verbose_name=_("question"), on_delete=models.CASCADE,
        related_name="options",
    )  # fmt: skip
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["attribute", "key"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [
            models.UniqueConstraint(fields=["attribute", "key"], name="attributeoption_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("complaints:categoryattribute_edit", args=[self.attribute_id])
