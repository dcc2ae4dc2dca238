"""Premises at any scale, with their licences and derived responsibility assignments.

Rows are generated in Python in batches and inserted as tuples (demo.bulk). The three
assignments of DESIGN.md §5 are computed here with the same rules as
`core.responsibilities.derive_responsibilities` — which reads the database per premises and
is far too slow for a million rows — and a test checks both agree.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.db import connection

from core.choices import PremisesStatus, ResponsibilityKind
from core.models import Department, Licence, Premises, Region, Responsibility, Sector
from demo import names
from demo.bulk import TableWriter, db_date
from demo.credit_codes import CreditCodes
from demo.departments import COUNTY_DEPARTMENTS, Directory
from demo.places import COUNTY_DIVISION, Places
from demo.sectors import PROFILES, SectorProfile

# Generated content never reads the clock: the same seed gives the same rows on any day.
REGISTERED_FROM = datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
REGISTRATION_SPAN = 7 * 365 * 86_400  # seconds
LICENSED_FROM = datetime.date(2019, 1, 1)
ASSIGNED_FROM = datetime.date(2024, 1, 1)
STATUS_SHARES = (
    (PremisesStatus.OPERATING, 0.92),
    (PremisesStatus.SUSPENDED, 0.04),
    (PremisesStatus.SEALED, 0.01),
    (PremisesStatus.CLOSED, 0.03),
)
STATUS_THRESHOLDS = tuple(
    (status.value, cumulative)
    for (status, _), cumulative in zip(
        STATUS_SHARES, accumulate(share for _, share in STATUS_SHARES), strict=True
    )
)
TERRITORIAL = ResponsibilityKind.TERRITORIAL.value
REGULATOR = ResponsibilityKind.REGULATOR.value
LICENSING = ResponsibilityKind.LICENSING.value

PREMISES_FIELDS = (
    "id",
    "name",
    "credit_code",
    "sector_id",
    "region_id",
    "address",
    "status",
    "contact_name",
    "contact_phone",
    "created",
    "updated",
)
LICENCE_FIELDS = (
    "id",
    "premises_id",
    "licence_type_id",
    "number",
    "issued_by_id",
    "valid_from",
    "valid_until",
)
RESPONSIBILITY_FIELDS = (
    "id",
    "premises_id",
    "kind",
    "region_id",
    "department_id",
    "licence_id",
    "is_lead",
    "derived",
    "valid_from",
    "valid_until",
)


@dataclass(frozen=True)
class GridPlace:
    """What a premises name and address need to know about its grid."""

    grid: Region
    place: str
    village: str
    address_prefix: str
    jurisdiction: frozenset[str]  # region codes from the city down to the grid


def grid_places(places: Places) -> list[GridPlace]:
    result = []
    for grid in places.grids:
        township = places.township_of(grid)
        village = places.by_code[grid.path.strip("/").split("/")[3]]
        in_village = village.name if village.name.endswith("村") else ""
        result.append(
            GridPlace(
                grid,
                names.short_place(township.name),
                names.short_place(village.name),
                f"{names.COUNTY_NAME}{township.name}{in_village}",
                frozenset(grid.path.strip("/").split("/")),
            )
        )
    return result


@dataclass(frozen=True)
class Regulator:
    department_id: int
    region_code: str
    sector_codes: frozenset[str]
    lead_codes: frozenset[str]


class RegulatorPlan:
    """Sector regulators of a premises, as derive_responsibilities would find them."""

    def __init__(self) -> None:
        departments = Department.objects.select_related("region").prefetch_related(
            "sectors", "lead_sectors"
        )
        self.regulators = [
            Regulator(
                d.pk,
                d.region.code,
                frozenset(s.code for s in d.sectors.all()),
                frozenset(s.code for s in d.lead_sectors.all()),
            )
            for d in departments.order_by("pk")
        ]
        self.sector_paths = {
            s.pk: frozenset(s.path.strip("/").split("/")) for s in Sector.objects.all()
        }
        self._cache: dict[tuple[int, int], list[tuple[int, bool]]] = {}

    def for_premises(self, sector_id: int, place: GridPlace) -> list[tuple[int, bool]]:
        key = (sector_id, place.grid.pk)
        if key not in self._cache:
            self._cache[key] = self._compute(self.sector_paths[sector_id], place.jurisdiction)
        return self._cache[key]

    def _compute(self, sector_codes: frozenset[str], jurisdiction: frozenset[str]) -> list:
        found = [
            r
            for r in self.regulators
            if r.region_code in jurisdiction and r.sector_codes & sector_codes
        ]
        leads = {r.department_id for r in found if r.lead_codes & sector_codes}
        if not leads and len(found) == 1:
            leads = {found[0].department_id}
        return [(r.department_id, r.department_id in leads) for r in found]


@dataclass
class Batch:
    premises: list[tuple[Any, ...]] = field(default_factory=list)
    licences: list[tuple[Any, ...]] = field(default_factory=list)
    responsibilities: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class IdCounters:
    premises: int
    licence: int
    responsibility: int


def licence_issuers(directory: Directory) -> dict[str, int]:
    """Licence type code → the county department issuing it."""
    return {
        licence_code: directory.departments[spec.code].pk
        for spec in COUNTY_DEPARTMENTS
        for licence_code in spec.licence_types
    }


class PremisesFactory:
    """Generates premises rows one batch at a time from a single random stream.

    This loop runs a million times at scale, so it draws with `pick` (one `random()` call)
    rather than `Random.choice`, and adapts dates to the database once, not per row.
    """

    def __init__(
        self, rng: random.Random, places: Places, directory: Directory, ids: IdCounters
    ) -> None:
        self.rng = rng
        self.random = rng.random
        # Grids and sectors come from streams of their own, drawn a batch at a time; any
        # batch size then yields the same premises.
        self.grid_draws = random.Random(rng.random())
        self.sector_draws = random.Random(rng.random())
        self.ids = ids
        self.serial = 0
        self.places = grid_places(places)
        self.place_weights = list(accumulate(self._grid_weight(p) for p in self.places))
        self.profile_weights = list(accumulate(p.weight for p in PROFILES))
        self.sector_ids = {s.code: s.pk for s in Sector.objects.all()}
        self.credit_codes = CreditCodes(rng, COUNTY_DIVISION)
        self.regulators = RegulatorPlan()
        self.issuers = licence_issuers(directory)
        self.licence_types = {code: t.pk for code, t in directory.licence_types.items()}
        self.ordinals = [names.chinese_ordinal(n) for n in range(1, 13)]
        self.assigned_from = db_date(ASSIGNED_FROM)
        self.dates: dict[datetime.date, Any] = {}
        self.stamp = datetime_adapter()

    def _grid_weight(self, place: GridPlace) -> float:
        # Town seats and streets hold more businesses per grid than the villages.
        urban = not place.address_prefix.endswith("村")
        return (3.0 if urban else 1.0) * self.rng.uniform(0.5, 1.5)

    def pick(self, options: Sequence[Any]) -> Any:
        return options[int(self.random() * len(options))]

    def db_date(self, day: datetime.date) -> Any:
        if day not in self.dates:
            self.dates[day] = db_date(day)
        return self.dates[day]

    def batch(self, count: int) -> Batch:
        batch = Batch()
        places = self.grid_draws.choices(self.places, cum_weights=self.place_weights, k=count)
        profiles = self.sector_draws.choices(PROFILES, cum_weights=self.profile_weights, k=count)
        for place, profile in zip(places, profiles, strict=True):
            self.add_premises(batch, place, profile)
        return batch

    def add_premises(self, batch: Batch, place: GridPlace, profile: SectorProfile) -> None:
        premises_id = self.ids.premises
        self.ids.premises += 1
        sector_id = self.sector_ids[profile.sector]
        batch.premises.append(self.premises_row(premises_id, sector_id, place, profile))
        self.add_responsibility(batch, premises_id, TERRITORIAL, place.grid.pk, None, None, True)
        for department_id, is_lead in self.regulators.for_premises(sector_id, place):
            self.add_responsibility(
                batch, premises_id, REGULATOR, None, department_id, None, is_lead
            )
        for licence_code, share in profile.licences:
            if self.random() < share:
                self.add_licence(batch, premises_id, licence_code)

    def premises_row(
        self, premises_id: int, sector_id: int, place: GridPlace, profile: SectorProfile
    ) -> tuple[Any, ...]:
        pick = self.pick
        name = pick(profile.names).format(
            county=names.COUNTY_SHORT,
            place=place.place,
            village=place.village,
            brand=pick(names.BRANDS),
            n=pick(self.ordinals),
        )
        self.serial += 1
        credit_code = self.credit_codes.code(pick(profile.prefixes), self.serial)
        address = f"{place.address_prefix}{pick(names.ROADS)}{int(self.random() * 999) + 1}号"
        registered = self.stamp(
            REGISTERED_FROM + datetime.timedelta(seconds=int(self.random() * REGISTRATION_SPAN))
        )
        contact = pick(names.SURNAMES) + pick(names.GIVEN_CHARS) + pick(names.GIVEN_CHARS)
        phone = f"{pick(names.MOBILE_PREFIXES)}{int(self.random() * 10**8):08d}"
        return (
            premises_id,
            name,
            credit_code,
            sector_id,
            place.grid.pk,
            address,
            self.status(),
            contact,
            phone,
            registered,
            registered,
        )

    def status(self) -> str:
        draw = self.random()
        for status, cumulative_share in STATUS_THRESHOLDS:
            if draw < cumulative_share:
                return status
        return PremisesStatus.OPERATING.value

    def add_licence(self, batch: Batch, premises_id: int, licence_code: str) -> None:
        licence_id = self.ids.licence
        self.ids.licence += 1
        valid_from = LICENSED_FROM + datetime.timedelta(days=int(self.random() * 6 * 365))
        valid_until = valid_from + datetime.timedelta(days=self.pick((3, 5)) * 365)
        issuer_id = self.issuers[licence_code]
        batch.licences.append(
            (
                licence_id,
                premises_id,
                self.licence_types[licence_code],
                f"{licence_code}-{valid_from.year}-{licence_id:07d}",
                issuer_id,
                self.db_date(valid_from),
                self.db_date(valid_until),
            )
        )
        self.add_responsibility(batch, premises_id, LICENSING, None, issuer_id, licence_id, False)

    def add_responsibility(
        self,
        batch: Batch,
        premises_id: int,
        kind: str,
        region_id: int | None,
        department_id: int | None,
        licence_id: int | None,
        is_lead: bool,
    ) -> None:
        row_id = self.ids.responsibility
        self.ids.responsibility += 1
        batch.responsibilities.append(
            (
                row_id,
                premises_id,
                kind,
                region_id,
                department_id,
                licence_id,
                is_lead,
                True,
                self.assigned_from,
                None,
            )
        )


def datetime_adapter() -> Callable[[datetime.datetime], Any]:
    """A UTC datetime as the database column takes it; what `adapt_datetimefield_value` does,
    decided once instead of per row (SQLite stores naive UTC text, PostgreSQL an aware value)."""
    if connection.vendor == "sqlite":
        return lambda moment: str(moment.replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value


WRITERS = (
    (Premises, PREMISES_FIELDS, "premises"),
    (Licence, LICENCE_FIELDS, "licences"),
    (Responsibility, RESPONSIBILITY_FIELDS, "responsibilities"),
)


def instances(
    model: type, fields: tuple[str, ...], rows: list[tuple[Any, ...]], related: Related
) -> Iterator:
    """Model instances for rows already inserted (only for per-row audit entries).

    Foreign keys come from the in-memory `related` objects: `str(responsibility)` names its
    holder, and one query per row for it would cost more than the whole insert.
    """
    for row in rows:
        instance = model(**dict(zip(fields, row, strict=True)))
        for attr, objects in related.items():
            target_id = getattr(instance, f"{attr}_id", None)
            if target_id is not None and target_id in objects:
                setattr(instance, attr, objects[target_id])
        yield instance


Related = dict[str, dict[int, Any]]


def related_objects(places: Places, directory: Directory) -> dict[type, Related]:
    regions = {r.pk: r for r in places.by_code.values()}
    departments = {d.pk: d for d in directory.all()}
    types = {t.pk: t for t in directory.licence_types.values()}
    return {
        Premises: {},
        Licence: {"licence_type": types, "issued_by": departments},
        Responsibility: {"region": regions, "department": departments},
    }


def table_writers() -> list[tuple[type, tuple[str, ...], str, TableWriter]]:
    return [(model, f, attr, TableWriter(model, f)) for model, f, attr in WRITERS]
