"""Enforcement pages: the generic list/export/detail/create cases, the issue and lift buttons,
the PDF, the premises panel, and the premises status shown everywhere after an order."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.choices import PremisesStatus
from core.models import Premises, User
from hazards.choices import EnforcementKind as K
from hazards.choices import EnforcementState
from hazards.models import EnforcementAction
from hazards.services.enforcement import lift_action
from hazards.tests.test_enforcement_rules import (
    draft,
    fine_issued_on,
    hearing_notice,
    issued,
    major_hazard,
    regulator,
    suspension,
)
from hazards.views.enforcement import enforcement_panel
from testing.api import token_client
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
from testing.world import PASSWORD, World, make_user
from workflow.calendar import local_date

pytestmark = pytest.mark.django_db
FACTS = "消防控制室无人值守，火灾自动报警系统处于关闭状态。"


class TestEnforcementActionPages(ListViewTests, ExportTests, DetailViewTests, CreateViewTests):
    model = EnforcementAction

    def url(self, page: str, obj: Any = None) -> str:
        args = [obj.pk] if obj is not None else []
        return reverse(f"hazards:enforcementaction_{page}", args=args)

    def make_rows(self, world: World) -> Rows:
        deadline = timezone.now() + dt.timedelta(days=7)
        in_scope = issued(world, K.RECTIFICATION_ORDER, deadline=deadline)
        out_of_scope = draft(world, K.SEALING, world.premises_b)
        return Rows(in_scope, out_of_scope, deletable=out_of_scope)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "premises": world.premises_a.pk,
            "kind": K.RECTIFICATION_ORDER,
            "facts": FACTS,
            "deadline": (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {**self.form_data(world, rows), "premises": world.premises_b.pk}

    def created_object(self, data: dict[str, Any]) -> Any:
        return EnforcementAction.objects.filter(facts=data["facts"]).first()


def login(client: Client, user: User) -> None:
    client.force_login(user)


def transition(client: Client, action: EnforcementAction, name: str, **data: Any) -> Any:
    url = reverse("hazards:enforcementaction_transition", args=[action.pk, name])
    # The page's second step: the person has read what issuing does and confirms it.
    return client.post(url, {"version": action.version, "confirmed": "1", **data})


def state_of(action: EnforcementAction) -> str:
    return EnforcementAction.objects.get(pk=action.pk).state


# The issue button: four permission cases


def test_issue_without_permission_is_403(client, world):
    order = draft(world, K.IMMEDIATE_REMOVAL)
    login(client, world.user("no_permission"))
    assert transition(client, order, "issue").status_code == 403
    assert state_of(order) == EnforcementState.DRAFT


def test_issue_by_a_superuser_numbers_the_document(client, world):
    order = draft(world, K.IMMEDIATE_REMOVAL, world.premises_b)
    root = world.users[UNSCOPED] = make_superuser()
    login(client, root)
    response = transition(client, order, "issue")
    assert response.status_code == 302
    stored = EnforcementAction.objects.get(pk=order.pk)
    assert stored.state == EnforcementState.ISSUED
    assert "撤离 第1号" in stored.number


def test_issue_scoped_in_by_the_regulator(client, world):
    order = draft(world, K.IMMEDIATE_REMOVAL)
    login(client, regulator(world))
    response = transition(client, order, "issue")
    assert response.status_code == 302
    assert state_of(order) == EnforcementState.ISSUED
    page = client.get(response["Location"]).content.decode()
    assert "撤离 第1号" in page


def test_issue_scoped_out_is_404_and_changes_nothing(client, world):
    order = draft(world, K.IMMEDIATE_REMOVAL, world.premises_b)
    admin_a = make_user("regulator_a", "directory_admin", regions=[world.township_a])
    login(client, admin_a)
    assert transition(client, order, "issue").status_code == 404
    assert state_of(order) == EnforcementState.DRAFT


def test_a_broken_rule_is_shown_and_nothing_is_issued(client, world):
    fine = draft(world, K.FINE)
    login(client, regulator(world))
    detail = client.get(fine.get_absolute_url()).content.decode()
    assert 'data-problem="amount_required"' in detail
    response = transition(client, fine, "issue")
    page = client.get(response["Location"]).content.decode()
    assert "more than zero" in page
    assert state_of(fine) == EnforcementState.DRAFT


# The premises status follows everywhere it is shown


def premises_everywhere(client: Client, world: World) -> tuple[str, str, str]:
    premises = world.premises_a
    listing = client.get(reverse("core:premises_list")).content.decode()
    detail = client.get(premises.get_absolute_url()).content.decode()
    api = token_client(regulator(world)).get(reverse("api:premises-detail", args=[premises.pk]))
    return listing, detail, api.json()["status"]


def test_a_suspension_shows_the_premises_suspended_everywhere_until_lifted(client, world):
    login(client, regulator(world))
    hearing_notice(world)
    order = draft(world, K.SUSPENSION, effective_until=timezone.localdate() + dt.timedelta(60))
    transition(client, order, "issue")
    listing, detail, api_status = premises_everywhere(client, world)
    badge = f'">{PremisesStatus.SUSPENDED.label}</span>'
    assert api_status == PremisesStatus.SUSPENDED
    assert badge in listing
    assert str(PremisesStatus.SUSPENDED.label) in detail
    order.refresh_from_db()
    transition(client, order, "lift", lift_reason="隐患已消除，经审查同意恢复生产。")
    assert state_of(order) == EnforcementState.LIFTED
    listing, detail, api_status = premises_everywhere(client, world)
    assert api_status == PremisesStatus.OPERATING
    assert badge not in listing


def test_lifting_without_a_reason_is_refused(client, world):
    order = suspension(world)
    login(client, regulator(world))
    transition(client, order, "lift", lift_reason="")
    assert state_of(order) == EnforcementState.ISSUED
    assert Premises.objects.get(pk=world.premises_a.pk).status == PremisesStatus.SUSPENDED


# Drafting from a premises or a hazard, editing a draft


def test_drafting_from_a_premises_prefills_it(client, world):
    login(client, regulator(world))
    url = reverse("hazards:enforcementaction_add") + f"?premises={world.premises_a.pk}"
    form = client.get(url).context["form"]
    assert str(form.initial["premises"]) == str(world.premises_a.pk)


def test_drafting_from_a_hazard_takes_its_premises_and_offers_only_its_hazards(client, world):
    hazard = major_hazard(world)
    elsewhere = major_hazard(world, world.premises_b)
    login(client, regulator(world))
    url = reverse("hazards:enforcementaction_add") + f"?hazard={hazard.pk}"
    form = client.get(url).context["form"]
    assert str(form.initial["premises"]) == str(world.premises_a.pk)
    offered = list(form.fields["hazard"].queryset)
    assert hazard in offered and elsewhere not in offered


def test_a_draft_is_edited_and_an_issued_document_is_not(client, world):
    order = draft(world, K.FINE)
    login(client, regulator(world))
    edit = reverse("hazards:enforcementaction_edit", args=[order.pk])
    response = client.post(edit, {"facts": FACTS, "amount": "8000", "version": order.version})
    assert response.status_code == 302, response.content.decode()
    order.refresh_from_db()
    assert (order.facts, str(order.amount)) == (FACTS, "8000.00")
    transition(client, order, "issue")
    assert client.get(edit).status_code == 403


# The PDF


def test_the_pdf_is_the_numbered_document_in_chinese(client, world):
    order = suspension(world)
    login(client, world.user("enterprise"))
    response = client.get(reverse("hazards:enforcementaction_pdf", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: run scripts/system-deps test (poppler-utils)")
    text = subprocess.run(
        [tool, "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    compact = "".join(text.split())
    for wanted in ("责令暂时停产停业决定书", "".join(order.number.split()), "甲镇中心小学"):
        assert wanted in compact, text
    assert "测试县教育局" in compact  # the issuing department


@pytest.mark.parametrize("kind", [k for k in K.values])
def test_every_kind_renders(client, world, kind):
    order = draft(world, kind, amount="1000" if kind == K.FINE else None)
    login(client, regulator(world))
    response = client.get(reverse("hazards:enforcementaction_pdf", args=[order.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_without_permission_is_403_and_out_of_scope_is_404(client, world):
    order = draft(world, K.SEALING, world.premises_b)
    url = reverse("hazards:enforcementaction_pdf", args=[order.pk])
    login(client, world.user("no_permission"))
    assert client.get(url).status_code == 403
    login(client, world.user("enterprise"))
    assert client.get(url).status_code == 404


# The enterprise officer sees the orders addressed to their premises only


def test_the_list_filters_by_premises_and_kind(client, world):
    at_a = issued(world, K.IMMEDIATE_REMOVAL)
    at_b = issued(world, K.IMMEDIATE_REMOVAL, world.premises_b)
    hearing = hearing_notice(world)
    login(client, regulator(world))
    url = reverse("hazards:enforcementaction_list")
    page = client.get(url, {"premises": world.premises_a.pk}).content.decode()
    assert at_a.number in page and hearing.number in page and at_b.number not in page
    page = client.get(url, {"kind": K.HEARING_NOTICE}).content.decode()
    assert hearing.number in page and at_a.number not in page
    api = token_client(regulator(world)).get(
        reverse("api:enforcementaction-list"), {"premises": world.premises_b.pk}
    )
    assert [row["id"] for row in api.json()["results"]] == [at_b.pk]


def test_the_enterprise_officer_sees_only_their_premises_orders(client, world):
    own = issued(world, K.IMMEDIATE_REMOVAL)
    other = issued(world, K.IMMEDIATE_REMOVAL, world.premises_b)
    officer = world.user("enterprise")
    login(client, officer)
    page = client.get(reverse("hazards:enforcementaction_list")).content.decode()
    assert own.number in page and other.number not in page
    assert client.get(other.get_absolute_url()).status_code == 404
    api = token_client(officer).get(reverse("api:enforcementaction-list"))
    assert [row["id"] for row in api.json()["results"]] == [own.pk]
    # and they cannot issue or lift
    response = transition(client, own, "lift", lift_reason="自行解除")
    assert response.status_code == 403
    assert state_of(own) == EnforcementState.ISSUED


# The premises panel


def test_the_panel_shows_history_status_and_the_penalty_counter(client, world):
    today = local_date(timezone.now())
    fine_issued_on(world, today - dt.timedelta(days=10))
    fine_issued_on(world, today - dt.timedelta(days=200))
    order = suspension(world)
    premises = Premises.objects.get(pk=order.premises_id)
    context = enforcement_panel(world.user("enterprise"), premises)
    assert context["premises_status"] == PremisesStatus.SUSPENDED
    assert order in context["enforcement_actions"]
    counter = context["penalty_counter"]
    assert (counter.in_180_days, counter.in_one_year) == (1, 2)
    login(client, world.user("enterprise"))
    html = render_to_string(
        "hazards/premises/enforcement.html", {"object": world.premises_a, **context}
    )
    assert "Administrative penalties in the last 180 days: 1 / 3; in the last year: 2 / 4" in html
    assert 'data-premises-status="suspended"' in html


def test_the_panel_reads_within_the_scope(world):
    issued(world, K.IMMEDIATE_REMOVAL, world.premises_b)
    context = enforcement_panel(world.user("enterprise"), world.premises_b)
    assert list(context["enforcement_actions"]) == []


def test_lifted_order_leaves_history(world):
    order = suspension(world)
    lift_action(regulator(world), order, "恢复生产。")
    context = enforcement_panel(regulator(world), world.premises_a)
    states = {a.pk: a.state for a in context["enforcement_actions"]}
    assert states[order.pk] == EnforcementState.LIFTED


def make_superuser() -> Any:
    return User.objects.create_superuser("root_enf", password=PASSWORD, language="en")


__all__ = ["NO_PERMISSION", "SCOPED"]
