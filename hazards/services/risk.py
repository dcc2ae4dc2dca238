"""Risk points (风险分级管控, DESIGN.md §5): scoring by LEC or the 5×5 matrix against the band
set in force, the assessed colour, the live colour raised by open hazards, and a region's
colour summary.

The allowed input values and the bands are the defaults of DESIGN.md §5; the bands are data
(RiskBandSet versions, seeded by migration 0002_seed_risk_bands), so a province's stricter
version applies from its effective date without a release.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change, snapshot
from core.models import Premises, Region, User
from core.observers import observed
from core.services import save_in_scope
from hazards.choices import (
    OPEN_HAZARD_STATES,
    RISK_ORDER,
    HazardGrade,
    RiskColour,
    RiskMethod,
)
from hazards.models import Hazard, RiskBand, RiskBandSet, RiskPoint


def _values(*numbers: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(number) for number in numbers)


# LEC (作业条件危险性评价法, Graham–Kinney) as commonly applied in China (DESIGN.md §5):
# L likelihood, E exposure frequency, C consequence.
LEC_VALUES: dict[str, tuple[Decimal, ...]] = {
    "likelihood": _values("10", "6", "3", "1", "0.5", "0.2", "0.1"),
    "exposure": _values("10", "6", "3", "2", "1", "0.5"),
    "consequence": _values("100", "40", "15", "7", "3", "1"),
}
# The 5×5 matrix: R = L × S, likelihood and severity each 1..5 (DESIGN.md §5).
MATRIX_VALUES: dict[str, tuple[Decimal, ...]] = {
    "likelihood": _values("5", "4", "3", "2", "1"),
    "severity": _values("5", "4", "3", "2", "1"),
}
ALLOWED_VALUES: dict[str, dict[str, tuple[Decimal, ...]]] = {
    RiskMethod.LEC: LEC_VALUES,
    RiskMethod.MATRIX: MATRIX_VALUES,
}
INPUT_FIELDS = ("likelihood", "exposure", "consequence", "severity")
INPUT_LABELS = {
    "likelihood": "L",
    "exposure": "E",
    "consequence": "C",
    "severity": "S",
}

# How far one open hazard linked to a point raises its live colour (DESIGN.md §5: "an open
# hazard linked to a risk point raises its live colour"). A general hazard is one level; a
# major hazard makes the point red, following the provincial dual-prevention guides that rate
# a place with an unrectified major hazard directly as a major risk. The raises do not add up:
# the live colour is the most severe of the assessed colour and each open hazard's raise, so
# three open general hazards still mean one level up. None means "straight to red".
RAISE_BY_GRADE: dict[str, int | None] = {HazardGrade.GENERAL: 1, HazardGrade.MAJOR: None}
COLOURS_BY_SEVERITY = sorted(RISK_ORDER, key=RISK_ORDER.__getitem__)  # blue … red
SEVERE_FIRST = list(reversed(COLOURS_BY_SEVERITY))


class RiskInputError(ValueError):
    """An input the method does not allow; `field` names it for the form or the API."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def plain_number(value: Decimal) -> str:
    """10.00 → "10", 0.50 → "0.5": how the values are written in the tables."""
    return format(value.normalize(), "f")


def _as_decimal(field: str, value: Any) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (ArithmeticError, ValueError):
        raise RiskInputError(
            field, _("%(input)s is not a number: %(value)s") % {"input": field, "value": value}
        ) from None


