"""Generic tests for the server-rendered pages, in the spirit of NetBox's
`utilities/testing/views.py`.

A test class declares the `model`, how to make an in-scope and an out-of-scope object from the
`world`, valid create data and the change an edit makes, and inherits tests for the list, the
CSV and XLSX exports, detail, create, edit, delete and history pages. Each runs the four
permission cases of CONVENTIONS.md:

- no permission (the `no_permission` persona, which has no role): 403, nothing changed;
- unscoped (a superuser): allowed;
- scoped in (township A's staff on township A's rows): allowed;
- scoped out (township A's staff on township B's rows): 404, nothing changed, no audit entry.

The scoped persona is given exactly the model permission a test needs, so the scope (not the
role) is what is being tested.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.forms.models import model_to_dict
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.choices import AuditAction
from core.models import AuditEntry, User
from core.views.presentation import model_field, readable
from testing.world import PASSWORD, World

NO_PERMISSION = "no_permission"
UNSCOPED = "unscoped"
SCOPED = "scoped"


@dataclass(frozen=True)
class Rows:
    """The objects a test class works on, made once per test."""

    in_scope: models.Model
    out_of_scope: models.Model | None  # None for reference data, which has no scope
    deletable: models.Model


def post_data(instance: models.Model) -> dict[str, Any]:
    """The instance's field values as a form would post them (relations as primary keys)."""
    data: dict[str, Any] = {}
    for name, value in model_to_dict(instance).items():
        if isinstance(value, (list, tuple)):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    return data


def export_text(response: HttpResponseBase) -> str:
    """Every cell of a CSV or XLSX download, as one searchable text."""
    if response["Content-Type"].startswith("text/csv"):
        content = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        return "\n".join("\t".join(row) for row in csv.reader(io.StringIO(content)))
    assert response.streaming, "an XLSX export is streamed from its temporary file"
    workbook_file = io.BytesIO(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    workbook = load_workbook(workbook_file, read_only=True)
    return "\n".join(
        "\t".join("" if cell is None else str(cell) for cell in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def export_rows(response: HttpResponseBase) -> list[list[str]]:
    return [line.split("\t") for line in export_text(response).splitlines()]


class ViewTestCase:
    """What a model's page tests declare, and the helpers the generic tests share."""

    model: ClassVar[type[models.Model]]
    scoped_persona: ClassVar[str] = "township_a"
    # Field values an edit posts, e.g. {"name": "Renamed"}; each is checked after saving.
    edit_changes: ClassVar[dict[str, Any]] = {}

    # --- what a test class provides -------------------------------------------------------

    def make_rows(self, world: World) -> Rows:
        raise NotImplementedError

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        """Valid data to create a new object within the scoped persona's scope."""
        raise NotImplementedError

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any] | None:
        """Data that would create an object outside the scope; None when the model has none."""
        return None

    def marker(self, obj: models.Model) -> str:
        """Text that identifies the object's row in lists and exports."""
        for name in ("code", "credit_code", "username", "number"):
            if hasattr(obj, name):
                return str(getattr(obj, name))
        return str(obj)

    def created_object(self, data: dict[str, Any]) -> models.Model | None:
        key = next(name for name in ("code", "credit_code", "username", "number") if name in data)
        return self.model._default_manager.filter(**{key: data[key]}).first()

    # --- fixtures ---------------------------------------------------------------------------

    @pytest.fixture
    def rows(self, world: World) -> Rows:
        world.users[UNSCOPED] = User.objects.create_superuser(
            "root_ui", password=PASSWORD, language="en"
        )
        return self.make_rows(world)

    # --- helpers ----------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name  # type: ignore[return-value]

    def url(self, page: str, obj: models.Model | None = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"core:{self.model_name}_{page}", args=args)

    def login(self, client: Client, world: World, case: str, *actions: str) -> User:
        """Sign in as the persona of a permission case; the scoped one gets `actions` granted."""
        if case == SCOPED:
            user = world.user(self.scoped_persona)
            codenames = [f"{action}_{self.model_name}" for action in actions]
            user.user_permissions.add(
                *Permission.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    codename__in=codenames,
                )
            )
        else:
            user = world.user({NO_PERMISSION: "no_permission", UNSCOPED: UNSCOPED}[case])
        client.force_login(user)
        return user

    def out_of_scope(self, rows: Rows) -> models.Model:
        if rows.out_of_scope is None:
            pytest.skip(f"{self.model.__name__} is reference data without a scope")
        return rows.out_of_scope

    def audit_entries(self, obj: models.Model | None = None) -> models.QuerySet[AuditEntry]:
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model)
        )
        return entries if obj is None else entries.filter(object_id=str(obj.pk))

    def stored(self, obj: models.Model) -> dict[str, Any]:
        return model_to_dict(self.model._default_manager.get(pk=obj.pk))

    def edit_data(self, obj: models.Model) -> dict[str, Any]:
        return {**post_data(obj), **self.edit_changes}


