"""API behaviour beyond the generic suites: choices limited to the scope, validation, errors,
nested rows, filtering and ordering, query counts, tokens and lockout, schema and docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from rest_framework.test import APIClient

from core.models import AuditEntry, Licence, Premises, Responsibility, User
from testing.api import add_api_personas, make_licence, token_client
from testing.world import PASSWORD, World, make_credit_code, make_premises

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --lang en --validate --fail-on-warn "
    "--file docs/openapi.yaml"
)


@pytest.fixture
def api_world(world: World) -> World:
    add_api_personas(world)
    return world


def premises_url(premises: Premises) -> str:
    return f"/api/v1/premises/{premises.pk}/"


class TestChoicesAreLimitedToTheScope:
    def test_premises_cannot_move_to_another_townships_grid(self, api_world: World) -> None:
        entries = AuditEntry.objects.count()
        client = token_client(api_world.user("township_a"))
        response = client.patch(
            premises_url(api_world.premises_a), {"region": api_world.grid_b.pk}, "json"
        )
        assert response.status_code == 400
        assert "region" in response.json()
        assert Premises.objects.get(pk=api_world.premises_a.pk).region == api_world.grid_a
        assert AuditEntry.objects.count() == entries

    def test_premises_cannot_move_up_to_the_visible_county(self, api_world: World) -> None:
        # The county is visible (breadcrumbs) but outside the township's scope for changes.
        entries = AuditEntry.objects.count()
        client = token_client(api_world.user("township_a"))
        response = client.patch(
            premises_url(api_world.premises_a), {"region": api_world.county.pk}, "json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "out_of_scope"
        assert Premises.objects.get(pk=api_world.premises_a.pk).region == api_world.grid_a
        assert AuditEntry.objects.count() == entries

    def test_a_user_cannot_grant_a_region_they_do_not_hold(self, api_world: World) -> None:
        staff_a = api_world.user("township_a")
        client = token_client(api_world.user("directory_admin_a"))
        response = client.patch(
            f"/api/v1/users/{staff_a.pk}/", {"regions": [api_world.county.pk]}, "json"
        )
        assert response.status_code == 403
        assert list(staff_a.regions.all()) == [api_world.township_a]

    def test_a_user_cannot_grant_a_role_with_permissions_they_lack(self, api_world: World) -> None:
        staff_a = api_world.user("township_a")
        auditor = Group.objects.get(name="auditor")
        client = token_client(api_world.user("directory_admin_a"))
        response = client.patch(f"/api/v1/users/{staff_a.pk}/", {"groups": [auditor.pk]}, "json")
        assert response.status_code == 400
        assert "groups" in response.json()
        assert not staff_a.groups.filter(pk=auditor.pk).exists()

    def test_an_edit_may_keep_a_role_the_editor_could_not_grant(self, api_world: World) -> None:
        staff_a = api_world.user("township_a")
        auditor = Group.objects.get(name="auditor")
        staff_a.groups.add(auditor)
        kept = [group.pk for group in staff_a.groups.all()]
        client = token_client(api_world.user("directory_admin_a"))
        response = client.patch(
            f"/api/v1/users/{staff_a.pk}/", {"groups": kept, "first_name": "甲"}, "json"
        )
        assert response.status_code == 200, response.content
        assert set(staff_a.groups.values_list("pk", flat=True)) == set(kept)


class TestValidationAndErrors:
    def test_a_bad_credit_code_is_400_with_the_field_message(self, api_world: World) -> None:
        data = {
            "name": "某公司",
            "credit_code": make_credit_code(5)[:17] + "0",
            "sector": api_world.sector.pk,
            "region": api_world.grid_a.pk,
            "address": "甲村",
        }
        response = token_client(api_world.user("superuser")).post("/api/v1/premises/", data, "json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert response.json()["credit_code"]

    def test_moving_a_region_under_itself_is_400_not_500(self, api_world: World) -> None:
        client = token_client(api_world.user("superuser"))
        url = f"/api/v1/regions/{api_world.township_a.pk}/"
        response = client.patch(url, {"parent": api_world.grid_a.pk}, "json")
        assert response.status_code == 400
        assert "parent" in response.json()

    def test_deleting_a_referenced_row_is_409_protected(self, api_world: World) -> None:
        client = token_client(api_world.user("superuser"))
        response = client.delete(f"/api/v1/regions/{api_world.grid_a.pk}/")
        assert response.status_code == 409
        assert response.json()["code"] == "protected"

    def test_no_password_hash_is_ever_returned(self, api_world: World) -> None:
        client = token_client(api_world.user("superuser"))
        listing = client.get("/api/v1/users/", {"limit": 1000})
        created = client.post(
            "/api/v1/users/",
            {
                "username": "new_a",
                "password": "a-long-Passphrase-42",
                "regions": [api_world.township_a.pk],
            },
            "json",
        )
        assert created.status_code == 201, created.content
        for response in (listing, created):
            assert "password" not in response.content.decode()
            assert "argon2" not in response.content.decode()
        assert User.objects.get(username="new_a").check_password("a-long-Passphrase-42")


class TestPremisesRepresentation:
    def test_detail_nests_licences_and_current_responsibilities(self, api_world: World) -> None:
        client = token_client(api_world.user("township_a"))
        body = client.get(premises_url(api_world.premises_a)).json()
        assert (body["region"], body["region_name"]) == (api_world.grid_a.pk, api_world.grid_a.name)
        assert body["sector_name"] == api_world.sector.name
        assert body["status"] == "operating"
        kinds = {row["kind"] for row in body["responsibilities"]}
        assert {"territorial", "regulator"} <= kinds
        assert body["licences"] == []

    @pytest.mark.parametrize("persona", ["township_a", "enterprise", "department", "county"])
    def test_nested_rows_are_exactly_the_restricted_rows(
        self, api_world: World, persona: str
    ) -> None:
        # The nested lists skip restrict()'s premises subquery (see nested_rows): they must
        # still show exactly what restrict() would for every persona.
        for premises in (api_world.premises_a, api_world.premises_b):
            make_licence(premises, f"JY-{premises.pk}")
        user = api_world.user(persona)
        client = token_client(user)
        listed = client.get("/api/v1/premises/", {"limit": 1000}).json()["results"]
        for row in (client.get(f"/api/v1/premises/{item['id']}/").json() for item in listed):
            licences = Licence.objects.restrict(user, "view").filter(premises=row["id"])
            current = Responsibility.objects.restrict(user, "view").current()
            responsibilities = current.filter(premises=row["id"])
            assert {r["id"] for r in row["licences"]} == set(licences.values_list("pk", flat=True))
            assert {r["id"] for r in row["responsibilities"]} == set(
                responsibilities.values_list("pk", flat=True)
            )

    def test_filters_are_the_shared_filtersets(self, api_world: World) -> None:
        client = token_client(api_world.user("superuser"))
        within_a = client.get("/api/v1/premises/", {"region": api_world.township_a.pk}).json()
        assert [row["id"] for row in within_a["results"]] == [api_world.premises_a.pk]
        searched = client.get("/api/v1/premises/", {"q": "乙镇"}).json()
        assert [row["id"] for row in searched["results"]] == [api_world.premises_b.pk]

    def test_ordering_follows_the_allow_list(self, api_world: World) -> None:
        client = token_client(api_world.user("superuser"))
        names = sorted([api_world.premises_a.name, api_world.premises_b.name])
        descending = client.get("/api/v1/premises/", {"ordering": "-name"}).json()["results"]
        assert [row["name"] for row in descending] == names[::-1]
        # A field off the allow-list is refused, naming the parameter, not silently ignored.
        refused = client.get("/api/v1/premises/", {"ordering": "-contact_phone"})
        assert refused.status_code == 400
        assert "-contact_phone" in refused.json()["ordering"][0]

    def test_list_query_count_is_the_same_for_5_and_50_rows(self, api_world: World) -> None:
        for serial in range(100, 160):
            make_premises(f"甲镇商户{serial}", api_world.grid_a, api_world.sector, serial)
        client = token_client(api_world.user("township_a"))
        client.get("/api/v1/premises/", {"limit": 5})
        counts = {}
        for limit in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/api/v1/premises/", {"limit": limit})
            assert len(response.json()["results"]) == limit
            counts[limit] = len(queries)
        assert counts[5] == counts[50], counts


class TestToken:
    def test_token_for_username_and_password(self, api_world: World) -> None:
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "staff_a", "password": PASSWORD}, "json"
        )
        assert response.status_code == 200
        token = response.json()["token"]
        me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get(premises_url(api_world.premises_a))
        assert me.status_code == 200

    def test_wrong_password_is_400(self, api_world: World) -> None:
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "staff_a", "password": "wrong"}, "json"
        )
        assert response.status_code == 400
        assert "token" not in response.json()

    def test_a_locked_out_user_gets_no_token_even_with_the_right_password(
        self, api_world: World
    ) -> None:
        client = APIClient()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            client.post("/api/v1/auth/token/", {"username": "staff_a", "password": "x"}, "json")
        response = client.post(
            "/api/v1/auth/token/", {"username": "staff_a", "password": PASSWORD}, "json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "locked_out"
        assert "token" not in response.json()


class TestSchemaAndDocs:
    def test_committed_schema_matches_the_code(self) -> None:
        with translation.override("en"):
            schema = SchemaGenerator().get_schema(request=None, public=True)
            generated = OpenApiYamlRenderer().render(schema, renderer_context={}).decode()
        committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        assert generated == committed, (
            "The API schema changed. If that is intended, regenerate and commit it:\n"
            f"    {REGENERATE}"
        )

    def test_schema_endpoint_serves_openapi_3(self, db: None) -> None:
        response = Client().get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        assert response.json()["openapi"].startswith("3.")

    def test_swagger_ui_and_its_scripts_are_served_locally(self, db: None) -> None:
        client = Client()
        page = client.get("/api/docs/")
        assert page.status_code == 200
        html = page.content.decode()
        nonce = re.search(r'<style nonce="([^"]+)"', html)
        assert nonce and f"'nonce-{nonce[1]}'" in page["Content-Security-Policy"]
        assert "<script>" not in html, "no inline script: the CSP would block it"
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
        for src in scripts:
            assert src.startswith("/"), f"{src} is not served from this site"
            assert client.get(src.replace("&amp;", "&")).status_code == 200, src
