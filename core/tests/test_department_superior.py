"""A department records its superior administrative organ (Letters and Visits Regulations 2022,
Arts 35-36: the organ that reviews its opinions); the chain of superiors never loops."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core.models import Department
from testing.api import token_client
from testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(world: World) -> tuple[Department, Department, Department]:
    """city government ← county government ← township office."""
    city = Department.objects.create(code="T-SZF", name="测试市人民政府", region=world.county)
    county = Department.objects.create(
        code="T-ZF", name="测试县人民政府", region=world.county, superior=city
    )
    office = Department.objects.create(
        code="T-A-AJ", name="甲镇应急办", region=world.township_a, superior=county
    )
    return city, county, office


def test_the_api_reads_and_writes_the_superior_organ(world: Any, chain: Any) -> None:
    city, county, office = chain
    client = token_client(world.user("county"))
    url = f"/api/v1/departments/{office.pk}/"
    assert client.get(url).json()["superior"] == county.pk
    moved = client.patch(url, {"superior": city.pk}, format="json")
    assert moved.status_code == 200, moved.content
    assert Department.objects.get(pk=office.pk).superior == city


def test_the_api_refuses_a_superior_that_makes_a_loop(world: Any, chain: Any) -> None:
    city, _county, office = chain
    client = token_client(world.user("county"))
    # the city government under the township office that sits below it
    response = client.patch(f"/api/v1/departments/{city.pk}/", {"superior": office.pk}, "json")
    assert response.status_code == 400
    assert "its own superior" in str(response.json())
    assert Department.objects.get(pk=city.pk).superior is None


def test_the_edit_page_refuses_a_department_as_its_own_superior(
    client: Any, world: Any, chain: Any
) -> None:
    city, county, office = chain
    client.force_login(world.user("county"))
    url = reverse("core:department_edit", args=[county.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="superior"' in page.content.decode()
    data = {"code": county.code, "name": county.name, "region": county.region_id}
    response = client.post(url, {**data, "superior": county.pk})
    assert response.status_code == 200
    assert "its own superior" in response.content.decode()
    assert Department.objects.get(pk=county.pk).superior == city
    # the department page names the superior organ
    detail = client.get(reverse("core:department_detail", args=[office.pk]))
    assert "测试县人民政府" in detail.content.decode()