def checked_inputs(method: str, inputs: Mapping[str, Any]) -> dict[str, Decimal]:
    """The method's inputs as decimals, each one of the allowed values."""
    if method not in ALLOWED_VALUES:
        allowed = ", ".join(RiskMethod.values)
        raise RiskInputError(
            "method",
            _("Unknown method %(method)s; use one of %(allowed)s.")
            % {"method": method, "allowed": allowed},
        )
    checked: dict[str, Decimal] = {}
    for field, allowed_values in ALLOWED_VALUES[method].items():
        raw = inputs.get(field)
        label = INPUT_LABELS[field]
        if raw is None or raw == "":
            raise RiskInputError(
                field,
                _("%(label)s (%(input)s) is required for %(method)s.")
                % {"label": label, "input": field, "method": RiskMethod(method).label},
            )
        value = _as_decimal(field, raw)
        if value not in allowed_values:
            raise RiskInputError(
                field,
                _("%(label)s (%(input)s) must be one of %(allowed)s; %(value)s is not allowed.")
                % {
                    "label": label,
                    "input": field,
                    "allowed": ", ".join(plain_number(v) for v in allowed_values),
                    "value": plain_number(value),
                },
            )
        checked[field] = value
    return checked


def score(method: str, inputs: Mapping[str, Any]) -> Decimal:
    """D = L × E × C for LEC, R = L × S for the matrix (DESIGN.md §5); bad inputs raise
    RiskInputError naming the input."""
    product = Decimal(1)
    for value in checked_inputs(method, inputs).values():
        product *= value
    return product