class ListViewTests(ViewTestCase):
    def test_list_without_permission_is_403(self, client, world, rows):
        self.login(client, world, NO_PERMISSION)
        assert client.get(self.url("list")).status_code == 403

    def test_list_anonymous_is_sent_to_login(self, client, world, rows):
        response = client.get(self.url("list"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_list_unscoped_shows_every_row(self, client, world, rows):
        self.login(client, world, UNSCOPED)
        content = client.get(self.url("list")).content.decode()
        for obj in (rows.in_scope, rows.out_of_scope):
            if obj is not None:
                assert self.marker(obj) in content

    def test_list_scoped_shows_rows_in_scope(self, client, world, rows):
        self.login(client, world, SCOPED, "view")
        response = client.get(self.url("list"))
        assert response.status_code == 200
        assert self.marker(rows.in_scope) in response.content.decode()

    def test_list_scoped_never_shows_rows_out_of_scope(self, client, world, rows):
        self.login(client, world, SCOPED, "view")
        hidden = self.out_of_scope(rows)
        assert self.marker(hidden) not in client.get(self.url("list")).content.decode()

    def test_list_search_finds_the_row(self, client, world, rows):
        self.login(client, world, UNSCOPED)
        marker = self.marker(rows.in_scope)
        response = client.get(self.url("list"), {"q": marker})
        assert marker in response.content.decode()


# Marked per test: a class mark would be inherited by every test of ObjectViewTests.
each_format = pytest.mark.parametrize("export_format", ["csv", "xlsx"])


class ExportTests(ViewTestCase):
    def export(self, client: Client, export_format: str, **filters: Any) -> HttpResponseBase:
        return client.get(self.url("list"), {"export": export_format, **filters})

    @each_format
    def test_export_without_permission_is_403(self, client, world, rows, export_format):
        self.login(client, world, NO_PERMISSION)
        assert self.export(client, export_format).status_code == 403

    @each_format
    def test_export_unscoped_has_every_row(self, client, world, rows, export_format):
        self.login(client, world, UNSCOPED)
        response = self.export(client, export_format)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        text = export_text(response)
        for obj in (rows.in_scope, rows.out_of_scope):
            if obj is not None:
                assert self.marker(obj) in text

    @each_format
    def test_export_scoped_has_rows_in_scope(self, client, world, rows, export_format):
        self.login(client, world, SCOPED, "view")
        assert self.marker(rows.in_scope) in export_text(self.export(client, export_format))

    @each_format
    def test_export_scoped_never_has_rows_out_of_scope(self, client, world, rows, export_format):
        self.login(client, world, SCOPED, "view")
        hidden = self.out_of_scope(rows)
        assert self.marker(hidden) not in export_text(self.export(client, export_format))

    @each_format
    def test_export_is_the_filtered_list(self, client, world, rows, export_format):
        self.login(client, world, UNSCOPED)
        marker = self.marker(rows.in_scope)
        exported = export_rows(self.export(client, export_format, q=marker))
        _header, *body = exported
        assert body, "the searched row is exported"
        assert all(marker in "\t".join(row) for row in body)

    def test_export_queries_do_not_grow_with_the_rows(self, client, world, rows):
        """No query per row (N+1): the whole list costs the queries one searched row costs."""
        self.login(client, world, UNSCOPED)
        one_row = {"q": self.marker(rows.in_scope)}
        self.counted_export(client, one_row)  # warm per-process caches (content types, roles)
        queries_for_one, exported_one = self.counted_export(client, one_row)
        queries_for_all, exported_all = self.counted_export(client, {})
        if exported_all <= exported_one:
            pytest.skip(f"{self.model.__name__}: the test rows make a list of one row")
        counts = f"{queries_for_all} for {exported_all} rows, {queries_for_one} for {exported_one}"
        assert queries_for_all == queries_for_one, counts

    def counted_export(self, client: Client, filters: dict[str, Any]) -> tuple[int, int]:
        """Queries and rows of a CSV export read to its end (rows are read as it streams)."""
        with CaptureQueriesContext(connection) as queries:
            _header, *body = export_rows(self.export(client, "csv", **filters))
        return len(queries), len(body)


class DetailViewTests(ViewTestCase):
    def test_detail_without_permission_is_403(self, client, world, rows):
        self.login(client, world, NO_PERMISSION)
        assert client.get(self.url("detail", rows.in_scope)).status_code == 403

    def test_detail_unscoped_is_200(self, client, world, rows):
        self.login(client, world, UNSCOPED)
        for obj in (rows.in_scope, rows.out_of_scope):
            if obj is not None:
                assert client.get(self.url("detail", obj)).status_code == 200

    def test_detail_scoped_in_shows_the_object(self, client, world, rows):
        self.login(client, world, SCOPED, "view")
        response = client.get(self.url("detail", rows.in_scope))
        assert response.status_code == 200
        assert str(rows.in_scope) in response.content.decode()

    def test_detail_scoped_out_is_404(self, client, world, rows):
        self.login(client, world, SCOPED, "view")
        assert client.get(self.url("detail", self.out_of_scope(rows))).status_code == 404


class CreateViewTests(ViewTestCase):
    def test_create_without_permission_is_403(self, client, world, rows):
        self.login(client, world, NO_PERMISSION)
        data = self.form_data(world, rows)
        assert client.get(self.url("add")).status_code == 403
        assert client.post(self.url("add"), data).status_code == 403
        assert self.created_object(data) is None

    def test_create_unscoped_saves_and_audits(self, client, world, rows):
        self.create_and_check(client, world, rows, UNSCOPED)

    def test_create_scoped_in_saves_and_audits(self, client, world, rows):
        self.create_and_check(client, world, rows, SCOPED)

    def create_and_check(self, client: Client, world: World, rows: Rows, case: str) -> None:
        self.login(client, world, case, "view", "add")
        assert client.get(self.url("add")).status_code == 200
        data = self.form_data(world, rows)
        response = client.post(self.url("add"), data)
        assert response.status_code == 302, response.content.decode()
        created = self.created_object(data)
        assert created is not None
        entry = self.audit_entries(created).get()
        assert entry.action == AuditAction.CREATE
        assert entry.actor == world.user(self.scoped_persona if case == SCOPED else case)

    def test_create_scoped_out_is_refused_and_writes_nothing(self, client, world, rows):
        data = self.out_of_scope_form_data(world, rows)
        if data is None:
            pytest.skip(f"{self.model.__name__} is reference data without a scope")
        self.login(client, world, SCOPED, "view", "add")
        entries, count = AuditEntry.objects.count(), self.model._default_manager.count()
        response = client.post(self.url("add"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert self.created_object(data) is None
        assert self.model._default_manager.count() == count
        assert AuditEntry.objects.count() == entries


class EditViewTests(ViewTestCase):
    def test_edit_without_permission_is_403(self, client, world, rows):
        self.login(client, world, NO_PERMISSION)
        before = self.stored(rows.in_scope)
        response = client.post(self.url("edit", rows.in_scope), self.edit_data(rows.in_scope))
        assert response.status_code == 403
        assert self.stored(rows.in_scope) == before

    def test_edit_unscoped_saves_and_audits_before_and_after(self, client, world, rows):
        self.edit_and_check(client, world, rows.out_of_scope or rows.in_scope, UNSCOPED)

    def test_edit_scoped_in_saves_and_audits_before_and_after(self, client, world, rows):
        self.edit_and_check(client, world, rows.in_scope, SCOPED)

    def edit_and_check(self, client: Client, world: World, obj: models.Model, case: str) -> None:
        self.login(client, world, case, "view", "change")
        assert client.get(self.url("edit", obj)).status_code == 200
        before = self.stored(obj)
        response = client.post(self.url("edit", obj), self.edit_data(obj))
        assert response.status_code == 302, response.content.decode()
        after = self.stored(obj)
        entry = self.audit_entries(obj).get()
        assert entry.action == AuditAction.UPDATE
        for name, value in self.edit_changes.items():
            assert after[name] == value
            assert entry.changes[name] == [before[name], value]

    def test_edit_scoped_out_is_404_and_changes_nothing(self, client, world, rows):
        hidden = self.out_of_scope(rows)
        self.login(client, world, SCOPED, "view", "change")
        before, entries = self.stored(hidden), AuditEntry.objects.count()
        assert client.get(self.url("edit", hidden)).status_code == 404
        assert client.post(self.url("edit", hidden), self.edit_data(hidden)).status_code == 404
        assert self.stored(hidden) == before
        assert AuditEntry.objects.count() == entries


class DeleteViewTests(ViewTestCase):
    def test_delete_without_permission_is_403(self, client, world, rows):
        self.login(client, world, NO_PERMISSION)
        assert client.post(self.url("delete", rows.deletable)).status_code == 403
        assert self.model._default_manager.filter(pk=rows.deletable.pk).exists()

    def test_delete_unscoped_removes_and_audits(self, client, world, rows):
        self.delete_and_check(client, world, rows.deletable, UNSCOPED)

    def test_delete_scoped_in_removes_and_audits(self, client, world, rows):
        self.delete_and_check(client, world, rows.deletable, SCOPED)

    def delete_and_check(self, client: Client, world: World, obj: models.Model, case: str) -> None:
        self.login(client, world, case, "view", "delete")
        assert client.get(self.url("delete", obj)).status_code == 200
        response = client.post(self.url("delete", obj))
        assert response.status_code == 302, response.content.decode()
        assert not self.model._default_manager.filter(pk=obj.pk).exists()
        entry = self.audit_entries(obj).get()
        assert entry.action == AuditAction.DELETE

    def test_delete_scoped_out_is_404_and_keeps_the_row(self, client, world, rows):
        hidden = self.out_of_scope(rows)
        self.login(client, world, SCOPED, "view", "delete")
        entries = AuditEntry.objects.count()
        assert client.get(self.url("delete", hidden)).status_code == 404
        assert client.post(self.url("delete", hidden)).status_code == 404
        assert self.model._default_manager.filter(pk=hidden.pk).exists()
        assert AuditEntry.objects.count() == entries


class HistoryViewTests(ViewTestCase):
    def record_an_edit(self, client: Client, world: World, obj: models.Model) -> None:
        client.force_login(world.user(UNSCOPED))
        assert client.post(self.url("edit", obj), self.edit_data(obj)).status_code == 302
        client.logout()

    def test_history_without_permission_is_403(self, client, world, rows):
        self.login(client, world, NO_PERMISSION)
        assert client.get(self.url("history", rows.in_scope)).status_code == 403

    def test_history_unscoped_is_200(self, client, world, rows):
        self.login(client, world, UNSCOPED)
        for obj in (rows.in_scope, rows.out_of_scope):
            if obj is not None:
                assert client.get(self.url("history", obj)).status_code == 200

    def test_history_scoped_in_shows_who_changed_what(self, client, world, rows):
        self.record_an_edit(client, world, rows.in_scope)
        entry = self.audit_entries(rows.in_scope).get()
        self.login(client, world, SCOPED, "view")
        content = client.get(self.url("history", rows.in_scope)).content.decode()
        assert entry.actor_name in content
        assert entry.request_id in content
        for name, value in self.edit_changes.items():
            assert str(readable(model_field(self.model, name), value)) in content

    def test_history_scoped_out_is_404(self, client, world, rows):
        hidden = self.out_of_scope(rows)
        self.login(client, world, SCOPED, "view")
        assert client.get(self.url("history", hidden)).status_code == 404


class ObjectViewTests(
    ListViewTests,
    ExportTests,
    DetailViewTests,
    CreateViewTests,
    EditViewTests,
    DeleteViewTests,
    HistoryViewTests,
):
    """Every page of a model that has them all."""
