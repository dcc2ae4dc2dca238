"""Generic API tests in the spirit of NetBox's `utilities/testing/api.py`.

A test class declares the model, the router basename, the scoped persona, how to pick an
in-scope and an out-of-scope object from the world, and the data to create and update with;
it inherits list / retrieve / create / update / delete tests, each in the four permission
cases of CONVENTIONS.md:

- no permission (the `no_permission` persona): 403, nothing changed;
- unscoped (a superuser): allowed;
- scoped in (e.g. township A's staff on premises A): allowed;
- scoped out (township A's staff on premises B): 404 (or 400/403 for a create that names
  rows outside the scope), nothing changed and no audit entry written.

Every request uses token auth (`Authorization: Token <key>`), as API clients do.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient

from core.audit import snapshot
from core.models import AuditEntry, Licence, LicenceType, Premises, User
from testing.world import PASSWORD, World, make_user

NO_PERMISSION = "no_permission"
UNSCOPED = "superuser"


def token_client(user: User) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def add_api_personas(world: World) -> None:
    """Personas beyond the shared world: an unscoped superuser and a directory administrator
    whose scope is township A (the township staff role may not manage reference data)."""
    world.users[UNSCOPED] = User.objects.create_superuser("root", password=PASSWORD, language="en")
    admin_a = make_user("directory_admin_a", "directory_admin", regions=[world.township_a])
    world.users["directory_admin_a"] = admin_a


def make_licence(premises: Premises, number: str) -> Licence:
    """A food licence for the premises, with the licensing responsibility derived."""
    licence_type, _created = LicenceType.objects.get_or_create(code="FOOD", name="食品经营许可证")
    licence = Licence.objects.create(
        premises=premises,
        licence_type=licence_type,
        number=number,
        valid_from=datetime.date(2025, 1, 1),
    )
    premises.refresh_derived()
    return licence


def result_ids(response: Response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


class APIResource:
    """What a resource's test class declares, and the helpers the generic tests share."""

    model: ClassVar[type[models.Model]]
    basename: ClassVar[str]
    scoped_persona: ClassVar[str] = "township_a"
    # A persona per operation where the scoped persona's role lacks the permission.
    scoped_persona_for: ClassVar[dict[str, str]] = {}
    world: World

    @pytest.fixture(autouse=True)
    def _api_world(self, world: World) -> None:
        add_api_personas(world)
        self.world = world
        self.set_up(world)

    def set_up(self, world: World) -> None:
        """Create the extra rows the resource's tests need (licences, departments…)."""

    def in_scope(self) -> models.Model:
        raise NotImplementedError

    def out_of_scope(self) -> models.Model | None:
        """An object the scoped persona may not see; None where the data is not scoped."""
        raise NotImplementedError

    def persona(self, operation: str) -> str:
        return self.scoped_persona_for.get(operation, self.scoped_persona)

    def client(self, persona: str) -> APIClient:
        return token_client(self.world.user(persona))

    def list_url(self) -> str:
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, instance: models.Model) -> str:
        return reverse(f"api:{self.basename}-detail", args=[instance.pk])

    def require_out_of_scope(self) -> models.Model:
        instance = self.out_of_scope()
        if instance is None:
            pytest.skip(f"{self.model.__name__} is shared by every region: nothing is out of scope")
        return instance

    def audit_entries(self, instance_pk: Any = None) -> models.QuerySet[AuditEntry]:
        entries = AuditEntry.objects.filter(content_type__model=self.model._meta.model_name)
        return entries if instance_pk is None else entries.filter(object_id=str(instance_pk))

    def assert_one_audit_entry(self, before: int, instance_pk: Any, action: str) -> AuditEntry:
        assert AuditEntry.objects.count() == before + 1, "a write records exactly one entry"
        entry = AuditEntry.objects.order_by("-seq").first()
        assert entry is not None
        assert (entry.action, entry.object_id, entry.source) == (action, str(instance_pk), "api")
        assert entry.changes, "the entry lists the changed fields"
        for field, (old, new) in entry.changes.items():
            assert old != new, f"{field} is listed but did not change"
        return entry


