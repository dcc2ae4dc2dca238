"""The workplace-safety resources of /api/v1/, registered on the core router."""

from __future__ import annotations

from rest_framework.routers import BaseRouter

from hazards.api import (
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


def register(router: BaseRouter) -> None:
    for feature in (
        checklists,
        campaigns,
        inspections,
        hazards,
        listings,
        enforcement,
        risk,
        enterprise,
        ledgers,
    ):
        feature.register(router)
