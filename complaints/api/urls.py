"""The citizen-complaint resources of /api/v1/, registered on the core router."""

from __future__ import annotations

from rest_framework.routers import BaseRouter

from complaints.api import (
    backlog,
    callbacks,
    categories,
    complaints,
    documents,
    handling,
    reception,
)


def register(router: BaseRouter) -> None:
    for feature in (categories, complaints, handling, documents, backlog, callbacks, reception):
        feature.register(router)
