"""Abstract bases per scope kind: a model inherits how its rows are scoped instead of declaring
the restricted manager and a `scope_filter` itself (core.scoping explains `restrict`).

- `Restricted`: the restricted manager; the model states its own rule in `scope_filter`.
- `SharedReference`: reference data every region reads (permissions alone decide).
- `InRegion`: a record of a region, seen by the users whose regions hold it.
- `PremisesScoped` / `AtPremises`: a record about a premises, seen by its territory, its
  regulating department and the enterprise's own officers.

A base adds no columns (AtPremises' fields are the record's own), so migrations do not change.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import RestrictedQuerySet, Scope


class Restricted(models.Model):
    """Rows read through `objects.restrict(user, action)`, reaching what `scope_filter` says."""

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        raise NotImplementedError(f"{cls.__name__} must say which rows a scope reaches")


class SharedReference(Restricted):
    """Reference data shared by every region: everyone with the permission reads all of it."""

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q()


class InRegion(Restricted):
    """A record of a region (the relation `scope_region` names), seen by the users whose
    regions are it or above it."""

    scope_region: ClassVar[str] = "region"

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return Q(**{f"{cls.scope_region}_id__in": scope.region_ids})


def premises_matter_scope(scope: Scope, via: str = "") -> Q:
    """Rows (reached through the relation path `via`, e.g. "hazard__") at a premises the user
    answers for: by territory, by regulating department, or as the enterprise's officer."""
    where = Q(**{f"{via}region_id__in": scope.region_ids})
    if scope.department_ids:
        where |= Q(**{f"{via}department_id__in": scope.department_ids})
    if scope.premises_ids:
        where |= Q(**{f"{via}premises_id__in": scope.premises_ids})
    return where


class PremisesScoped(Restricted):
    """Scoped as the record about a premises it belongs to (`scope_via`, e.g. "hazard__")."""

    scope_via: ClassVar[str] = ""

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return premises_matter_scope(scope, via=cls.scope_via)


class AtPremises(PremisesScoped):
    """A record about a premises, with the territory and regulator copied from the premises'
    responsibility assignments when it is made, so scoping is a plain indexed filter:
    the territory (grid and everything above it), the regulating department, and the
    enterprise's own officers see it (DESIGN.md §5, three assignments)."""

    premises = models.ForeignKey(
        "core.Premises", verbose_name=_("premises"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("regulator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def take_place_from_premises(self) -> None:
        """Copy the premises' grid and lead regulator (call before the first save)."""
        from core.responsibilities import lead_regulator_of  # it reads these models

        self.region_id = self.premises.region_id
        if self.department_id is None:
            regulator = lead_regulator_of(self.premises)
            self.department_id = regulator.pk if regulator is not None else None
