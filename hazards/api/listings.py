"""listings API resources (issue 4)."""

from __future__ import annotations

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add this feature's viewsets to the /api/v1/ router."""
