"""Checklist pages and API: the generic suites (four permission cases) and what a reader of
a checklist notices (clauses, major-criterion badges, the sector filter)."""

from __future__ import annotations

import datetime
from typing import ClassVar

import pytest
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse

from core.models import AuditEntry, Sector, User
from hazards.models import ChecklistItem, ChecklistTemplate
from hazards.services.checklists import new_version
from hazards.views.checklists import checklists_panel
from testing.api import APIViewTestCases
from testing.views import UNSCOPED, DetailViewTests, ExportTests, ListViewTests, Rows
from testing.world import World


def seeded(code: str) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(code=code, version=1)


class ChecklistPageTests:
    model: ClassVar[type[models.Model]] = ChecklistTemplate

    def url(self, page: str, obj: models.Model | None = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"hazards:checklisttemplate_{page}", args=args)

    def make_rows(self, world: World) -> Rows:
        # Reference data: every reader sees every checklist, nothing is out of scope.
        template = seeded("schools")
        return Rows(template, None, deletable=template)


class TestChecklistTemplatePages(ChecklistPageTests, ListViewTests, ExportTests, DetailViewTests):
    def test_list_filters_by_sector_including_subsectors(self, client, world, rows):
        self.login(client, world, UNSCOPED)
        mines = Sector.objects.get(code="MINE")
        content = client.get(self.url("list"), {"sector": mines.pk}).content.decode()
        assert "non-coal-mines" in content
        assert "construction" not in content

    def test_detail_lists_items_with_clause_and_major_badge(self, client, world, rows):
        self.login(client, world, "scoped", "view")
        template = seeded("construction")
        content = client.get(self.url("detail", template)).content.decode()
        for item in template.items.all():
            assert (
                item.clause.replace("“", "&ldquo;")[:20] in content or item.clause[:20] in content
            )
        majors = template.items.filter(major_criterion=True).count()
        assert content.count("data-major") == majors
        assert "Major-hazard criterion" in content

    def test_detail_links_the_other_versions(self, client, world, rows):
        old = rows.in_scope
        new = new_version(
            user=world.user("county"), template=old, effective_from=datetime.date(2027, 1, 1)
        )
        self.login(client, world, "scoped", "view")
        content = client.get(self.url("detail", old)).content.decode()
        assert new.get_absolute_url() in content

    def test_readers_see_no_edit_or_delete_buttons(self, client, world, rows):
        self.login(client, world, UNSCOPED)
        content = client.get(self.url("detail", rows.in_scope)).content.decode()
        assert "/edit/" not in content and "/delete/" not in content


class TestChecklistTemplateAPI(APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = ChecklistTemplate
    basename = "checklisttemplate"

    def in_scope(self) -> ChecklistTemplate:
        return seeded("schools")

    def out_of_scope(self) -> None:
        return None

    def test_template_comes_with_its_items_in_order(self) -> None:
        template = seeded("road-transport")
        response = self.client("township_a").get(self.detail_url(template))
        assert response.status_code == 200
        items = response.json()["items"]
        assert [row["number"] for row in items] == list(range(1, template.items.count() + 1))
        assert all(row["clause"] for row in items)
        assert response.json()["sector_code"] == "ROAD"

    def test_filter_by_sector_and_code(self) -> None:
        client = self.client("township_a")
        schools = Sector.objects.get(code="SCHOOL")
        by_sector = client.get(self.list_url(), {"sector": schools.pk}).json()
        assert [row["code"] for row in by_sector["results"]] == ["schools"]
        by_code = client.get(self.list_url(), {"code": "fireworks-retail"}).json()
        assert [row["sector_code"] for row in by_code["results"]] == ["FIREWORKS-RETAIL"]


class TestChecklistItemAPI(APIViewTestCases.ReadOnlyAPIViewTestCase):
    model = ChecklistItem
    basename = "checklistitem"

    def in_scope(self) -> ChecklistItem:
        return seeded("schools").items.get(number=1)

    def out_of_scope(self) -> None:
        return None

    def test_filter_major_criteria_of_a_checklist(self) -> None:
        response = self.client("township_a").get(
            self.list_url(), {"code": "construction", "major_criterion": "true", "limit": 100}
        )
        rows = response.json()["results"]
        expected = seeded("construction").items.filter(major_criterion=True).count()
        assert len(rows) == expected
        assert all(row["major_criterion"] and row["major_condition"] for row in rows)


def admin_form_data(template: ChecklistTemplate, **item_changes: dict[str, str]) -> dict:
    """The admin change form of a template as posted, with changes to items by number."""
    items = list(template.items.order_by("number"))
    data = {
        "code": template.code,
        "version": template.version,
        "name": template.name,
        "sector": template.sector_id,
        "source": template.source,
        "effective_from": template.effective_from.isoformat(),
        "effective_until": "",
        "pass_mark": str(template.pass_mark),
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": len(items),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, item in enumerate(items):
        row = {
            "id": item.pk,
            "template": template.pk,
            "number": item.number,
            "section": item.section,
            "text": item.text,
            "clause": item.clause,
            "weight": str(item.weight),
            "major_condition": item.major_condition,
            "major_exceptions": item.major_exceptions,
            "default_rectify_days": item.default_rectify_days,
            **item_changes.get(f"n{item.number}", {}),
        }
        if item.major_criterion:
            row["major_criterion"] = "on"
        data.update({f"items-{index}-{key}": value for key, value in row.items()})
    return data


@pytest.mark.django_db
def test_admin_edit_of_an_item_is_audited(client, world):
    root = User.objects.create_superuser("root_admin", password="x-Pass-1234", language="en")
    client.force_login(root)
    template = seeded("schools")
    item = template.items.get(number=2)
    url = reverse("admin:hazards_checklisttemplate_change", args=[template.pk])
    data = admin_form_data(template, n2={"text": "门卫制度（修订）"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.text == "门卫制度（修订）"
    entry = AuditEntry.objects.filter(
        content_type__model="checklistitem", object_id=str(item.pk)
    ).get()
    assert entry.actor == root
    assert entry.changes["text"][1] == "门卫制度（修订）"


@pytest.mark.django_db
def test_premises_panel_names_the_checklist_in_force(world):
    context = checklists_panel(world.user("township_a"), world.premises_a)
    assert context["checklist"] == seeded("schools")
    assert context["checklist_majors"] >= 2
    html = render_to_string("hazards/premises/checklists.html", context)
    assert 'data-checklist="schools"' in html
    assert checklists_panel(world.user("no_permission"), world.premises_a)["checklist"] is None


@pytest.mark.django_db
def test_admin_action_copies_a_template_as_the_next_version(client, world):
    root = User.objects.create_superuser("root_admin", password="x-Pass-1234", language="en")
    client.force_login(root)
    template = seeded("schools")
    response = client.post(
        reverse("admin:hazards_checklisttemplate_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [template.pk]},
    )
    assert response.status_code == 302
    copy = ChecklistTemplate.objects.get(code="schools", version=2)
    assert copy.items.count() == template.items.count()
    template.refresh_from_db()
    assert template.effective_until == copy.effective_from - datetime.timedelta(days=1)
