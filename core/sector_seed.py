"""The sector tree every installation starts with: the campaign sectors of DESIGN.md §5 first.

Administrators extend it in the UI; the seed migration only adds what is missing.
"""

from typing import Any

SECTOR_SEED: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "CROWD",
        "人员密集场所",
        (
            ("CROWD-MALL", "商场市场"),
            ("CROWD-HOTEL", "宾馆饭店"),
            ("CROWD-HOSP", "医疗机构"),
            ("CROWD-CARE", "养老机构"),
        ),
    ),
    (
        "ROAD",
        "道路运输",
        (
            ("ROAD-PASS", "道路旅客运输"),
            ("ROAD-FREIGHT", "道路货物运输"),
            ("ROAD-HAZMAT", "危险货物道路运输"),
        ),
    ),
    (
        "SCHOOL",
        "学校",
        (("SCHOOL-KG", "幼儿园"), ("SCHOOL-PRIM", "中小学"), ("SCHOOL-VOC", "职业院校")),
    ),
    (
        "MINE",
        "非煤矿山",
        (("MINE-OPEN", "露天矿山"), ("MINE-UNDER", "地下矿山"), ("MINE-TAIL", "尾矿库")),
    ),
    (
        "ENT",
        "娱乐场所",
        (
            ("ENT-KTV", "歌舞娱乐场所"),
            ("ENT-GAME", "游艺娱乐场所"),
            ("ENT-NET", "互联网上网服务场所"),
        ),
    ),
    (
        "FIREWORKS",
        "烟花爆竹经营",
        (("FIREWORKS-WHOLE", "烟花爆竹批发"), ("FIREWORKS-RETAIL", "烟花爆竹零售")),
    ),
    ("CONSTR", "建筑施工", (("CONSTR-BUILD", "房屋建筑工程"), ("CONSTR-MUNI", "市政基础设施工程"))),
    (
        "INDUSTRY",
        "工贸行业",
        (
            ("INDUSTRY-METAL", "冶金"),
            ("INDUSTRY-BUILDMAT", "建材"),
            ("INDUSTRY-MACH", "机械"),
            ("INDUSTRY-LIGHT", "轻工"),
            ("INDUSTRY-TEXTILE", "纺织"),
        ),
    ),
    ("CHEM", "危险化学品", (("CHEM-PROD", "危险化学品生产"), ("CHEM-TRADE", "危险化学品经营"))),
    ("GAS", "城镇燃气", (("GAS-SUPPLY", "燃气经营"), ("GAS-USER", "燃气使用单位"))),
)

CAMPAIGN_SECTOR_CODES = ("CROWD", "ROAD", "SCHOOL", "MINE", "ENT", "FIREWORKS", "CONSTR")


def seed_sectors(sector_model: Any) -> None:  # a migration's historical Sector
    """Add the seed sectors that are missing; usable with a migration's historical model."""
    for code, name, children in SECTOR_SEED:
        parent, _ = sector_model.objects.get_or_create(
            code=code, defaults={"name": name, "path": f"/{code}/", "depth": 0}
        )
        for child_code, child_name in children:
            sector_model.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": parent,
                    "path": f"{parent.path}{child_code}/",
                    "depth": 1,
                },
            )
