"""What every safety record shares: the premises it is about and who may see it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Department, Premises, Region
from core.scoping import Scope


def premises_matter_scope(scope: Scope, via: str = "") -> Q:
    """Rows (reached through the relation path `via`, e.g. "hazard__") at a premises the user
    answers for: by territory, by regulating department, or as the enterprise's officer."""
    where = Q(**{f"{via}region_id__in": scope.region_ids})
    if scope.department_ids:
        where |= Q(**{f"{via}department_id__in": scope.department_ids})
    if scope.premises_ids:
        where |= Q(**{f"{via}premises_id__in": scope.premises_ids})
    return where


class AtPremises(models.Model):
    """A record about a premises, with the territory and regulator copied from the premises'
    responsibility assignments when it is made, so scoping is a plain indexed filter:
    the territory (grid and everything above it), the regulating department, and the
    enterprise's own officers see it (DESIGN.md §5, three assignments)."""

    premises = models.ForeignKey(
        Premises, verbose_name=_("premises"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("regulator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        return premises_matter_scope(scope)

    def take_place_from_premises(self) -> None:
        """Copy the premises' grid and lead regulator (call before the first save)."""
        from core.responsibilities import lead_regulator_of

        self.region_id = self.premises.region_id
        if self.department_id is None:
            regulator = lead_regulator_of(self.premises)
            self.department_id = regulator.pk if regulator is not None else None