class ListTests(APIResource):
    def test_list_without_permission_is_403(self) -> None:
        response = self.client(NO_PERMISSION).get(self.list_url())
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"

    def test_list_unscoped_sees_every_region(self) -> None:
        response = self.client(UNSCOPED).get(self.list_url(), {"limit": 1000})
        assert response.status_code == 200
        wanted = {self.in_scope().pk} | {o.pk for o in [self.out_of_scope()] if o is not None}
        assert wanted <= result_ids(response)
        assert response.json()["count"] == self.model._default_manager.count()

    def test_list_scoped_is_exactly_the_restricted_queryset(self) -> None:
        persona = self.persona("view")
        response = self.client(persona).get(self.list_url(), {"limit": 1000})
        assert response.status_code == 200
        user = self.world.user(persona)
        restricted = self.model.objects.restrict(user, "view")  # type: ignore[attr-defined]
        visible = set(restricted.values_list("pk", flat=True))
        assert result_ids(response) == visible
        assert self.in_scope().pk in visible

    def test_list_scoped_never_contains_out_of_scope_rows(self) -> None:
        hidden = self.require_out_of_scope()
        response = self.client(self.persona("view")).get(self.list_url(), {"limit": 1000})
        assert hidden.pk not in result_ids(response)

    def test_list_query_count_does_not_grow_with_page_size(self) -> None:
        client = self.client(UNSCOPED)
        client.get(self.list_url(), {"limit": 1})  # warm per-process caches (content types)
        assert self.model._default_manager.count() >= 2, "the world needs two rows to compare"
        with CaptureQueriesContext(connection) as one_row:
            client.get(self.list_url(), {"limit": 1})
        with CaptureQueriesContext(connection) as all_rows:
            client.get(self.list_url(), {"limit": 1000})
        assert len(all_rows) == len(one_row), [q["sql"] for q in all_rows.captured_queries]


class RetrieveTests(APIResource):
    def test_retrieve_without_permission_is_403(self) -> None:
        response = self.client(NO_PERMISSION).get(self.detail_url(self.in_scope()))
        assert response.status_code == 403

    def test_retrieve_unscoped_is_200(self) -> None:
        target = self.out_of_scope() or self.in_scope()
        response = self.client(UNSCOPED).get(self.detail_url(target))
        assert response.status_code == 200
        assert response.json()["id"] == target.pk

    def test_retrieve_scoped_in_is_200(self) -> None:
        target = self.in_scope()
        response = self.client(self.persona("view")).get(self.detail_url(target))
        assert response.status_code == 200
        assert response.json()["id"] == target.pk

    def test_retrieve_scoped_out_is_404(self) -> None:
        hidden = self.require_out_of_scope()
        response = self.client(self.persona("view")).get(self.detail_url(hidden))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class CreateTests(APIResource):
    def create_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def out_of_scope_create_data(self) -> dict[str, Any] | None:
        """Data naming rows outside the scoped persona's scope; None where nothing is scoped."""
        raise NotImplementedError

    def assert_nothing_created(self, response: Response, rows: int, entries: int) -> None:
        assert self.model._default_manager.count() == rows, response.content
        assert AuditEntry.objects.count() == entries

    def test_create_without_permission_is_403(self) -> None:
        rows, entries = self.model._default_manager.count(), AuditEntry.objects.count()
        response = self.client(NO_PERMISSION).post(self.list_url(), self.create_data(), "json")
        assert response.status_code == 403
        self.assert_nothing_created(response, rows, entries)

    def test_create_unscoped_is_201_with_one_audit_entry(self) -> None:
        self._create_as(UNSCOPED)

    def test_create_scoped_in_is_201_with_one_audit_entry(self) -> None:
        self._create_as(self.persona("add"))

    def _create_as(self, persona: str) -> None:
        entries = AuditEntry.objects.count()
        response = self.client(persona).post(self.list_url(), self.create_data(), "json")
        assert response.status_code == 201, response.content
        created = self.model._default_manager.get(pk=response.json()["id"])
        entry = self.assert_one_audit_entry(entries, created.pk, "create")
        assert all(old is None for old, _new in entry.changes.values())
        assert entry.actor_id == self.world.user(persona).pk

    def test_create_scoped_out_is_refused_and_writes_nothing(self) -> None:
        data = self.out_of_scope_create_data()
        if data is None:
            pytest.skip(f"{self.model.__name__} is not scoped")
        rows, entries = self.model._default_manager.count(), AuditEntry.objects.count()
        response = self.client(self.persona("add")).post(self.list_url(), data, "json")
        assert response.status_code in (400, 403), response.content
        self.assert_nothing_created(response, rows, entries)


