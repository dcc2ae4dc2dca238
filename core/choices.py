"""Choice classes: value, translated label and the colour used on badges."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ColouredChoices(models.TextChoices):
    """TextChoices whose members may carry a colour for badges (see `colour_of`)."""

    @classmethod
    def colour_of(cls, value: str) -> str:
        return getattr(cls, "COLOURS", {}).get(value, "secondary")


class RegionLevel(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    VILLAGE = "village", _("Village / community")
    GRID = "grid", _("Grid")


REGION_LEVEL_ORDER = [level.value for level in RegionLevel]


class PremisesStatus(ColouredChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    SEALED = "sealed", _("Sealed")
    CLOSED = "closed", _("Closed")


PremisesStatus.COLOURS = {  # type: ignore[attr-defined]
    "operating": "success",
    "suspended": "warning",
    "sealed": "danger",
    "closed": "dark",
}


class ResponsibilityKind(models.TextChoices):
    # DESIGN.md §5: three assignments per premises, each with validity dates.
    TERRITORIAL = "territorial", _("Territorial")
    REGULATOR = "regulator", _("Sector regulator")
    LICENSING = "licensing", _("Licensing authority")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    # A protected record was shown (a complainant's identity: Letters and Visits Regs Art. 46).
    VIEW = "view", _("Viewed")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    ZH_HANT = "zh-hant", "繁體中文"
    EN = "en", "English"
