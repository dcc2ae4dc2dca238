"""The demo county's region tree: city → county → townships → villages/communities → grids.

Codes follow the 12-digit administrative-division pattern (province, city, county, township,
village); grids, which have no national code, add `-NN` to their village's code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from core.choices import RegionLevel
from core.models import Region
from demo import names

# A prefecture number Zhejiang does not use, so the demo never looks like a real place.
CITY_CODE = "331200000000"
COUNTY_CODE = "331223000000"
COUNTY_DIVISION = COUNTY_CODE[:6]
FIRST_TOWNSHIP_NUMBER = {"street": 1, "town": 100, "township": 200}
URBAN_KINDS = {"street"}


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass
class Places:
    city: Region
    county: Region
    townships: list[Region]
    villages: list[Region]
    grids: list[Region]
    by_code: dict[str, Region] = field(default_factory=dict)

    def township_of(self, region: Region) -> Region:
        return self.by_code[region.path.strip("/").split("/")[2]]


def township_specs() -> list[RegionSpec]:
    counters = dict(FIRST_TOWNSHIP_NUMBER)
    specs = []
    for name, kind in names.TOWNSHIPS:
        number = counters[kind]
        counters[kind] += 1
        code = f"{COUNTY_DIVISION}{number:03d}000"
        specs.append(RegionSpec(code, name, RegionLevel.TOWNSHIP, COUNTY_CODE))
    return specs


def is_urban(township: RegionSpec) -> bool:
    return township.name.endswith("街道") or township.name == "城关镇"


def village_specs(rng: random.Random, township: RegionSpec) -> list[RegionSpec]:
    """Communities (codes 0xx) in urban townships, villages (2xx) elsewhere; names unique."""
    urban = is_urban(township)
    count = rng.randint(6, 9)
    seen: set[str] = set()
    specs: list[RegionSpec] = []
    while len(specs) < count:
        name = names.community_name(rng) if urban else names.village_name(rng)
        if name in seen:
            continue
        seen.add(name)
        number = len(specs) + (1 if urban else 201)
        specs.append(
            RegionSpec(f"{township.code[:9]}{number:03d}", name, RegionLevel.VILLAGE, township.code)
        )
    return specs


def grid_specs(rng: random.Random, village: RegionSpec) -> list[RegionSpec]:
    count = rng.randint(2, 3) if village.name.endswith("社区") else rng.randint(1, 3)
    return [
        RegionSpec(
            f"{village.code}-{n:02d}",
            f"{village.name}第{names.chinese_ordinal(n)}网格",
            RegionLevel.GRID,
            village.code,
        )
        for n in range(1, count + 1)
    ]


def region_specs(rng: random.Random) -> list[list[RegionSpec]]:
    """The tree level by level (parents before children), ready for bulk inserts."""
    city = RegionSpec(CITY_CODE, names.CITY_NAME, RegionLevel.CITY, None)
    county = RegionSpec(COUNTY_CODE, names.COUNTY_NAME, RegionLevel.COUNTY, CITY_CODE)
    townships = township_specs()
    villages = [v for t in townships for v in village_specs(rng, t)]
    grids = [g for v in villages for g in grid_specs(rng, v)]
    return [[city], [county], townships, villages, grids]


def insert_level(specs: list[RegionSpec], by_code: dict[str, Region]) -> list[Region]:
    regions = []
    for spec in specs:
        parent = by_code.get(spec.parent_code) if spec.parent_code else None
        path = f"{parent.path if parent else '/'}{spec.code}/"
        region = Region(
            code=spec.code,
            name=spec.name,
            level=spec.level,
            parent=parent,
            path=path,
            depth=path.count("/") - 2,
        )
        regions.append(region)
    Region.objects.bulk_create(regions)  # bulk_create skips save(): path and depth set above
    by_code.update((r.code, r) for r in regions)
    return regions


def create_places(rng: random.Random) -> Places:
    by_code: dict[str, Region] = {}
    levels = [insert_level(specs, by_code) for specs in region_specs(rng)]
    [city], [county], townships, villages, grids = levels
    return Places(city, county, townships, villages, grids, by_code)
