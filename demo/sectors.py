"""What the premises of each sector look like: how common, how named, which licences they hold.

Name templates use {county}, {place} (township), {village}, {brand} and {n} (a Chinese
ordinal); the suffix matches the sector (建材有限公司, 小学, KTV …), as the county's registers do.
"""

from __future__ import annotations

from dataclasses import dataclass

# Credit-code prefixes (GB 32100 positions 1-2): 91 enterprise, 92 individual business,
# 12 public institution (事业单位), 52 private non-enterprise unit (民办非企业单位).
ENTERPRISE, INDIVIDUAL, INSTITUTION, NON_PROFIT = "91", "92", "12", "52"


@dataclass(frozen=True)
class SectorProfile:
    sector: str
    weight: float
    names: tuple[str, ...]
    prefixes: tuple[str, ...] = (ENTERPRISE,)
    licences: tuple[tuple[str, float], ...] = ()  # (licence type code, share holding one)


PROFILES: tuple[SectorProfile, ...] = (
    SectorProfile(
        "CROWD-MALL",
        9,
        (
            "{place}{brand}购物广场",
            "{brand}超市",
            "{place}农贸市场",
            "{brand}百货商店",
            "{village}{brand}便利店",
        ),
        (ENTERPRISE, INDIVIDUAL),
        (("FOOD-TRADE", 0.6),),
    ),
    SectorProfile(
        "CROWD-HOTEL",
        6,
        ("{brand}大酒店", "{place}{brand}宾馆", "{brand}快捷酒店", "{village}{brand}农家乐"),
        (ENTERPRISE, INDIVIDUAL),
        (("SPECIAL-TRADE", 0.8),),
    ),
    SectorProfile(
        "CROWD-HOSP",
        3,
        ("{brand}诊所", "{brand}口腔门诊部", "{place}{brand}医院", "{village}卫生室"),
        (NON_PROFIT, INSTITUTION),
        (("MEDICAL", 1.0),),
    ),
    SectorProfile(
        "CROWD-CARE",
        2,
        ("{place}敬老院", "{brand}颐养中心", "{village}居家养老服务中心"),
        (NON_PROFIT,),
    ),
    SectorProfile(
        "ROAD-PASS",
        1,
        ("{county}{brand}客运有限公司", "{brand}出租汽车有限公司"),
        licences=(("ROAD-TRANSPORT", 1.0),),
    ),
    SectorProfile(
        "ROAD-FREIGHT",
        5,
        ("{place}{brand}物流有限公司", "{brand}货运有限公司", "{brand}运输服务部"),
        (ENTERPRISE, INDIVIDUAL),
        (("ROAD-TRANSPORT", 1.0),),
    ),
    SectorProfile(
        "ROAD-HAZMAT", 0.5, ("{brand}危险货物运输有限公司",), licences=(("ROAD-TRANSPORT", 1.0),)
    ),
    SectorProfile(
        "SCHOOL-KG",
        3,
        ("{place}{brand}幼儿园", "{place}中心幼儿园", "{village}幼儿园"),
        (NON_PROFIT, INSTITUTION),
        (("SCHOOL", 1.0),),
    ),
    SectorProfile(
        "SCHOOL-PRIM",
        2.5,
        ("{place}第{n}小学", "{place}中心小学", "{place}第{n}初级中学", "{village}小学"),
        (INSTITUTION,),
        (("SCHOOL", 1.0),),
    ),
    SectorProfile(
        "SCHOOL-VOC",
        0.3,
        ("{county}{brand}职业技术学校", "{county}第{n}职业中学"),
        (INSTITUTION, NON_PROFIT),
        (("SCHOOL", 1.0),),
    ),
    SectorProfile(
        "MINE-OPEN",
        0.8,
        ("{place}{brand}采石场", "{brand}石料有限公司"),
        licences=(("MINING", 1.0), ("SAFETY-PROD", 1.0)),
    ),
    SectorProfile(
        "MINE-UNDER",
        0.3,
        ("{brand}矿业有限公司",),
        licences=(("MINING", 1.0), ("SAFETY-PROD", 1.0)),
    ),
    SectorProfile(
        "MINE-TAIL", 0.1, ("{brand}矿业有限公司尾矿库",), licences=(("SAFETY-PROD", 1.0),)
    ),
    SectorProfile(
        "ENT-KTV",
        2,
        ("{brand}KTV", "{brand}量贩式KTV", "{brand}歌舞厅"),
        (ENTERPRISE, INDIVIDUAL),
        (("ENTERTAINMENT", 1.0),),
    ),
    SectorProfile(
        "ENT-GAME",
        1,
        ("{brand}电玩城", "{brand}游艺厅"),
        (ENTERPRISE, INDIVIDUAL),
        (("ENTERTAINMENT", 1.0),),
    ),
    SectorProfile(
        "ENT-NET",
        2,
        ("{brand}网咖", "{brand}网吧"),
        (ENTERPRISE, INDIVIDUAL),
        (("NET-CULTURE", 1.0),),
    ),
    SectorProfile(
        "FIREWORKS-WHOLE", 0.2, ("{county}{brand}烟花爆竹有限公司",), licences=(("FIREWORKS", 1.0),)
    ),
    SectorProfile(
        "FIREWORKS-RETAIL",
        2,
        ("{place}{brand}烟花爆竹零售点", "{village}{brand}烟花爆竹经营部"),
        (INDIVIDUAL,),
        (("FIREWORKS", 1.0),),
    ),
    SectorProfile(
        "CONSTR-BUILD",
        4,
        ("{brand}建筑工程有限公司", "{brand}建设集团有限公司", "{place}{brand}建筑安装有限公司"),
        licences=(("CONSTRUCTION", 1.0),),
    ),
    SectorProfile(
        "CONSTR-MUNI",
        1.5,
        ("{brand}市政工程有限公司", "{county}{brand}路桥工程有限公司"),
        licences=(("CONSTRUCTION", 1.0),),
    ),
    SectorProfile(
        "INDUSTRY-METAL",
        2,
        ("{brand}铸造有限公司", "{place}{brand}钢铁有限公司", "{brand}金属制品有限公司"),
    ),
    SectorProfile(
        "INDUSTRY-BUILDMAT",
        5,
        ("{place}{brand}建材有限公司", "{brand}水泥制品厂", "{brand}新型墙体材料有限公司"),
    ),
    SectorProfile(
        "INDUSTRY-MACH",
        6,
        ("{brand}机械制造有限公司", "{place}{brand}机电有限公司", "{brand}汽车配件厂"),
    ),
    SectorProfile(
        "INDUSTRY-LIGHT",
        8,
        (
            "{brand}食品有限公司",
            "{place}{brand}纸业有限公司",
            "{brand}家具有限公司",
            "{brand}塑料制品厂",
        ),
        licences=(("FOOD-PROD", 0.3),),
    ),
    SectorProfile(
        "INDUSTRY-TEXTILE",
        5,
        ("{brand}纺织有限公司", "{place}{brand}服饰有限公司", "{brand}印染有限公司"),
    ),
    SectorProfile(
        "CHEM-PROD",
        0.8,
        ("{brand}化工有限公司", "{county}{brand}精细化工有限公司"),
        licences=(("SAFETY-PROD", 1.0), ("DISCHARGE", 0.8)),
    ),
    SectorProfile(
        "CHEM-TRADE",
        2,
        ("{brand}化工贸易有限公司", "{place}{brand}加油站"),
        licences=(("HAZCHEM-TRADE", 1.0),),
    ),
    SectorProfile(
        "GAS-SUPPLY",
        0.8,
        ("{brand}燃气有限公司", "{place}{brand}液化气供应站"),
        licences=(("GAS", 1.0),),
    ),
    SectorProfile(
        "GAS-USER",
        14,
        (
            "{brand}餐馆",
            "{brand}饭店",
            "{place}{brand}酒家",
            "{brand}小吃店",
            "{village}{brand}面馆",
        ),
        (INDIVIDUAL, ENTERPRISE),
        (("FOOD-TRADE", 0.8),),
    ),
)
