"""Putting back the rows data migrations seed, after a transactional test flushed them.

Live-server and thread tests run in real transactions that end with a flush of every table,
seeded reference data included (sectors, clock rule sets, risk bands, inspection frequencies,
checklist templates). The next test on that worker would then find none. Each seed is re-run
only when its table is empty, through the migration's own function, so the data is exactly
what a fresh database holds.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType

SEEDS = (
    ("core.Sector", "core.migrations.0002_seed_sectors", "seed_sectors"),
    ("workflow.RuleSet", "workflow.migrations.0002_seed_rule_sets", "seed"),
    ("hazards.RiskBandSet", "hazards.migrations.0002_seed_risk_bands", "seed"),
    ("hazards.InspectionFrequency", "hazards.migrations.0003_seed_inspection_frequency", "seed"),
    ("hazards.ChecklistTemplate", "hazards.migrations.0004_seed_checklists", "seed"),
    ("complaints.Category", "complaints.migrations.0002_seed_categories_and_rules", "seed"),
    (
        "complaints.RateFormula",
        "complaints.migrations.0002_seed_categories_and_rules",
        "seed_rules",
    ),
)


def restore_permissions() -> None:
    """Content types and permissions are made by post_migrate, which the flush at the end of a
    serialized-rollback test skips; roles (core.roles.sync_roles) need them all. Created only
    where missing, after dropping the cache of content types the flush made stale."""
    ContentType.objects.clear_cache()
    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)


def restore_seed_data() -> None:
    restore_permissions()
    for model_label, module, function in SEEDS:
        if apps.get_model(model_label).objects.exists():
            continue
        getattr(import_module(module), function)(apps, None)