def band_set_in_force(method: str, on: dt.date | None = None) -> RiskBandSet:
    """The newest version of the method's bands effective on `on` (default today)."""
    on = on or timezone.localdate()
    band_set = (
        RiskBandSet.objects.filter(method=method, effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("-version")
        .first()
    )
    if band_set is None:
        raise RiskInputError(
            "method",
            _("No %(method)s bands are in force on %(date)s; an administrator must add them.")
            % {"method": RiskMethod(method).label, "date": on.isoformat()},
        )
    return band_set


def colour_for(value: Decimal, band_set: RiskBandSet) -> str:
    """The colour whose band holds the score: score ∈ (above, up_to], upper bound inclusive
    (DESIGN.md §5: "160 < D ≤ 320 orange")."""
    for band in RiskBand.objects.filter(band_set=band_set):
        above_ok = band.above is None or value > band.above
        below_ok = band.up_to is None or value <= band.up_to
        if above_ok and below_ok:
            return band.colour
    raise RiskInputError(
        "score",
        _("Score %(score)s falls in no band of %(bands)s.")
        % {"score": plain_number(value), "bands": band_set},
    )


def raised_colour(colour: str, grade: str) -> str:
    steps = RAISE_BY_GRADE.get(grade, 1)
    if steps is None:
        return RiskColour.RED
    position = min(RISK_ORDER[colour] + steps, RISK_ORDER[RiskColour.RED])
    return COLOURS_BY_SEVERITY[position]


def live_colour_of(assessed: str, open_grades: list[str]) -> str:
    """The most severe of the assessed colour and each open hazard's raise (RAISE_BY_GRADE)."""
    candidates = [assessed, *(raised_colour(assessed, grade) for grade in open_grades)]
    return max(candidates, key=RISK_ORDER.__getitem__)


def open_hazard_grades(risk_point_id: int | None) -> list[str]:
    if risk_point_id is None:
        return []
    open_hazards = Hazard.objects.filter(risk_point_id=risk_point_id, state__in=OPEN_HAZARD_STATES)
    return list(open_hazards.values_list("grade", flat=True).distinct())


def refresh_live_colour(risk_point: RiskPoint) -> None:
    """Recompute the point's live colour from its assessed colour and its open hazards; audited
    when it changes. The hazard loop calls this after a transition opens or closes a hazard."""
    with transaction.atomic():
        point = RiskPoint.objects.select_for_update().get(pk=risk_point.pk)
        live = live_colour_of(point.assessed_colour, open_hazard_grades(point.pk))
        if live != point.live_colour:
            before = snapshot(point)
            point.live_colour = live
            with observed(point):
                point.save(update_fields=["live_colour"])
            record_change(point, before)
    risk_point.live_colour = live


CENTS = Decimal("0.01")


def stored_decimal(value: Decimal | None) -> Decimal | None:
    """As the column stores it (two places), so the audit's before and after compare alike."""
    return None if value is None else value.quantize(CENTS)


def _inputs_for_storage(method: str, checked: dict[str, Decimal]) -> dict[str, Decimal | None]:
    # A point re-assessed with the other method keeps no stale inputs of the first one.
    return {field: stored_decimal(checked.get(field)) for field in INPUT_FIELDS}


def _reassessed(
    stored: RiskPoint | None, method: str, inputs: dict[str, Decimal | None], band_set_id: int
) -> bool:
    if stored is None or stored.method != method or stored.band_set_id != band_set_id:
        return True
    return any(getattr(stored, field) != value for field, value in inputs.items())


def assess_risk_point(
    *,
    user: User,
    premises: Premises,
    name: str,
    method: str,
    inputs: Mapping[str, Any],
    location: str = "",
    hazard_factors: str = "",
    controls: str = "",
    risk_point: RiskPoint | None = None,
    on: dt.date | None = None,
) -> RiskPoint:
    """Create (risk_point=None) or update a risk point: score it with the bands in force, store
    the inputs, method and band version with the result (DESIGN.md §5), set the assessed and
    live colours; scope-checked and audited in one transaction."""
    checked = checked_inputs(method, inputs)
    value = score(method, checked)
    band_set = band_set_in_force(method, on)
    assessed = colour_for(value, band_set)
    point = risk_point if risk_point is not None else RiskPoint()
    # Compare with the stored row: forms and serializers have already copied new values onto
    # the instance they were given.
    stored = RiskPoint.objects.filter(pk=point.pk).first() if point.pk else None
    moved = stored is None or stored.premises_id != premises.pk
    stored_inputs = _inputs_for_storage(method, checked)
    if _reassessed(stored, method, stored_inputs, band_set.pk):
        point.assessed_at = timezone.now()
        point.assessed_by = user
    point.premises = premises
    for field, field_value in {
        "name": name,
        "location": location,
        "hazard_factors": hazard_factors,
        "controls": controls,
        "method": method,
        **stored_inputs,
        "score": stored_decimal(value),
        "band_set": band_set,
        "assessed_colour": assessed,
    }.items():
        setattr(point, field, field_value)
    if moved:
        # The grid and regulator follow the premises (hazards/models/base.py).
        point.department_id = None
        point.take_place_from_premises()
    point.live_colour = live_colour_of(assessed, open_hazard_grades(point.pk))

    def save() -> RiskPoint:
        point.save()
        return point

    return save_in_scope(user, point, save)


def subtree_ids(region: Region) -> list[int]:
    return list(Region.objects.filter(path__startswith=region.path).values_list("pk", flat=True))


def region_colour_summary(user: User, region: Region) -> dict[str, int]:
    """Risk points by live colour, most severe first, in the region's subtree and the user's
    scope (zeros included, so the table always has four columns)."""
    rows = (
        RiskPoint.objects.restrict(user, "view")
        .filter(region_id__in=subtree_ids(region))
        .values("live_colour")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["live_colour"]: row["count"] for row in rows}
    return {colour: counts.get(colour, 0) for colour in SEVERE_FIRST}


def child_colour_summaries(user: User, region: Region) -> list[tuple[Region, dict[str, int]]]:
    """The same counts per child region of `region`, in one grouped query over the subtree."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    rows = (
        RiskPoint.objects.restrict(user, "view")
        .filter(region_id__in=subtree_ids(region))
        .values("region__path", "live_colour")
        .annotate(count=Count("pk"))
        .order_by()
    )
    summaries: list[tuple[Region, dict[str, int]]] = [
        (child, dict.fromkeys(SEVERE_FIRST, 0)) for child in children
    ]
    for row in rows:
        for child, counts in summaries:
            if row["region__path"].startswith(child.path):
                counts[row["live_colour"]] += row["count"]
                break
    return summaries
