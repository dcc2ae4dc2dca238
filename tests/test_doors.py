"""Every transition of every registered machine has exactly one door of each kind.

- The API: `POST /api/v1/<resource>/{id}/transitions/{name}/` answers every transition with a
  workflow answer (done, or refused with a stable code), never a missing route, and a user
  outside the record's scope gets a 404 with nothing changed.
- The page: `…/<pk>/transitions/<name>/` is the one view `TransitionView`, same 404 outside.
- One class serves each: every viewset of a machine's model that moves it is built on
  `TransitionEndpoint`, no other class declares a transition action, and every page URL of a
  transition is `TransitionView`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.choices import ComplaintState, DocumentKind, TaskRole
from complaints.services.handling import assign_task
from complaints.tests.factories import (
    advance,
    approved_opinion,
    complaint_world,
    file_complaint,
)
from core.api.urls import router
from core.models import User
from hazards.choices import EnforcementKind
from hazards.services import inspections
from hazards.services.hazards import report_hazard
from hazards.tests.test_enforcement_rules import draft
from hazards.tests.test_inspections import make_template
from hazards.tests.test_listings import listed, major_hazard
from testing.world import World, make_user
from workflow.api import TransitionEndpoint
from workflow.machine import Machine, registered_machines
from workflow.supervision import issue_notice
from workflow.views import TransitionView

pytestmark = pytest.mark.django_db


def product_machines() -> list[Machine]:
    """The machines of installed apps (the engine's own tests register a toy one beside them)."""
    return [m for m in registered_machines() if m.model._meta.app_config is not None]


# What a transition answers when it is reached: done, or refused by the workflow with a code.
REACHED = {200, 400, 403, 409}


def one_of_each(world: World) -> dict[type[models.Model], models.Model]:
    """A record of every model with a machine, at township A (premises A, grid A)."""
    cw = complaint_world(world)
    make_template(world)
    hazard = report_hazard(
        user=world.user("county"), premises=world.premises_a, title="安全出口堵塞",
        source="ad_hoc", grade="general", rectify_by=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    case = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    task = assign_task(
        case, cw.user("clerk"), cw.unit, TaskRole.LEAD, "核实情况",
        timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip
    rows: list[models.Model] = [
        hazard,
        inspections.open_inspection(user=world.user("county"), premises=world.premises_a),
        draft(world, EnforcementKind.RECTIFICATION_ORDER),
        listed(world, major_hazard(world, world.premises_a)),
        case,
        approved_opinion(case, cw, DocumentKind.OPINION),
        task,
        issue_notice(cw.user("supervisor"), case, request="说明情况", region=world.township_a),
    ]
    return {type(row): row for row in rows}


def outsider(world: World) -> User:
    """Staff of township B who may view (and change) every machine's model, in their scope."""
    user = make_user("outsider_b", "township_staff", regions=[world.township_b])
    for machine in product_machines():
        opts = machine.model._meta
        for action in ("view", "change"):
            user.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label=opts.app_label,
                    codename=f"{action}_{opts.model_name}",
                )
            )
    return User.objects.get(pk=user.pk)  # permissions are cached per object


def transition_basename(model: type[models.Model]) -> str:
    names = [
        basename
        for _prefix, viewset, basename in router.registry
        if issubclass(viewset, TransitionEndpoint) and viewset.model is model  # type: ignore[attr-defined]
    ]
    assert len(names) == 1, f"{model.__name__}: transitions served by {names}"
    return names[0]


def api_url(obj: models.Model, name: str) -> str:
    return reverse(f"api:{transition_basename(type(obj))}-transition", args=[obj.pk, name])


def stored(obj: models.Model) -> tuple[Any, Any]:
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return fresh.state, fresh.version  # type: ignore[attr-defined]


def every_transition(
    check: Callable[[Machine, models.Model, str], None], records: dict[type[models.Model], Any]
) -> int:
    checked = 0
    for machine in product_machines():
        for transition in machine.transitions:
            check(machine, records[machine.model], transition.name)
            checked += 1
    return checked


def test_every_transition_is_reached_through_the_one_api_endpoint(world):
    records = one_of_each(world)
    api = APIClient()
    api.force_authenticate(User.objects.create(username="root", is_superuser=True))

    def reached(machine: Machine, obj: models.Model, name: str) -> None:
        version = stored(obj)[1]
        response = api.post(api_url(obj, name), {"version": version, "data": {}}, format="json")
        assert response.status_code in REACHED, (name, response.status_code, response.content)
        assert "code" in response.json() or response.status_code == 200, (name, response.json())

    assert every_transition(reached, records) == sum(
        len(machine.transitions) for machine in product_machines()
    )


def test_every_transition_is_404_outside_the_scope_and_changes_nothing(world, client):
    records = one_of_each(world)
    user = outsider(world)
    api = APIClient()
    api.force_authenticate(user)
    client.force_login(user)

    def hidden(machine: Machine, obj: models.Model, name: str) -> None:
        before = stored(obj)
        body = {"version": before[1], "data": {}}
        assert api.post(api_url(obj, name), body, format="json").status_code == 404, name
        page = reverse(page_url_name(machine.model), args=[obj.pk, name])
        assert client.post(page, {"version": before[1]}).status_code == 404, name
        assert stored(obj) == before

    every_transition(hidden, records)


def page_url_name(model: type[models.Model]) -> str:
    names = [name for name, view in transition_pages() if view.view_initkwargs["model"] is model]
    assert len(names) == 1, f"{model.__name__}: transition pages {names}"
    return names[0]


def transition_pages() -> list[tuple[str, Any]]:
    """(namespaced URL name, view) of every URL whose route has a `transition` parameter."""
    found: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and "<slug:transition>" in str(entry.pattern):
                found.append((f"{namespace}{entry.name}", entry.callback))

    walk(get_resolver().url_patterns, "")
    return [(name, view) for name, view in found if hasattr(view, "view_initkwargs")]


def test_one_class_serves_every_transition_page():
    pages = transition_pages()
    assert pages, "no transition pages found"
    assert all(view.view_class is TransitionView for _name, view in pages)
    assert {view.view_initkwargs["model"] for _name, view in pages} == {
        machine.model for machine in product_machines()
    }


def test_one_class_implements_the_transition_endpoint():
    machine_models = {machine.model for machine in product_machines()}
    served = {viewset.model for _p, viewset, _b in router.registry  # type: ignore[attr-defined]
              if issubclass(viewset, TransitionEndpoint)}  # fmt: skip
    assert served == machine_models
    for _prefix, viewset, _basename in router.registry:
        for klass in viewset.__mro__:
            if klass is TransitionEndpoint:
                continue
            action = klass.__dict__.get("transition")
            assert action is None, f"{klass.__name__} declares its own transition action"
            for name, member in vars(klass).items():
                url_path = getattr(member, "url_path", "")
                assert "transition" not in str(url_path), f"{klass.__name__}.{name}"
