"""Firing transitions on the toy machine: permission, preconditions, atomicity, versions."""

from __future__ import annotations

import pytest
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.serializers import ModelSerializer
from rest_framework.test import APIRequestFactory, force_authenticate

from core.models import AuditEntry
from core.scoping import NotFound
from workflow.api import TransitionEndpoint
from workflow.choices import ClockState
from workflow.clocks import open_clocks
from workflow.engine import available_transitions, fire, update_versioned
from workflow.errors import (
    InvalidState,
    MissingAttachments,
    MissingFields,
    PreconditionFailed,
    TransitionForbidden,
    UnknownTransition,
    VersionConflict,
)
from workflow.models import Clock
from workflow.tests.conftest import at
from workflow.tests.toy import ACK, HANDLE, Ticket, TicketState


def submitted(toy):
    ticket = toy.ticket()
    return fire("submit", ticket, toy.staff, {"received_at": at(2026, 3, 2, 9)})


def handling(toy):
    return fire("accept", submitted(toy), toy.staff, {"handler": toy.other_staff.pk})


def test_submit_moves_state_bumps_version_audits_and_starts_the_first_clock(toy):
    ticket = submitted(toy)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.state, stored.version) == (TicketState.NEW, 2)
    entries = AuditEntry.objects.filter(content_type__model="ticket", object_id=str(ticket.pk))
    entry = entries.latest("seq")
    assert entry.changes["state"] == ["draft", "new"]
    clock = open_clocks(stored).get()
    assert clock.kind == ACK and clock.due == at(2026, 3, 2, 11)


def test_accept_stops_one_clock_and_starts_the_second(toy):
    ticket = handling(toy)
    assert Clock.objects.get(kind=ACK, object_id=ticket.pk).state == ClockState.MET
    handle = Clock.objects.get(kind=HANDLE, object_id=ticket.pk)
    assert handle.state == ClockState.RUNNING
    assert handle.due == at(2026, 3, 18, 0, 0)  # 15 days from 03-02: 03-17 24:00


def test_user_outside_scope_gets_not_found_and_nothing_changes(toy):
    ticket = toy.ticket()
    with pytest.raises(NotFound) as error:
        fire("submit", ticket, toy.outsider, {"received_at": at(2026, 3, 2, 9)})
    assert error.value.status == 404
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.DRAFT


def test_role_without_the_transition_is_forbidden(toy):
    ticket = toy.ticket()
    with pytest.raises(TransitionForbidden) as error:
        fire("submit", ticket, toy.leader, {"received_at": at(2026, 3, 2, 9)})
    assert error.value.status == 403 and error.value.code == "transition_forbidden"
    assert not Clock.objects.filter(object_id=ticket.pk).exists()


def test_unknown_transition_and_wrong_state_are_clear_errors(toy):
    ticket = toy.ticket()
    with pytest.raises(UnknownTransition):
        fire("teleport", ticket, toy.staff)
    with pytest.raises(InvalidState) as error:
        fire("resolve", ticket, toy.staff, {"resolution": "done"})
    assert error.value.status == 409 and error.value.details["state"] == "draft"


def test_required_fields_are_named(toy):
    with pytest.raises(MissingFields) as error:
        fire("submit", toy.ticket(), toy.staff, {})
    assert error.value.details["fields"] == ["received_at"]


def test_fields_the_transition_does_not_take_are_refused(toy):
    with pytest.raises(PreconditionFailed) as error:
        fire("submit", toy.ticket(), toy.staff, {"received_at": at(2026, 3, 2), "state": "closed"})
    assert error.value.details["fields"] == ["state"]


def test_required_attachment_is_checked(toy):
    ticket = handling(toy)
    with pytest.raises(MissingAttachments) as error:
        fire("resolve", ticket, toy.staff, {"resolution": "fixed the lamp"})
    assert error.value.details["attachments"] == ["evidence"]
    Ticket.objects.filter(pk=ticket.pk).update(evidence_count=1)
    ticket.refresh_from_db()
    resolved = fire("resolve", ticket, toy.staff, {"resolution": "fixed the lamp"})
    assert resolved.state == TicketState.RESOLVED and resolved.resolved_by == toy.staff


