"""Valid, unique unified social credit codes (GB 32100-2015) for generated premises.

Positions: 1-2 registration authority and type, 3-8 the county's division code, 9-17 an
organisation code (GB 11714: eight characters and its own check), 18 the GB 32100 check.
The eight organisation digits are a bijection of a serial number (a multiplier coprime to
10^8), so codes never repeat yet do not look sequential. At a million codes the two
checksums dominate generation time, so the weighted sums are read from tables built once
for each half of the eight digits; `core.validators` stays the reference (see the tests).
"""

from __future__ import annotations

import random

from core.validators import CREDIT_CODE_CHARSET, CREDIT_CODE_WEIGHTS, ORG_CODE_WEIGHTS

ORG_CODE_SPACE = 10**8
ORG_CODE_MULTIPLIER = 7_654_321
HALF = 10**4


def half_sums(weights: tuple[int, ...]) -> list[int]:
    """Weighted digit sum of each four-digit number 0000-9999 under the four weights."""
    return [sum(int(d) * w for d, w in zip(f"{n:04d}", weights, strict=True)) for n in range(HALF)]


def org_check_character(total: int) -> str:
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


class CreditCodes:
    def __init__(self, rng: random.Random, division: str) -> None:
        self.division = division
        self.offset = rng.randrange(ORG_CODE_SPACE)
        self.org_high, self.org_low = (
            half_sums(ORG_CODE_WEIGHTS[:4]),
            half_sums(ORG_CODE_WEIGHTS[4:]),
        )
        credit_org_weights = CREDIT_CODE_WEIGHTS[8:16]
        self.credit_high = half_sums(credit_org_weights[:4])
        self.credit_low = half_sums(credit_org_weights[4:])
        self.value = {char: index for index, char in enumerate(CREDIT_CODE_CHARSET)}
        self.prefix_sums: dict[str, int] = {}

    def prefix_sum(self, prefix: str) -> int:
        """Weighted sum of positions 1-8 (authority, type and division), the same for many codes."""
        if prefix not in self.prefix_sums:
            head = prefix + self.division
            self.prefix_sums[prefix] = sum(
                self.value[c] * w for c, w in zip(head, CREDIT_CODE_WEIGHTS[:8], strict=True)
            )
        return self.prefix_sums[prefix]

    def code(self, prefix: str, serial: int) -> str:
        org = (serial * ORG_CODE_MULTIPLIER + self.offset) % ORG_CODE_SPACE
        high, low = divmod(org, HALF)
        org_check = org_check_character(self.org_high[high] + self.org_low[low])
        total = (
            self.prefix_sum(prefix)
            + self.credit_high[high]
            + self.credit_low[low]
            + self.value[org_check] * CREDIT_CODE_WEIGHTS[16]
        )
        check = CREDIT_CODE_CHARSET[(31 - total % 31) % 31]
        return f"{prefix}{self.division}{org:08d}{org_check}{check}"