class UpdateTests(APIResource):
    def update_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def assert_unchanged(self, instance: models.Model, entries: int) -> None:
        stored = self.model._default_manager.get(pk=instance.pk)
        assert snapshot(stored) == snapshot(instance)
        assert AuditEntry.objects.count() == entries

    def test_update_without_permission_is_403(self) -> None:
        target, entries = self.in_scope(), AuditEntry.objects.count()
        response = self.client(NO_PERMISSION).patch(
            self.detail_url(target), self.update_data(), "json"
        )
        assert response.status_code == 403
        self.assert_unchanged(target, entries)

    def test_update_unscoped_is_200_with_before_and_after(self) -> None:
        self._update_as(UNSCOPED, self.out_of_scope() or self.in_scope())

    def test_update_scoped_in_is_200_with_before_and_after(self) -> None:
        self._update_as(self.persona("change"), self.in_scope())

    def _update_as(self, persona: str, target: models.Model) -> None:
        entries = AuditEntry.objects.count()
        data = self.update_data()
        response = self.client(persona).patch(self.detail_url(target), data, "json")
        assert response.status_code == 200, response.content
        entry = self.assert_one_audit_entry(entries, target.pk, "update")
        stored = self.model._default_manager.get(pk=target.pk)
        for field in data:
            if field in entry.changes:
                before, after = entry.changes[field]
                assert before == snapshot(target)[field]
                assert after == snapshot(stored)[field]
        assert set(data) & set(entry.changes), "the entry names the updated fields"

    def test_update_scoped_out_is_404_and_changes_nothing(self) -> None:
        hidden, entries = self.require_out_of_scope(), AuditEntry.objects.count()
        response = self.client(self.persona("change")).patch(
            self.detail_url(hidden), self.update_data(), "json"
        )
        assert response.status_code == 404
        self.assert_unchanged(hidden, entries)


class DeleteTests(APIResource):
    def deletable(self, in_scope: bool) -> models.Model | None:
        """Override where the in-scope object is still referred to (protected)."""
        return self.in_scope() if in_scope else self.out_of_scope()

    def test_delete_without_permission_is_403(self) -> None:
        target = self.deletable(in_scope=True)
        assert target is not None
        response = self.client(NO_PERMISSION).delete(self.detail_url(target))
        assert response.status_code == 403
        assert self.model._default_manager.filter(pk=target.pk).exists()

    def test_delete_unscoped_is_204_with_one_audit_entry(self) -> None:
        self._delete_as(UNSCOPED, self.deletable(in_scope=False) or self.deletable(in_scope=True))

    def test_delete_scoped_in_is_204_with_one_audit_entry(self) -> None:
        self._delete_as(self.persona("delete"), self.deletable(in_scope=True))

    def _delete_as(self, persona: str, target: models.Model | None) -> None:
        assert target is not None
        entries = AuditEntry.objects.count()
        response = self.client(persona).delete(self.detail_url(target))
        assert response.status_code == 204, response.content
        assert not self.model._default_manager.filter(pk=target.pk).exists()
        entry = self.assert_one_audit_entry(entries, target.pk, "delete")
        assert all(new is None for _old, new in entry.changes.values())

    def test_delete_scoped_out_is_404_and_deletes_nothing(self) -> None:
        self.require_out_of_scope()
        hidden, entries = self.deletable(in_scope=False), AuditEntry.objects.count()
        assert hidden is not None
        response = self.client(self.persona("delete")).delete(self.detail_url(hidden))
        assert response.status_code == 404
        assert self.model._default_manager.filter(pk=hidden.pk).exists()
        assert AuditEntry.objects.count() == entries


class ReadOnlyTests(APIResource):
    def test_writes_are_not_allowed(self) -> None:
        client, target = self.client(UNSCOPED), self.in_scope()
        assert client.post(self.list_url(), {}, "json").status_code == 405
        assert client.patch(self.detail_url(target), {}, "json").status_code == 405
        assert client.delete(self.detail_url(target)).status_code == 405


class APIViewTestCases:
    """The generic suites: pick the one that matches the viewset."""

    class ReadOnlyAPIViewTestCase(ListTests, RetrieveTests, ReadOnlyTests):
        pass

    class APIViewTestCase(ListTests, RetrieveTests, CreateTests, UpdateTests, DeleteTests):
        pass
