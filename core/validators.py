"""Validators for identifiers issued under Chinese national standards, coordinates, text and
the times a person enters."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.times import moment_text

# A time entered a few minutes ahead of the server (a phone's or a desk PC's clock) is clock
# skew, not the future.
CLOCK_SKEW = dt.timedelta(minutes=5)

# GB 32100-2015: the 31 characters allowed (no I, O, S, V, Z) and the weights of positions 1-17.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997: the organisation code inside the credit code (positions 9-17) has its own check.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_check_character(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def org_code_check_character(first8: str) -> str:
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_credit_code(value: str) -> None:
    """Unified social credit code (统一社会信用代码), GB 32100-2015."""
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="credit_code_length",
            params={"count": len(value)},
        )
    bad = sorted({char for char in value if char not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("Characters not allowed in a unified social credit code: %(chars)s"),
            code="credit_code_charset",
            params={"chars": "".join(bad)},
        )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character should be %(expected)s, not %(actual)s: "
                "please re-check the code."
            ),
            code="credit_code_check",
            params={"expected": expected, "actual": value[17]},
        )


@deconstructible
class CoordinateValidator:
    """Degrees within ±`bound`: latitude 90, longitude 180 (WGS 84, as Open311 GeoReport v2)."""

    def __init__(self, bound: int) -> None:
        self.bound = bound

    def __call__(self, value: Decimal | float | None) -> None:
        if value is None:
            return
        number = Decimal(str(value))
        if not number.is_finite() or abs(number) > self.bound:
            raise ValidationError(
                _("Must lie between -%(bound)s and %(bound)s degrees."),
                code="coordinate_range",
                params={"bound": self.bound},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CoordinateValidator) and other.bound == self.bound

    def __hash__(self) -> int:
        return hash(self.bound)


validate_latitude = CoordinateValidator(90)
validate_longitude = CoordinateValidator(180)

# Characters nobody sees: format characters (U+200B zero width space, U+FEFF byte order mark),
# spaces of every width (U+3000 ideographic space), controls, line and paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


def visible_text(value: str) -> str:
    """`value` without invisible characters at either end: "" when nothing visible is left, so
    a required title made of zero-width spaces is refused as empty."""
    start, end = 0, len(value)
    while start < end and unicodedata.category(value[start]) in INVISIBLE_CATEGORIES:
        start += 1
    while end > start and unicodedata.category(value[end - 1]) in INVISIBLE_CATEGORIES:
        end -= 1
    return value[start:end]


def in_future(moment: dt.datetime) -> bool:
    """Has `moment` not happened yet (beyond the clock skew)? A time a person records — a receipt,
    a delivery, a request, a finding — is a fact, and a fact in the future would start statutory
    windows that have not begun."""
    return _aware(moment) > timezone.now() + CLOCK_SKEW


def validate_not_future(moment: dt.datetime, field: str | None = None) -> None:
    """Refuse a person-entered time that has not happened yet, naming it (under `field`)."""
    if not in_future(moment):
        return
    shown = moment_text(_aware(moment))
    error = ValidationError(
        _("%(moment)s is in the future: a time that has not come yet cannot be recorded."),
        code="in_future",
        params={"moment": shown},
    )
    raise ValidationError({field: [error]}) if field else error


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
