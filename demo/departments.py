"""The county's departments, the sectors they regulate (and lead) and the licences they issue.

The split follows the usual county practice ("管行业必须管安全"): emergency management supervises
every sector and leads industry, chemicals, mines and fireworks; each line bureau leads its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Department, LicenceType, Region, Sector
from demo import names
from demo.places import Places

# code → name; the prefix says who issues it in the demo county.
LICENCE_TYPES: tuple[tuple[str, str], ...] = (
    ("SAFETY-PROD", "安全生产许可证"),
    ("FIREWORKS", "烟花爆竹经营许可证"),
    ("HAZCHEM-TRADE", "危险化学品经营许可证"),
    ("ROAD-TRANSPORT", "道路运输经营许可证"),
    ("SCHOOL", "办学许可证"),
    ("ENTERTAINMENT", "娱乐经营许可证"),
    ("NET-CULTURE", "网络文化经营许可证"),
    ("CONSTRUCTION", "建筑施工许可证"),
    ("MINING", "采矿许可证"),
    ("GAS", "燃气经营许可证"),
    ("MEDICAL", "医疗机构执业许可证"),
    ("SPECIAL-TRADE", "特种行业许可证"),
    ("FOOD-TRADE", "食品经营许可证"),
    ("FOOD-PROD", "食品生产许可证"),
    ("DISCHARGE", "排污许可证"),
)


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    sectors: tuple[str, ...] = ()
    lead_sectors: tuple[str, ...] = ()
    licence_types: tuple[str, ...] = ()
    supervises_all: bool = False


COUNTY_DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "YJ",
        "应急管理局",
        sectors=("INDUSTRY", "CHEM", "MINE", "FIREWORKS"),
        lead_sectors=("INDUSTRY", "CHEM", "MINE", "FIREWORKS"),
        licence_types=("SAFETY-PROD", "FIREWORKS", "HAZCHEM-TRADE"),
        supervises_all=True,
    ),
    DepartmentSpec("JY", "教育局", ("SCHOOL",), ("SCHOOL",), ("SCHOOL",)),
    DepartmentSpec("JT", "交通运输局", ("ROAD",), ("ROAD",), ("ROAD-TRANSPORT",)),
    DepartmentSpec("ZJ", "住房和城乡建设局", ("CONSTR",), ("CONSTR",), ("CONSTRUCTION",)),
    DepartmentSpec("WL", "文化和旅游局", ("ENT",), ("ENT",), ("ENTERTAINMENT", "NET-CULTURE")),
    DepartmentSpec("ZR", "自然资源局", ("MINE",), (), ("MINING",)),
    DepartmentSpec("GX", "供销合作社", ("FIREWORKS",)),
    DepartmentSpec("SW", "商务局", ("CROWD-MALL",), ("CROWD-MALL",)),
    DepartmentSpec(
        "SJ",
        "市场监督管理局",
        ("CROWD-MALL", "CROWD-HOTEL", "INDUSTRY-LIGHT"),
        (),
        ("FOOD-TRADE", "FOOD-PROD"),
    ),
    DepartmentSpec(
        "GA", "公安局", ("CROWD-HOTEL", "ENT", "ROAD-HAZMAT"), ("CROWD-HOTEL",), ("SPECIAL-TRADE",)
    ),
    DepartmentSpec("XF", "消防救援大队", ("CROWD",)),
    DepartmentSpec("WJ", "卫生健康委员会", ("CROWD-HOSP",), ("CROWD-HOSP",), ("MEDICAL",)),
    DepartmentSpec("GXJ", "工业和信息化局", ("INDUSTRY",)),
    DepartmentSpec("CG", "城市管理局", ("GAS",), ("GAS",), ("GAS",)),
    DepartmentSpec("MZ", "民政局", ("CROWD-CARE",), ("CROWD-CARE",)),
    DepartmentSpec("HB", "生态环境分局", ("CHEM",), (), ("DISCHARGE",)),
    DepartmentSpec("SL", "水利局"),
    DepartmentSpec("NY", "农业农村局"),
    DepartmentSpec("RS", "人力资源和社会保障局"),
    DepartmentSpec("QX", "气象局"),
    DepartmentSpec("AW", "安全生产委员会办公室"),
    DepartmentSpec("XFJ", "信访局"),
    DepartmentSpec("RX", "12345政务服务便民热线中心"),
    DepartmentSpec("DC", "政府督查室"),
    DepartmentSpec("ZF", "人民政府"),
)
# The county government: the superior administrative organ of its bureaus and township offices
# (it reviews their opinions, Letters and Visits Regulations 2022, Art. 35); the city government
# is its own superior.
COUNTY_GOVERNMENT = "ZF"
CITY_GOVERNMENT = "SZF"


@dataclass
class Directory:
    """Departments by short code (county ones) and township office by township code."""

    departments: dict[str, Department]
    township_offices: dict[str, Department]
    licence_types: dict[str, LicenceType]

    def all(self) -> list[Department]:
        return [*self.departments.values(), *self.township_offices.values()]


def create_licence_types() -> dict[str, LicenceType]:
    types = [LicenceType(code=code, name=name) for code, name in LICENCE_TYPES]
    LicenceType.objects.bulk_create(types)
    return {t.code: t for t in types}


def county_department(spec: DepartmentSpec, county: Region, number: int) -> Department:
    return Department(
        code=f"{county.code[:6]}-{spec.code}",
        name=f"{names.COUNTY_NAME}{spec.name}",
        region=county,
        supervises_all=spec.supervises_all,
        phone=f"0570-{86120000 + number * 11}",
    )


def township_office(township: Region) -> Department:
    # The township's safety office answers for its territory; it regulates no sector itself.
    return Department(
        code=f"{township.code[:9]}-AJ",
        name=f"{township.name}应急管理办公室",
        region=township,
    )


def link_sectors(
    department: Department,
    spec: DepartmentSpec,
    sectors: dict[str, Sector],
    licence_types: dict[str, LicenceType],
) -> None:
    department.sectors.set([sectors[c] for c in spec.sectors])
    department.lead_sectors.set([sectors[c] for c in spec.lead_sectors])
    department.licence_types.set([licence_types[c] for c in spec.licence_types])


def city_government(city: Region) -> Department:
    return Department.objects.create(
        code=f"{city.code[:4]}-{CITY_GOVERNMENT}", name=f"{names.CITY_NAME}人民政府", region=city
    )


def create_departments(places: Places) -> Directory:
    licence_types = create_licence_types()
    sectors = {s.code: s for s in Sector.objects.all()}
    county = [
        county_department(spec, places.county, n) for n, spec in enumerate(COUNTY_DEPARTMENTS, 1)
    ]
    offices = [township_office(t) for t in places.townships]
    by_code = {spec.code: d for spec, d in zip(COUNTY_DEPARTMENTS, county, strict=True)}
    government = by_code[COUNTY_GOVERNMENT]
    government.superior = city_government(places.city)
    government.save()
    for department in [*county, *offices]:
        if department is not government:
            department.superior = government
    Department.objects.bulk_create([d for d in [*county, *offices] if d is not government])
    for department, spec in zip(county, COUNTY_DEPARTMENTS, strict=True):
        link_sectors(department, spec, sectors, licence_types)
    return Directory(
        {**by_code, CITY_GOVERNMENT: government.superior},
        {t.code: d for t, d in zip(places.townships, offices, strict=True)},
        licence_types,
    )
