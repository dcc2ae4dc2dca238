"""Workplace-safety pages under /safety/: each feature module lists its own URL patterns."""

from __future__ import annotations

from hazards.views import (
    campaigns,
    checklists,
    enforcement,
    enterprise,
    hazards,
    inspections,
    ledgers,
    listings,
    risk,
)

app_name = "hazards"

urlpatterns = [
    *checklists.urlpatterns,
    *campaigns.urlpatterns,
    *inspections.urlpatterns,
    *hazards.urlpatterns,
    *listings.urlpatterns,
    *enforcement.urlpatterns,
    *risk.urlpatterns,
    *enterprise.urlpatterns,
    *ledgers.urlpatterns,
]
