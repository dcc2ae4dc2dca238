"""Seed the matter categories, their Open311 questions, the rate formula and the backlog rule.

Categories are configuration: administrators add, rename and re-route them afterwards. This
migration writes version 1 only and never edits rows later (testing.seeds re-runs it after a
flush, so it must stay idempotent).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

E, U, G, C = "hotline.emergency", "hotline.utilities", "hotline.general", "hotline.complex"

# (code, name, hotline limit, sector code, children)
CATEGORIES = [
    ("EMERG", "紧急求助", E, None, [
        ("EMERG-DANGER", "危及人身安全的紧急情况", E, None),
    ]),
    ("UTIL", "水电气热", U, None, [
        ("UTIL-WATER", "供水", U, None),
        ("UTIL-POWER", "供电", U, None),
        ("UTIL-GAS", "燃气", U, "GAS"),
        ("UTIL-HEAT", "供暖", U, None),
    ]),
    ("SAFETY", "安全生产", G, None, [
        ("SAFETY-PREMISES", "生产经营单位安全隐患", G, None),
        ("SAFETY-FIREWORKS", "非法储存销售烟花爆竹", G, "FIREWORKS"),
        ("SAFETY-CROWD", "人员密集场所消防安全", G, "CROWD"),
    ]),
    ("BUILD", "城乡建设", G, None, [
        ("BUILD-SITE", "建筑工地安全与施工扰民", G, "CONSTR"),
        ("BUILD-HOUSING", "物业管理与住房保障", C, None),
    ]),
    ("CITY", "市容环境", G, None, [
        ("CITY-SANITATION", "环境卫生", G, None),
        ("CITY-NOISE", "噪声扰民", G, None),
        ("CITY-STALLS", "占道经营", G, None),
    ]),
    ("TRAFFIC", "交通运输", G, None, [
        ("TRAFFIC-ROAD", "道路与公共交通", G, None),
        ("TRAFFIC-TRANSPORT", "道路运输经营", G, "ROAD"),
    ]),
    ("EDU", "教育", G, None, [
        ("EDU-SCHOOL", "学校管理与校园安全", G, "SCHOOL"),
        ("EDU-FEES", "教育收费", C, None),
    ]),
    ("LABOUR", "劳动和社会保障", C, None, [
        ("LABOUR-WAGES", "拖欠工资", C, None),
        ("LABOUR-INSURANCE", "社会保险", C, None),
    ]),
    ("HEALTH", "医疗卫生", G, None, [
        ("HEALTH-MEDICAL", "医疗服务", G, "CROWD-HOSP"),
    ]),
]  # fmt: skip

# (category, code, question, datatype, required, [(key, name)])
ATTRIBUTES = [
    ("CITY-NOISE", "when", "噪声主要出现在什么时段？", "singlevaluelist", True,
     [("day", "白天"), ("night", "夜间（22:00—次日6:00）"), ("both", "全天")]),
    ("UTIL-WATER", "households", "大约影响多少户？", "number", False, []),
    ("UTIL-POWER", "households", "大约影响多少户？", "number", False, []),
    ("SAFETY-PREMISES", "premises_name", "单位名称（如知道）", "string", False, []),
    ("EMERG-DANGER", "people_at_risk", "现场是否有人员受困或受伤？", "singlevaluelist", True,
     [("yes", "是"), ("no", "否"), ("unknown", "不清楚")]),
]  # fmt: skip


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    Attribute = apps.get_model("complaints", "CategoryAttribute")
    Option = apps.get_model("complaints", "AttributeOption")
    Sector = apps.get_model("core", "Sector")
    if Category.objects.exists():
        return
    sectors = dict(Sector.objects.values_list("code", "pk"))

    def make(code, name, limit, sector, parent):
        path = f"{parent.path if parent else '/'}{code}/"
        return Category.objects.create(
            code=code, name=name, hotline_limit=limit, sector_id=sectors.get(sector),
            parent=parent, path=path, depth=path.count("/") - 2,
        )  # fmt: skip

    by_code = {}
    for code, name, limit, sector, children in CATEGORIES:
        parent = make(code, name, limit, sector, None)
        for child in children:
            by_code[child[0]] = make(*child, parent)
    for category, code, question, datatype, required, options in ATTRIBUTES:
        attribute = Attribute.objects.create(
            category=by_code[category], code=code, description=question, datatype=datatype,
            required=required,
        )  # fmt: skip
        for key, name in options:
            Option.objects.create(attribute=attribute, key=key, name=name)


def seed_rules(apps, schema_editor):
    RateFormula = apps.get_model("complaints", "RateFormula")
    BacklogRule = apps.get_model("complaints", "BacklogRule")
    if not RateFormula.objects.exists():
        RateFormula.objects.create(
            version=1, effective_from=dt.date(2021, 9, 24), response_weight=Decimal(30),
            resolution_weight=Decimal(35), satisfaction_weight=Decimal(35),
            basically_counts_as_satisfied=True,
            source="DESIGN.md §6 default weights 30/35/35 (each city sets its own)",
        )  # fmt: skip
    if not BacklogRule.objects.exists():
        BacklogRule.objects.create(
            version=1, effective_from=dt.date(2022, 5, 1), overdue_days=30, repeat_threshold=3,
            source="Local default: overdue by 30 days or brought 3 times (configurable)",
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("core", "0002_seed_sectors")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
    ]
