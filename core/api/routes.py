"""The resources of `/api/v1/`: each app registers its own viewsets from its AppConfig.ready(),
so core/api/urls.py builds one router without naming any app.

    register_routes(hazards.api.urls.register)  # a callable that takes the router

Registrations run in the order the apps are installed (core first), which fixes the order of
the routes, the API root and the committed OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.routers import BaseRouter, DefaultRouter

from core.api import views

RouteRegistration = Callable[[BaseRouter], None]
_registrations: list[RouteRegistration] = []


def register_routes(registration: RouteRegistration) -> None:
    if registration not in _registrations:
        _registrations.append(registration)


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for registration in _registrations:
        registration(router)
    return router


def register_directory(router: BaseRouter) -> None:
    # Basenames are given because the viewsets have no class-level `queryset` to guess from.
    router.register("regions", views.RegionViewSet, basename="region")
    router.register("sectors", views.SectorViewSet, basename="sector")
    router.register("licence-types", views.LicenceTypeViewSet, basename="licencetype")
    router.register("departments", views.DepartmentViewSet, basename="department")
    router.register("premises", views.PremisesViewSet, basename="premises")
    router.register("licences", views.LicenceViewSet, basename="licence")
    router.register("responsibilities", views.ResponsibilityViewSet, basename="responsibility")
    router.register("users", views.UserViewSet, basename="user")
    router.register("audit-entries", views.AuditEntryViewSet, basename="auditentry")
