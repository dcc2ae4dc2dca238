"""The directory API: every resource through the generic suites, then the rules in between."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import URLResolver, get_resolver
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import APIRootView

from core.api import urls as api_urls
from core.api.views import (
    ObtainTokenView,
    RestrictedQuerysetMixin,
    ScopedFiguresMixin,
)
from core.audit import record_change
from core.choices import RegionLevel, ResponsibilityKind
from core.models import (
    AuditEntry,
    Department,
    Licence,
    LicenceType,
    Premises,
    Region,
    Responsibility,
    Sector,
    User,
)
from testing.api import APIResource, APIViewTestCases, make_licence, token_client
from testing.world import World, make_credit_code, make_region, make_user, parent_of

pytestmark = pytest.mark.django_db


def created_entry(instance: Premises) -> AuditEntry:
    entry = record_change(instance, None)
    assert entry is not None  # a create is always recorded
    return entry


def make_department(code: str, name: str, region: Region) -> Department:
    return Department.objects.create(code=code, name=name, region=region)


class TestRegionAPI(APIViewTestCases.APIViewTestCase):
    model = Region
    basename = "region"
    # Township staff add and edit regions of their township; deleting is for administrators.
    scoped_persona_for = {"delete": "directory_admin_a"}

    def in_scope(self) -> Region:
        return self.world.grid_a

    def out_of_scope(self) -> Region:
        return self.world.grid_b

    def deletable(self, in_scope: bool) -> Region:
        # Grids with premises are protected; a new empty grid can go.
        grid = self.world.grid_a if in_scope else self.world.grid_b
        return make_region(f"{grid.code}9", "空网格", RegionLevel.GRID, parent_of(grid))

    def create_data(self) -> dict[str, Any]:
        village = parent_of(self.world.grid_a)
        return {
            "code": "330101001001-02",
            "name": "甲村第二网格",
            "level": "grid",
            "parent": village.pk,
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "parent": parent_of(self.world.grid_b).pk}

    def update_data(self) -> dict[str, Any]:
        return {"name": "甲村一号网格"}


class TestSectorAPI(APIViewTestCases.APIViewTestCase):
    model = Sector
    basename = "sector"
    scoped_persona = "county"  # reference data: only directory administrators edit it

    def in_scope(self) -> Sector:
        return self.world.sector

    def out_of_scope(self) -> None:
        return None

    def deletable(self, in_scope: bool) -> Sector:
        return Sector.objects.create(
            code="TEST-LEAF", name="测试行业", parent=parent_of(self.world.sector)
        )

    def create_data(self) -> dict[str, Any]:
        return {"code": "SCHOOL-NEW", "name": "新学校", "parent": self.world.sector.parent_id}

    def out_of_scope_create_data(self) -> None:
        return None

    def update_data(self) -> dict[str, Any]:
        return {"name": "小学校"}


class TestLicenceTypeAPI(APIViewTestCases.APIViewTestCase):
    model = LicenceType
    basename = "licencetype"
    scoped_persona = "county"

    def set_up(self, world: World) -> None:
        self.food = LicenceType.objects.create(code="FOOD", name="食品经营许可证")
        self.fire = LicenceType.objects.create(code="FIRE", name="消防许可")

    def in_scope(self) -> LicenceType:
        return self.food

    def out_of_scope(self) -> None:
        return None

    def create_data(self) -> dict[str, Any]:
        return {"code": "HAZCHEM", "name": "危险化学品经营许可证"}

    def out_of_scope_create_data(self) -> None:
        return None

    def update_data(self) -> dict[str, Any]:
        return {"name": "食品许可"}


class TestDepartmentAPI(APIViewTestCases.APIViewTestCase):
    model = Department
    basename = "department"
    scoped_persona = "directory_admin_a"

    def set_up(self, world: World) -> None:
        self.office_a = Department.objects.create(
            code="A-SAFE", name="甲镇安监办", region=world.township_a
        )
        self.office_b = Department.objects.create(
            code="B-SAFE", name="乙镇安监办", region=world.township_b
        )

    def in_scope(self) -> Department:
        return self.office_a

    def out_of_scope(self) -> Department:
        return self.office_b

    def create_data(self) -> dict[str, Any]:
        return {
            "code": "A-FIRE",
            "name": "甲镇消防站",
            "region": self.world.township_a.pk,
            "sectors": [self.world.sector.pk],
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "region": self.world.township_b.pk}

    def update_data(self) -> dict[str, Any]:
        return {"phone": "0571-1234567"}


class TestPremisesAPI(APIViewTestCases.APIViewTestCase):
    model = Premises
    basename = "premises"

    def set_up(self, world: World) -> None:
        make_licence(world.premises_a, "JY-A-1")
        make_licence(world.premises_b, "JY-B-1")

    def in_scope(self) -> Premises:
        return self.world.premises_a

    def out_of_scope(self) -> Premises:
        return self.world.premises_b

    def create_data(self) -> dict[str, Any]:
        return {
            "name": "甲镇第二小学",
            "credit_code": make_credit_code(77),
            "sector": self.world.sector.pk,
            "region": self.world.grid_a.pk,
            "address": "甲村2号",
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "region": self.world.grid_b.pk}

    def update_data(self) -> dict[str, Any]:
        return {"name": "甲镇实验小学", "status": "suspended"}


class TestLicenceAPI(APIViewTestCases.APIViewTestCase):
    model = Licence
    basename = "licence"

    def set_up(self, world: World) -> None:
        self.licence_a = make_licence(world.premises_a, "JY-A-1")
        self.licence_b = make_licence(world.premises_b, "JY-B-1")

    def in_scope(self) -> Licence:
        return self.licence_a

    def out_of_scope(self) -> Licence:
        return self.licence_b

    def create_data(self) -> dict[str, Any]:
        return {
            "premises": self.world.premises_a.pk,
            "licence_type": self.licence_a.licence_type_id,
            "number": "JY-A-2",
            "valid_from": "2026-01-01",
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "premises": self.world.premises_b.pk}

    def update_data(self) -> dict[str, Any]:
        return {"valid_until": "2030-12-31"}


class TestResponsibilityAPI(APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = Responsibility
    basename = "responsibility"

    def territorial(self, premises: Premises) -> Responsibility:
        return Responsibility.objects.get(premises=premises, kind=ResponsibilityKind.TERRITORIAL)

    def in_scope(self) -> Responsibility:
        return self.territorial(self.world.premises_a)

    def out_of_scope(self) -> Responsibility:
        return self.territorial(self.world.premises_b)


class TestUserAPI(APIViewTestCases.APIViewTestCase):
    model = User
    basename = "user"
    scoped_persona = "directory_admin_a"

    def in_scope(self) -> User:
        return self.world.user("township_a")

    def out_of_scope(self) -> User:
        return self.world.user("township_b")

    def create_data(self) -> dict[str, Any]:
        return {
            "username": "inspector_a",
            "password": "a-long-Passphrase-42",
            "regions": [self.world.township_a.pk],
            "groups": [Group.objects.get(name="grid_inspector").pk],
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "regions": [self.world.township_b.pk]}

    def update_data(self) -> dict[str, Any]:
        return {"first_name": "小明", "phone": "13800000000"}


class TestAuditEntryAPI(APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = AuditEntry
    basename = "auditentry"
    scoped_persona = "auditor"  # auditors read the whole installation's trail

    def set_up(self, world: World) -> None:
        self.entry_a = created_entry(world.premises_a)
        self.entry_b = created_entry(world.premises_b)

    def in_scope(self) -> AuditEntry:
        return self.entry_a

    def out_of_scope(self) -> None:
        return None

    def test_a_region_scoped_auditor_sees_no_entries(self, world: World) -> None:
        auditor_a = make_user("auditor_a", "auditor", regions=[world.township_a])
        client = token_client(auditor_a)
        assert client.get("/api/v1/audit-entries/").json()["count"] == 0
        assert client.get(f"/api/v1/audit-entries/{self.entry_a.pk}/").status_code == 404

    def test_staff_without_the_auditor_role_get_403(self, world: World) -> None:
        response = token_client(world.user("county")).get("/api/v1/audit-entries/")
        assert response.status_code == 403


def api_views(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, type]]:
    """Every class-based view reachable under /api/, with its route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern.url_patterns, route)
        elif route.startswith("api/") and hasattr(pattern.callback, "cls"):
            yield route, pattern.callback.cls