def test_four_eyes_condition_refuses_the_resolver(toy):
    ticket = handling(toy)
    Ticket.objects.filter(pk=ticket.pk).update(evidence_count=1)
    ticket.refresh_from_db()
    ticket = fire("resolve", ticket, toy.staff, {"resolution": "fixed"})
    with pytest.raises(PreconditionFailed, match="cannot verify"):
        fire("verify", ticket, toy.staff)
    assert fire("verify", ticket, toy.other_staff).state == TicketState.CLOSED


def test_failure_after_the_write_rolls_everything_back(toy):
    ticket = handling(toy)
    entries = AuditEntry.objects.count()
    with pytest.raises(Exception, match=r"toy\.undefined"):
        fire("misconfigured", ticket, toy.staff, {"notes": "closing"})
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.state, stored.version, stored.notes) == (TicketState.HANDLING, 3, "")
    assert AuditEntry.objects.count() == entries
    assert Clock.objects.get(kind=HANDLE, object_id=ticket.pk).state == ClockState.RUNNING


def test_stale_version_is_a_conflict_and_the_newer_write_stands(toy):
    ticket = submitted(toy)
    stale = Ticket.objects.get(pk=ticket.pk)
    fire("accept", ticket, toy.staff, {"handler": toy.other_staff.pk})
    with pytest.raises(VersionConflict) as error:
        fire("accept", stale, toy.staff, {"handler": toy.staff.pk})
    assert error.value.status == 409 and "Reload" in str(error.value.message)
    assert Ticket.objects.get(pk=ticket.pk).handler == toy.other_staff


def test_plain_edit_with_a_stale_version_is_refused(toy):
    ticket = submitted(toy)
    update_versioned(toy.staff, ticket, {"notes": "first"}, ticket.version, ("notes",))
    with pytest.raises(VersionConflict):
        update_versioned(toy.staff, ticket, {"notes": "second"}, ticket.version, ("notes",))
    assert Ticket.objects.get(pk=ticket.pk).notes == "first"


def test_buttons_offered_are_those_the_user_may_fire(toy):
    ticket = submitted(toy)
    assert [t.name for t in available_transitions(ticket, toy.staff)] == ["accept"]
    assert available_transitions(ticket, toy.leader) == []
    assert available_transitions(ticket, toy.outsider) == []


class TicketSerializer(ModelSerializer):
    class Meta:
        model = Ticket
        fields = ["id", "state", "version"]


def api_transition(user, ticket, name, body):
    class TicketViewSet(TransitionEndpoint, viewsets.GenericViewSet):
        serializer_class = TicketSerializer

        def get_permissions(self):
            return [IsAuthenticated()]

        def get_queryset(self):
            return Ticket.objects.restrict(self.request.user, "view")

    request = APIRequestFactory().post("/", body, format="json")
    force_authenticate(request, user=user)
    view = TicketViewSet.as_view({"post": "transition"})
    return view(request, pk=ticket.pk, transition=name)


def test_api_answers_with_codes_never_a_500(toy):
    ticket = submitted(toy)
    ok = api_transition(
        toy.staff, ticket, "accept", {"version": 2, "data": {"handler": toy.staff.pk}}
    )
    assert ok.status_code == 200 and ok.data["state"] == "handling" and ok.data["version"] == 3
    stale = api_transition(toy.staff, ticket, "hold", {"version": 2})
    assert (stale.status_code, stale.data["code"]) == (409, "version_conflict")
    assert stale.data["current_version"] == 3
    wrong = api_transition(toy.staff, ticket, "submit", {"version": 3})
    assert (wrong.status_code, wrong.data["code"]) == (409, "invalid_state")
    missing = api_transition(toy.staff, ticket, "resolve", {"version": 3})
    assert (missing.status_code, missing.data["code"]) == (400, "missing_fields")
    forbidden = api_transition(toy.leader, ticket, "hold", {"version": 3})
    assert (forbidden.status_code, forbidden.data["code"]) == (403, "transition_forbidden")
    hidden = api_transition(toy.outsider, ticket, "hold", {"version": 3})
    assert hidden.status_code == 404
