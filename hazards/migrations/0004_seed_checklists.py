"""Seed the checklist templates of the seven campaign sectors (DESIGN.md §5); the data and
its sources live in hazards/seed/checklists.py."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from hazards.seed.checklists import seed_checklists

    seed_checklists(
        apps.get_model("hazards", "ChecklistTemplate"),
        apps.get_model("hazards", "ChecklistItem"),
        apps.get_model("core", "Sector"),
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    from hazards.seed.checklists import unseed_checklists

    unseed_checklists(apps.get_model("hazards", "ChecklistTemplate"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_seed_sectors"),
        ("hazards", "0003_seed_inspection_frequency"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
