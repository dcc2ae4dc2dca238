"""Enterprise self-service pages and API: the officer's home shows only their own premises;
statistics list, detail, generate and sign in the four permission cases."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEntry, Premises
from hazards.choices import EnforcementKind, EnforcementState, HazardGrade, PeriodKind
from hazards.models import EnforcementAction, EnterpriseStatistics
from hazards.tests.test_enterprise import at, make_inspection
from hazards.tests.test_risk import make_hazard
from hazards.tests.test_risk_views import SafetyPages
from testing.api import CreateTests, ListTests, RetrieveTests
from testing.pdf import pdf_text
from testing.views import (
    NO_PERMISSION,
    SCOPED,
    UNSCOPED,
    CreateViewTests,
    DetailViewTests,
    ExportTests,
    ListViewTests,
    Rows,
)
from testing.world import World

pytestmark = pytest.mark.django_db


def stored_statistics(
    premises: Premises, year: int = 2026, quarter: int = 1
) -> EnterpriseStatistics:
    """A generated, unsigned quarter saved as a fixture (no audit entry)."""
    statistics = EnterpriseStatistics(
        premises=premises,
        period_kind=PeriodKind.QUARTER,
        year=year,
        quarter=quarter,
        due_on=dt.date(year, 3 * quarter % 12 + 1, 15),
        generated_at=timezone.now(),
        inspections=2,
        hazards_found=3,
        major_found=1,
        rectified=2,
        open_at_end=3,
        major_open_at_end=1,
    )
    statistics.take_place_from_premises()
    statistics.save()
    statistics.refresh_from_db()
    return statistics


def make_order(world: World, premises: Premises, number: str, state: str) -> EnforcementAction:
    order = EnforcementAction(
        number=number,
        kind=EnforcementKind.RECTIFICATION_ORDER,
        state=state,
        premises=premises,
        facts="安全出口堵塞",
        legal_basis="《安全生产法》第六十五条",
        created_by=world.user("department"),
        issued_at=timezone.now() if state != EnforcementState.DRAFT else None,
    )
    order.take_place_from_premises()
    order.save()
    return order


# --- the officer's home -------------------------------------------------------------------


@pytest.fixture
def both_premises(world: World) -> None:
    a, b = world.premises_a, world.premises_b
    make_hazard(world, a, title="甲校消防通道堵塞", rectify_by=at(2030, 1, 1))
    make_hazard(world, a, title="甲校电线裸露", grade=HazardGrade.MAJOR)
    make_hazard(world, a, title="甲校已销号", state="closed", closed_at=timezone.now())
    make_hazard(world, b, title="乙校楼梯破损")
    make_order(world, a, "甲责改〔2026〕1号", EnforcementState.ISSUED)
    make_order(world, a, "甲责改〔2026〕2号", EnforcementState.DRAFT)
    make_order(world, b, "乙责改〔2026〕1号", EnforcementState.ISSUED)
    make_inspection(world, a, at(2026, 3, 1))
    make_inspection(world, b, at(2026, 3, 2))
    stored_statistics(a)
    stored_statistics(b)


HOME = "/safety/enterprise/"


def test_the_home_url_is_named():
    assert reverse("hazards:enterprise_home") == HOME


def test_the_officer_sees_only_their_own_premises(client, world, both_premises):
    client.force_login(world.user("enterprise"))
    response = client.get(HOME)
    assert response.status_code == 200
    content = response.content.decode()
    assert "甲镇中心小学" in content and "乙镇中心小学" not in content
    assert "甲校消防通道堵塞" in content and "甲校电线裸露" in content
    assert "甲校已销号" not in content  # closed
    assert "乙校楼梯破损" not in content
    assert "甲责改〔2026〕1号" in content
    assert "甲责改〔2026〕2号" not in content  # a draft is not addressed to anyone yet
    assert "乙责改〔2026〕1号" not in content
    assert [i.premises for i in response.context["self_inspections"]] == [world.premises_a]
    assert [s.premises for s in response.context["statistics"]] == [world.premises_a]
    assert {row["premises"] for row in response.context["due"]} == {world.premises_a}


def test_open_hazards_are_listed_with_their_deadlines(client, world, both_premises):
    client.force_login(world.user("enterprise"))
    response = client.get(HOME)
    hazards = list(response.context["open_hazards"])
    assert hazards[0].title == "甲校消防通道堵塞"  # the one with a deadline first
    assert "2030-01-01" in response.content.decode()


def test_staff_with_a_wider_scope_but_no_assignment_see_no_premises(client, world, both_premises):
    client.force_login(world.user("township_a"))
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["premises_list"] == []
    assert "data-no-premises" in response.content.decode()
    assert "甲校消防通道堵塞" not in response.content.decode()


def test_the_home_without_permission_is_403_and_anonymous_is_sent_to_login(client, world):
    assert client.get(HOME).status_code == 302
    client.force_login(world.user("no_permission"))
    assert client.get(HOME).status_code == 403


# --- statistics pages ---------------------------------------------------------------------


class TestEnterpriseStatisticsViews(
    SafetyPages, ListViewTests, ExportTests, DetailViewTests, CreateViewTests
):
    model = EnterpriseStatistics

    def make_rows(self, world: World) -> Rows:
        own = stored_statistics(world.premises_a)
        return Rows(own, stored_statistics(world.premises_b), deletable=own)

    def marker(self, obj: models.Model) -> str:
        assert isinstance(obj, EnterpriseStatistics)
        return obj.premises.name

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "premises": world.premises_a.pk,
            "period_kind": PeriodKind.QUARTER,
            "year": 2025,
            "quarter": 4,
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {**self.form_data(world, rows), "premises": world.premises_b.pk}

    def created_object(self, data: dict[str, Any]) -> models.Model | None:
        return EnterpriseStatistics.objects.filter(
            premises=data["premises"], year=data["year"], quarter=data["quarter"]
        ).first()

    def sign_url(self, obj: models.Model) -> str:
        return reverse("hazards:enterprisestatistics_sign", args=[obj.pk])

    def test_sign_without_permission_is_403(self, client, world, rows):
        self.login(client, world, NO_PERMISSION)
        response = client.post(self.sign_url(rows.in_scope), {"principal_name": "王"})
        assert response.status_code == 403
        assert EnterpriseStatistics.objects.get(pk=rows.in_scope.pk).signed_at is None

    @pytest.mark.parametrize("case", [UNSCOPED, SCOPED])
    def test_sign_records_name_and_time(self, client, world, rows, case):
        user = self.login(client, world, case, "view", "change")
        response = client.post(
            self.sign_url(rows.in_scope), {"principal_name": "王校长"}, follow=True
        )
        assert "the figures are now frozen" in response.content.decode()
        signed = EnterpriseStatistics.objects.get(pk=rows.in_scope.pk)
        assert signed.principal_name == "王校长" and signed.signed_at is not None
        entry = self.audit_entries(signed).get()
        assert entry.actor == user and set(entry.changes) == {"principal_name", "signed_at"}

    def test_sign_scoped_out_is_404_and_changes_nothing(self, client, world, rows):
        self.login(client, world, SCOPED, "view", "change")
        entries = AuditEntry.objects.count()
        response = client.post(self.sign_url(rows.out_of_scope), {"principal_name": "王"})
        assert response.status_code == 404
        assert EnterpriseStatistics.objects.get(pk=rows.out_of_scope.pk).signed_at is None
        assert AuditEntry.objects.count() == entries

    def test_regenerating_a_signed_period_is_refused_with_a_message(self, client, world, rows):
        client.force_login(world.user("enterprise"))
        client.post(self.sign_url(rows.in_scope), {"principal_name": "王校长"})
        data = {"premises": world.premises_a.pk, "period_kind": "quarter", "year": 2026}
        response = client.post(self.url("add"), {**data, "quarter": 1})
        assert response.status_code == 200
        assert "signed by 王校长" in response.context["form"].non_field_errors()[0]
        assert EnterpriseStatistics.objects.get(pk=rows.in_scope.pk).hazards_found == 3

    def test_the_detail_offers_signing_until_signed(self, client, world, rows):
        client.force_login(world.user("enterprise"))
        page = client.get(self.url("detail", rows.in_scope)).content.decode()
        assert self.sign_url(rows.in_scope) in page
        client.post(self.sign_url(rows.in_scope), {"principal_name": "王校长"})
        page = client.get(self.url("detail", rows.in_scope)).content.decode()
        assert self.sign_url(rows.in_scope) not in page and "Signed by 王校长" in page

    def test_history_shows_the_signature(self, client, world, rows):
        client.force_login(world.user("enterprise"))
        client.post(self.sign_url(rows.in_scope), {"principal_name": "王校长"})
        page = client.get(self.url("history", rows.in_scope))
        assert page.status_code == 200 and "王校长" in page.content.decode()
        assert client.get(self.url("history", rows.out_of_scope)).status_code == 404

    # --- statistics API -------------------------------------------------------------------------

    def document_url(self, obj: models.Model, fmt: str) -> str:
        return reverse("hazards:enterprisestatistics_document", args=[obj.pk, fmt])

    def test_the_form_for_the_regulator_is_a_draft_pdf_until_signed(self, client, world, rows):
        client.force_login(world.user("enterprise"))
        draft = client.get(self.document_url(rows.in_scope, "pdf"))
        assert draft.status_code == 200 and draft["Content-Type"] == "application/pdf"
        assert pdf_text(draft.content).count("草稿") == 1
        client.post(self.sign_url(rows.in_scope), {"principal_name": "王校长"})
        signed = pdf_text(client.get(self.document_url(rows.in_scope, "pdf")).content)
        assert "草稿" not in signed and "王校长" in signed
        assert rows.in_scope.premises.name in signed

    def test_the_workbook_holds_the_figures(self, client, world, rows):
        client.force_login(world.user("enterprise"))
        response = client.get(self.document_url(rows.in_scope, "xlsx"))
        content = b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        values = {str(row[0]).lower(): row[1] for row in sheet.iter_rows(values_only=True)}
        assert str(values["hazards found"]) == str(rows.in_scope.hazards_found)

    def test_documents_out_of_scope_or_of_another_format_are_404(self, client, world, rows):
        client.force_login(world.user("enterprise"))
        assert client.get(self.document_url(rows.out_of_scope, "pdf")).status_code == 404
        assert client.get(self.document_url(rows.in_scope, "docx")).status_code == 404


class TestEnterpriseStatisticsAPI(ListTests, RetrieveTests, CreateTests):
    model = EnterpriseStatistics
    basename = "enterprisestatistics"
    # The enterprise's officer generates and signs; township staff read.
    scoped_persona_for = {"add": "enterprise", "change": "enterprise"}

    def set_up(self, world: World) -> None:
        self.own = stored_statistics(world.premises_a)
        self.other = stored_statistics(world.premises_b)

    def in_scope(self) -> EnterpriseStatistics:
        return self.own

    def out_of_scope(self) -> EnterpriseStatistics:
        return self.other

    def create_data(self) -> dict[str, Any]:
        return {"premises": self.world.premises_a.pk, "period_kind": "year", "year": 2025}

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "premises": self.world.premises_b.pk}

    def sign_url(self, obj: EnterpriseStatistics) -> str:
        return reverse("api:enterprisestatistics-sign", args=[obj.pk])

    def test_sign_without_permission_is_403(self) -> None:
        response = self.client("no_permission").post(
            self.sign_url(self.own), {"principal_name": "王"}
        )
        assert response.status_code == 403
        self.own.refresh_from_db()
        assert self.own.signed_at is None

    @pytest.mark.parametrize("persona", ["superuser", "enterprise"])
    def test_sign_records_the_principal(self, persona) -> None:
        response = self.client(persona).post(self.sign_url(self.own), {"principal_name": "王校长"})
        assert response.status_code == 200, response.content
        assert response.json()["principal_name"] == "王校长"
        assert response.json()["signed_at"]

    def test_sign_scoped_out_is_404(self) -> None:
        response = self.client("enterprise").post(
            self.sign_url(self.other), {"principal_name": "王"}
        )
        assert response.status_code == 404
        self.other.refresh_from_db()
        assert self.other.signed_at is None

    def test_regenerating_a_signed_period_is_400_signed(self) -> None:
        client = self.client("enterprise")
        client.post(self.sign_url(self.own), {"principal_name": "王校长"})
        data = {"premises": self.world.premises_a.pk, "period_kind": "quarter", "year": 2026}
        response = client.post(self.list_url(), {**data, "quarter": 1}, "json")
        assert response.status_code == 400
        assert response.json()["code"] == "signed"
        assert "signed by 王校长" in response.json()["detail"]

    def test_a_quarter_out_of_range_is_400(self) -> None:
        data = {**self.create_data(), "period_kind": "quarter", "quarter": 5}
        response = self.client("enterprise").post(self.list_url(), data, "json")
        assert response.status_code == 400
