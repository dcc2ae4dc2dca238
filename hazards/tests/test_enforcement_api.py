"""`/api/v1/enforcement-actions/`: the generic list/retrieve/create/update cases, transitions
with their rule codes, and the PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.choices import PremisesStatus
from core.models import AuditEntry, Premises
from hazards.choices import EnforcementKind as K
from hazards.choices import EnforcementState
from hazards.models import EnforcementAction
from hazards.tests.test_enforcement_rules import draft, hearing_notice, regulator
from testing.api import (
    NO_PERMISSION,
    UNSCOPED,
    CreateTests,
    ListTests,
    RetrieveTests,
    UpdateTests,
    add_api_personas,
    token_client,
)

pytestmark = pytest.mark.django_db


class TestEnforcementActionAPI(ListTests, RetrieveTests, CreateTests, UpdateTests):
    """No DeleteTests: documents are never deleted, a draft is cancelled."""

    model = EnforcementAction
    basename = "enforcementaction"
    # township staff do not regulate; a directory administrator of township A does
    scoped_persona = "directory_admin_a"

    def set_up(self, world: Any) -> None:
        self.a = draft(world, K.RECTIFICATION_ORDER)
        self.b = draft(world, K.SEALING, world.premises_b)

    def in_scope(self) -> EnforcementAction:
        return self.a

    def out_of_scope(self) -> EnforcementAction:
        return self.b

    def create_data(self) -> dict[str, Any]:
        return {
            "premises": self.world.premises_a.pk,
            "kind": K.FINE,
            "facts": "未按规定对重大危险源进行监测监控。",
            "amount": "20000",
        }

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "premises": self.world.premises_b.pk}

    def update_data(self) -> dict[str, Any]:
        return {"facts": "现场复核：疏散通道仍被占用。", "version": self.a.version}

    def test_update_unscoped_is_200_with_before_and_after(self) -> None:
        # the unscoped case edits the out-of-scope draft: its own version
        target = self.b
        response = self.client(UNSCOPED).patch(
            self.detail_url(target), {"facts": "复核", "version": target.version}, "json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["facts"] == "复核"


def transition_url(action: EnforcementAction, name: str) -> str:
    return reverse("api:enforcementaction-transition", args=[action.pk, name])


def test_issuing_through_the_api_numbers_and_suspends(world):
    hearing_notice(world)
    until = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    order = draft(world, K.SUSPENSION, effective_until=until)
    client = token_client(regulator(world))
    response = client.post(transition_url(order, "issue"), {"version": order.version}, "json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == EnforcementState.ISSUED
    assert "停产 第1号" in body["number"]
    assert body["premises_status"] == PremisesStatus.SUSPENDED
    premises = client.get(reverse("api:premises-detail", args=[world.premises_a.pk])).json()
    assert premises["status"] == PremisesStatus.SUSPENDED
    lifted = client.post(
        transition_url(order, "lift"),
        {"version": body["version"], "data": {"lift_reason": "审查合格"}},
        "json",
    )
    assert lifted.status_code == 200, lifted.content
    assert Premises.objects.get(pk=world.premises_a.pk).status == PremisesStatus.OPERATING


def test_a_broken_rule_is_400_with_its_code_and_writes_nothing(world):
    notice = draft(world, K.POWER_CUT_NOTICE)
    entries = AuditEntry.objects.count()
    response = token_client(regulator(world)).post(
        transition_url(notice, "issue"), {"version": notice.version}, "json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "suspension_required"
    assert AuditEntry.objects.count() == entries
    assert EnforcementAction.objects.get(pk=notice.pk).number == f"DRAFT-{notice.pk}"


def test_a_client_cannot_choose_the_number(world):
    order = draft(world, K.IMMEDIATE_REMOVAL)
    client = token_client(regulator(world))
    chosen = {"version": order.version, "data": {"number": "X"}}
    refused = client.post(transition_url(order, "issue"), chosen, "json")
    # The number is the service's: a posted one is refused, never silently dropped.
    assert refused.status_code == 400 and refused.json()["code"] == "precondition_failed"
    assert EnforcementAction.objects.get(pk=order.pk).number == f"DRAFT-{order.pk}"
    response = client.post(transition_url(order, "issue"), {"version": order.version}, "json")
    assert response.status_code == 200
    assert response.json()["number"] != "X"


def test_a_stale_version_is_409(world):
    order = draft(world, K.IMMEDIATE_REMOVAL)
    response = token_client(regulator(world)).post(
        transition_url(order, "issue"), {"version": order.version + 5}, "json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"


def test_transitions_in_the_four_permission_cases(world):
    add_api_personas(world)
    order_b = draft(world, K.IMMEDIATE_REMOVAL, world.premises_b)
    url = transition_url(order_b, "issue")
    body = {"version": order_b.version}
    assert token_client(world.user(NO_PERMISSION)).post(url, body, "json").status_code == 403
    enterprise = token_client(world.user("enterprise")).post(url, body, "json")
    assert enterprise.status_code in (403, 404)
    scoped_out = token_client(world.user("directory_admin_a")).post(url, body, "json")
    assert scoped_out.status_code == 404
    assert EnforcementAction.objects.get(pk=order_b.pk).state == EnforcementState.DRAFT
    assert token_client(world.user(UNSCOPED)).post(url, body, "json").status_code == 200
    order_a = draft(world, K.IMMEDIATE_REMOVAL)
    scoped_in = token_client(world.user("directory_admin_a")).post(
        transition_url(order_a, "issue"), {"version": order_a.version}, "json"
    )
    assert scoped_in.status_code == 200


def test_an_issued_document_is_not_edited_and_none_is_deleted(world):
    order = draft(world, K.IMMEDIATE_REMOVAL)
    client = token_client(regulator(world))
    client.post(transition_url(order, "issue"), {"version": order.version}, "json")
    detail = reverse("api:enforcementaction-detail", args=[order.pk])
    response = client.patch(detail, {"facts": "改", "version": order.version + 1}, "json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert client.delete(detail).status_code in (403, 405)
    assert EnforcementAction.objects.filter(pk=order.pk).exists()


def test_the_pdf_endpoint(world):
    order = draft(world, K.HEARING_NOTICE)
    url = reverse("api:enforcementaction-pdf", args=[order.pk])
    response = token_client(world.user("enterprise")).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    other = draft(world, K.HEARING_NOTICE, world.premises_b)
    hidden = reverse("api:enforcementaction-pdf", args=[other.pk])
    assert token_client(world.user("enterprise")).get(hidden).status_code == 404


def test_the_regulator_who_drafted_a_document_cannot_issue_it(world):
    # given a draft the regulator wrote through the API
    client = token_client(regulator(world))
    body = {"premises": world.premises_a.pk, "kind": K.IMMEDIATE_REMOVAL, "facts": "配电室积水。"}
    created = client.post(reverse("api:enforcementaction-list"), body, "json")
    assert created.status_code == 201, created.content
    order = EnforcementAction.objects.get(pk=created.json()["id"])
    # when the same regulator issues it, it is refused and stays an unnumbered draft
    refused = client.post(transition_url(order, "issue"), {"version": order.version}, "json")
    assert refused.status_code == 400, refused.content
    assert "other than the drafter" in refused.json()["detail"]
    order.refresh_from_db()
    assert order.state == EnforcementState.DRAFT and order.number == f"DRAFT-{order.pk}"
    # a colleague issues it
    colleague = token_client(world.user("county"))
    issued = colleague.post(transition_url(order, "issue"), {"version": order.version}, "json")
    assert issued.status_code == 200 and issued.json()["state"] == "issued"
