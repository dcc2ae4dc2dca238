"""Seed the default inspection frequency per risk colour (DESIGN.md §5, configurable):
the grid inspector covers each premises in the grid every quarter; high-risk colours monthly."""

from __future__ import annotations

from typing import Any

from django.db import migrations

QUARTERLY_SOURCE = (
    "DESIGN.md §5 default: grid inspector covers each premises in the grid every quarter "
    "(Work Safety Law 2021 Art. 9: township and street offices inspect premises in their area)"
)
MONTHLY_SOURCE = (
    "DESIGN.md §5 default: high-risk colour (red, orange) monthly "
    "(risk-graded supervision, Work Safety Law 2021 Arts 4, 41)"
)
FREQUENCIES = (
    ("red", 30, MONTHLY_SOURCE),
    ("orange", 30, MONTHLY_SOURCE),
    ("yellow", 90, QUARTERLY_SOURCE),
    ("blue", 90, QUARTERLY_SOURCE),
)


def seed(apps: Any, schema_editor: Any) -> None:
    InspectionFrequency = apps.get_model("hazards", "InspectionFrequency")
    for colour, days, source in FREQUENCIES:
        InspectionFrequency.objects.update_or_create(
            risk_colour=colour, defaults={"interval_days": days, "source": source}
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("hazards", "InspectionFrequency").objects.filter(
        risk_colour__in=[colour for colour, _days, _source in FREQUENCIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_seed_risk_bands")]

    operations = [migrations.RunPython(seed, unseed)]