# Views under /api/ that serve no model rows, so have nothing to restrict.
ROWLESS_API_VIEWS = (ObtainTokenView, APIRootView, SpectacularAPIView, SpectacularSwaggerView)


def test_every_api_view_reads_through_restrict() -> None:
    # Action endpoints (steps on a case) look their row up through the same restricted mixin;
    # views that answer with figures (complaint rates) declare that their service restricts.
    restricted = (RestrictedQuerysetMixin, ScopedFiguresMixin, *ROWLESS_API_VIEWS)
    routes = list(api_views())
    bypassing = sorted({route for route, cls in routes if not issubclass(cls, restricted)})
    assert len(routes) > 10
    assert not bypassing, f"these API views bypass restrict(): {bypassing}"


def generic_api_test_classes() -> list[type]:
    """Every test class built on the generic API mixins, in any installed app's tests."""
    found = []
    ours = [
        config
        for config in apps.get_app_configs()
        if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path
    ]
    for config in ours:
        package = f"{config.name}.tests"
        if importlib.util.find_spec(package) is None:  # an app without tests
            continue
        for module_info in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if not module_info.name.startswith("test_"):
                continue
            module = importlib.import_module(f"{package}.{module_info.name}")
            found += [
                value
                for value in vars(module).values()
                if isinstance(value, type) and issubclass(value, APIResource)
            ]
    return found


# Registered routes that are steps on another resource or figures, not a resource of rows:
# their scoping (404 outside, 403 without the role) is tested with the steps themselves
# (complaints/tests/test_rates.py).
NOT_RESOURCES = frozenset({"complaintrates"})


def test_every_registered_resource_has_generic_api_tests() -> None:
    tested = {getattr(cls, "basename", None) for cls in generic_api_test_classes()}
    registered = {
        basename
        for _prefix, _viewset, basename in api_urls.router.registry
        if basename not in NOT_RESOURCES
    }
    assert registered <= tested, f"no generic API tests for {sorted(registered - tested)}"
