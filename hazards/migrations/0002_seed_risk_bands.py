"""Seed version 1 of the risk bands (DESIGN.md §5) for LEC and the 5×5 matrix.

What we can support about the sources:
- The four levels and colours (major/red, larger/orange, general/yellow, low/blue) are those of
  安委办〔2016〕11号 《关于实施遏制重特大事故工作指南构建双重预防机制的意见》.
- GB/T 33000-2016 《企业安全生产标准化基本规范》 §5.5.1 requires enterprises to identify, assess and
  grade their risks but does not fix a method or thresholds.
- LEC (D = L × E × C, Graham–Kinney "work-condition hazard evaluation", 作业条件危险性评价法)
  with D > 320 / 160–320 / 70–160 / ≤ 70 is the common Chinese practice; the national texts do
  not prescribe these numbers, so they are defaults that a province replaces with a version.
- The 5×5 matrix (R = L × S) bands 20–25 / 9–16 / 4–8 / 1–3 are likewise common practice.

Bands are stored as score ∈ (above, up_to]. Matrix products are integers (1, 2, 3, 4, 5, 6, 8,
9, 10, 12, 15, 16, 20, 25), so (16, ∞) is exactly 20–25, (8, 16] is 9–16, (3, 8] is 4–8 and
(−∞, 3] is 1–3. This migration only writes version 1; administrators add later versions.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

GENERAL_SOURCE = "安委办〔2016〕11号 four colours; GB/T 33000-2016 §5.5.1; common practice"
BAND_SETS = [
    (
        "lec",
        "LEC 作业条件危险性评价 (D = L × E × C)",
        "LEC (Graham–Kinney) as commonly applied under " + GENERAL_SOURCE,
        [
            ("red", "320", None),
            ("orange", "160", "320"),
            ("yellow", "70", "160"),
            ("blue", None, "70"),
        ],
    ),
    (
        "matrix",
        "5×5 风险矩阵 (R = L × S)",
        "Risk matrix as commonly applied under " + GENERAL_SOURCE,
        [("red", "16", None), ("orange", "8", "16"), ("yellow", "3", "8"), ("blue", None, "3")],
    ),
]
EFFECTIVE_FROM = dt.date(2016, 10, 9)  # date of 安委办〔2016〕11号


def seed(apps, schema_editor):
    RiskBandSet = apps.get_model("hazards", "RiskBandSet")
    RiskBand = apps.get_model("hazards", "RiskBand")
    for method, name, source, bands in BAND_SETS:
        band_set, created = RiskBandSet.objects.get_or_create(
            method=method,
            version=1,
            defaults={"name": name, "source": source, "effective_from": EFFECTIVE_FROM},
        )
        if not created:
            continue
        for colour, above, up_to in bands:
            RiskBand.objects.create(
                band_set=band_set,
                colour=colour,
                above=Decimal(above) if above is not None else None,
                up_to=Decimal(up_to) if up_to is not None else None,
            )


def unseed(apps, schema_editor):
    RiskBandSet = apps.get_model("hazards", "RiskBandSet")
    RiskBandSet.objects.filter(version=1, method__in=["lec", "matrix"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
