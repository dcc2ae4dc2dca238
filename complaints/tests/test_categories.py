"""Matter categories: the tree's pages and API in the generic complaints, routes and questions
editable by administrators, and the "test the routing" box."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from complaints.models import AttributeOption, Category, CategoryAttribute, CategoryRoute
from complaints.tests.factories import complaint_world, file_complaint
from core.models import AuditEntry, Department
from testing.api import APIViewTestCases, token_client
from testing.views import ObjectViewTests, Rows
from testing.world import World

pytestmark = pytest.mark.django_db


def leaf(code: str, parent_code: str = "CITY") -> Category:
    category = Category(
        code=code, name=f"类别{code}", parent=Category.objects.get(code=parent_code)
    )
    category.save()
    return category


class TestCategoryPages(ObjectViewTests):
    model = Category
    edit_changes = {"name": "市容环境（改）"}

    def url(self, page: str, obj: Any = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"complaints:category_{page}", args=args)

    def make_rows(self, world: World) -> Rows:
        return Rows(Category.objects.get(code="CITY-NOISE"), None, leaf("CITY-TMP"))

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        parent = Category.objects.get(code="CITY")
        return {"code": "CITY-DOGS", "name": "犬只管理", "parent": parent.pk, "public": "on"}


class TestCategoryAPI(APIViewTestCases.APIViewTestCase):
    model = Category
    basename = "category"
    scoped_persona = "directory_admin_a"
    scoped_persona_for = {"view": "township_a"}

    def set_up(self, world: World) -> None:
        self.spare = leaf("CITY-SPARE")
        # The first category of a page has a question with an option, as many do: the page of
        # one row and the page of all rows then both prefetch questions and options.
        first = Category.objects.order_by("path").first()
        assert first is not None
        question = CategoryAttribute.objects.create(
            category=first, code="kind", description="哪一类？", datatype="singlevaluelist"
        )
        AttributeOption.objects.create(attribute=question, key="a", name="甲")

    def in_scope(self) -> Category:
        return Category.objects.get(code="CITY-NOISE")

    def out_of_scope(self) -> None:
        return None

    def deletable(self, in_scope: bool) -> Category | None:
        return self.spare if in_scope else None

    def create_data(self) -> dict[str, Any]:
        return {
            "code": "CITY-DOGS",
            "name": "犬只管理",
            "parent": Category.objects.get(code="CITY").pk,
        }

    def out_of_scope_create_data(self) -> None:
        return None

    def update_data(self) -> dict[str, Any]:
        return {"name": "噪声（改）"}


class TestRouteAPI(APIViewTestCases.APIViewTestCase):
    model = CategoryRoute
    basename = "categoryroute"
    scoped_persona = "directory_admin_a"
    scoped_persona_for = {"view": "township_a"}

    def set_up(self, world: World) -> None:
        self.unit = Department.objects.create(code="T-ZJ", name="测试县住建局", region=world.county)
        self.other = Department.objects.create(
            code="T-CG", name="测试县城管局", region=world.county
        )
        city = Category.objects.get(code="CITY")
        self.route = CategoryRoute.objects.create(
            category=city, region=world.county, department=self.unit
        )
        self.route_b = CategoryRoute.objects.create(
            category=Category.objects.get(code="BUILD"), region=world.county, department=self.unit
        )

    def in_scope(self) -> CategoryRoute:
        return self.route

    def out_of_scope(self) -> None:
        return None

    def create_data(self) -> dict[str, Any]:
        noise = Category.objects.get(code="CITY-NOISE")
        return {"category": noise.pk, "region": self.world.township_a.pk,
                "department": self.other.pk}  # fmt: skip

    def out_of_scope_create_data(self) -> None:
        return None

    def update_data(self) -> dict[str, Any]:
        return {"department": self.other.pk}

    def _update_as(self, persona: str, target: Any) -> None:
        # A route is only relations: the audit entry names the column (department_id).
        entries = AuditEntry.objects.count()
        response = self.client(persona).patch(self.detail_url(target), self.update_data(), "json")
        assert response.status_code == 200, response.content
        entry = self.assert_one_audit_entry(entries, target.pk, "update")
        assert entry.changes["department_id"] == [self.unit.pk, self.other.pk]


def test_everyone_with_view_permission_reads_categories_with_their_questions(world):
    cw = complaint_world(world)
    response = token_client(cw.user("handler")).get(
        reverse("api:category-list"), {"code": "CITY-NOISE", "limit": 100}
    )
    assert response.status_code == 200
    noise = next(row for row in response.json()["results"] if row["code"] == "CITY-NOISE")
    question = next(q for q in noise["attributes"] if q["code"] == "when")
    assert {o["key"] for o in question["options"]} == {"day", "night", "both"}


def test_handling_staff_may_not_change_categories(world):
    cw = complaint_world(world)
    noise = Category.objects.get(code="CITY-NOISE")
    client = token_client(cw.user("handler"))
    response = client.patch(reverse("api:category-detail", args=[noise.pk]), {"name": "x"}, "json")
    assert response.status_code == 403
    assert Category.objects.get(pk=noise.pk).name != "x"


def test_admin_adds_a_route_and_the_routing_box_shows_it(client, world):
    cw = complaint_world(world)
    admin = world.user("county")
    client.force_login(admin)
    noise = Category.objects.get(code="CITY-NOISE")
    box = reverse("complaints:category_route_test")
    before = client.get(box, {"category": noise.pk, "region": world.grid_a.pk})
    assert 'data-department=""' in before.content.decode(), "no route yet: the desk decides"

    response = client.post(
        reverse("complaints:categoryroute_add"),
        {"category": Category.objects.get(code="CITY").pk, "region": world.county.pk,
         "department": cw.respondent_unit.pk},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    assert AuditEntry.objects.filter(content_type__model="categoryroute").count() == 1

    after = client.get(box, {"category": noise.pk, "region": world.grid_a.pk})
    content = after.content.decode()
    assert f'data-department="{cw.respondent_unit.pk}"' in content
    assert "测试县城管局" in content


def test_a_more_specific_route_wins_in_the_box_and_the_api(client, world):
    cw = complaint_world(world)
    noise = Category.objects.get(code="CITY-NOISE")
    CategoryRoute.objects.create(
        category=Category.objects.get(code="CITY"), region=world.county,
        department=cw.respondent_unit,
    )  # fmt: skip
    CategoryRoute.objects.create(category=noise, region=world.township_a, department=cw.unit)
    client.force_login(world.user("county"))
    page = client.get(
        reverse("complaints:category_route_test"), {"category": noise.pk, "region": world.grid_a.pk}
    )
    assert f'data-department="{cw.unit.pk}"' in page.content.decode()
    api = token_client(cw.user("clerk")).get(
        reverse("api:category-route", args=[noise.pk]), {"region": world.grid_b.pk}
    )
    assert api.status_code == 200
    assert api.json()["department"] == cw.respondent_unit.pk


def test_routing_api_without_a_region_says_what_is_missing(world):
    cw = complaint_world(world)
    noise = Category.objects.get(code="CITY-NOISE")
    response = token_client(cw.user("clerk")).get(reverse("api:category-route", args=[noise.pk]))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["region"] == ["Give the id of a region you may see."]


def test_admin_edits_a_question_and_its_options(client, world):
    client.force_login(world.user("county"))
    question = CategoryAttribute.objects.get(category__code="CITY-NOISE", code="when")
    page = client.get(reverse("complaints:categoryattribute_edit", args=[question.pk]))
    assert page.status_code == 200
    assert 'data-option="night"' in page.content.decode()
    response = client.post(
        reverse("complaints:attributeoption_add"),
        {"attribute": question.pk, "key": "weekend", "name": "周末"},
    )
    assert response.status_code == 302, response.content.decode()
    assert AttributeOption.objects.filter(attribute=question, key="weekend").exists()
    detail = client.get(reverse("complaints:category_detail", args=[question.category_id]))
    assert "周末" in detail.content.decode()


def test_a_category_in_use_is_not_deleted_and_says_why(client, world):
    cw = complaint_world(world)
    file_complaint(cw, category=leaf("CITY-USED"))
    client.force_login(world.user("county"))
    used = Category.objects.get(code="CITY-USED")
    response = client.post(reverse("complaints:category_delete", args=[used.pk]))
    assert response.status_code == 409
    assert Category.objects.filter(pk=used.pk).exists()
