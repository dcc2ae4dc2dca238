"""Settings helpers, roles, health check and admin writes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from civicdesk.env import ConfigurationError, env_bool, env_int, env_list
from core.audit import record_bulk_create
from core.models import AuditEntry, Premises, User
from core.roles import ROLES, sync_roles


def test_env_helpers_reject_bad_values_by_name(monkeypatch):
    monkeypatch.setenv("CD_FLAG", "maybe")
    monkeypatch.setenv("CD_COUNT", "ten")
    with pytest.raises(ConfigurationError, match="CD_FLAG"):
        env_bool("CD_FLAG", False)
    with pytest.raises(ConfigurationError, match="CD_COUNT"):
        env_int("CD_COUNT", 1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("CD_HOSTS", " a.example , b.example,")
    assert env_list("CD_HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.django_db
def test_sync_roles_is_idempotent_and_creates_every_role():
    sync_roles()
    sync_roles()
    assert set(Group.objects.values_list("name", flat=True)) == {role.key for role in ROLES}
    grid = Group.objects.get(name="grid_inspector")
    assert grid.permissions.filter(codename="change_premises").exists()
    assert not grid.permissions.filter(codename="delete_premises").exists()


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_admin_is_for_superusers_only(world, client):
    client.force_login(world.user("county"))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_edit_is_audited_with_its_source(world, client):
    admin = User.objects.create_superuser("root", "root@example.org", "x-Long-pass-42")
    client.force_login(admin)
    premises = world.premises_a
    url = reverse("admin:core_premises_change", args=[premises.pk])
    form = {
        "name": "甲镇中心小学（新校区）",
        "credit_code": premises.credit_code,
        "sector": premises.sector_id,
        "region": premises.region_id,
        "address": premises.address,
        "status": "operating",
        "contact_name": "",
        "contact_phone": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.latest("seq")
    assert entry.source == "admin" and entry.actor == admin
    assert entry.changes["name"] == ["甲镇中心小学", "甲镇中心小学（新校区）"]
    assert Premises.objects.get(pk=premises.pk).name == "甲镇中心小学（新校区）"


def test_audit_entries_cannot_be_edited_in_admin(world, client):
    admin = User.objects.create_superuser("root", "root@example.org", "x-Long-pass-42")
    client.force_login(admin)

    record_bulk_create([world.premises_a])
    entry = AuditEntry.objects.earliest("seq")
    response = client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"object_repr": "forged"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).object_repr != "forged"
