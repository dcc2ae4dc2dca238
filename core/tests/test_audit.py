"""The audit chain: every write is recorded with who/when/what, and tampering is found."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from core.audit import audit_context, record_bulk_create, record_change, snapshot, verify_chain
from core.choices import PremisesStatus
from core.models import AuditEntry, Premises
from core.models.audit import ReadOnlyError
from core.services import OutOfScopeError, delete_in_scope, save_in_scope


def change_status(user, premises: Premises, status: str) -> Premises:
    premises.status = status

    def save() -> Premises:
        premises.save()
        return premises

    return save_in_scope(user, premises, save)


def test_update_records_actor_request_and_before_after(world):
    staff = world.user("township_a")
    with audit_context(actor=staff, source="web", request_id="req-42"):
        change_status(staff, world.premises_a, PremisesStatus.SUSPENDED)
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "update"
    assert entry.actor == staff and entry.actor_label == "staff_a"
    assert entry.request_id == "req-42" and entry.source == "web"
    assert entry.object_id == str(world.premises_a.pk)
    assert entry.changes == {"status": ["operating", "suspended"]}


def test_unchanged_save_writes_no_entry(world):
    staff = world.user("township_a")
    before = AuditEntry.objects.count()
    save_in_scope(staff, world.premises_a, lambda: (world.premises_a.save(), world.premises_a)[1])
    assert AuditEntry.objects.count() == before


def saved(premises: Premises) -> Premises:
    premises.save()
    return premises


def test_out_of_scope_write_is_rolled_back_without_entry(world):
    staff = world.user("township_a")
    premises = Premises.objects.get(pk=world.premises_a.pk)
    premises.region = world.grid_b  # moving it into township B would leave A's scope
    before = AuditEntry.objects.count()
    with pytest.raises(OutOfScopeError):
        save_in_scope(staff, premises, lambda: saved(premises))
    assert Premises.objects.get(pk=premises.pk).region == world.grid_a
    assert AuditEntry.objects.count() == before


def test_delete_records_last_values(world):
    county = world.user("county")
    premises = world.premises_b
    pk = premises.pk
    delete_in_scope(county, premises)
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "delete" and entry.object_id == str(pk)
    assert entry.changes["name"] == ["乙镇中心小学", None]
    assert not Premises.objects.filter(pk=pk).exists()


def test_entries_are_read_only(world):
    record_bulk_create([world.premises_a])
    entry = AuditEntry.objects.earliest("seq")
    entry.object_repr = "forged"
    with pytest.raises(ReadOnlyError):
        entry.save()
    with pytest.raises(ReadOnlyError):
        entry.delete()


def seed_chain(world, count: int = 5) -> list[AuditEntry]:
    record_bulk_create([world.premises_a, world.premises_b, world.grid_a, world.grid_b])
    return list(AuditEntry.objects.order_by("seq"))


def run_verify() -> tuple[int, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, out.getvalue()


def test_verify_audit_passes_on_intact_chain(world):
    seed_chain(world)
    code, output = run_verify()
    assert code == 0 and "intact" in output


def test_verify_audit_names_row_edited_in_database(world):
    entries = seed_chain(world)
    victim = entries[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["tampered", victim.pk]
        )
    code, output = run_verify()
    assert code == 1
    assert f"entry #{victim.seq} (id {victim.pk})" in output


def test_verify_audit_finds_deleted_row(world):
    entries = seed_chain(world)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    code, output = run_verify()
    assert code == 1 and f"entry #{entries[2].seq}" in output and "missing" in output


def test_verify_audit_finds_truncated_tail(world):
    entries = seed_chain(world)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    checked, problem = verify_chain()
    assert problem is not None and checked == len(entries) - 1


def test_verify_audit_finds_rehashed_forgery(world):
    """Re-computing one row's own hash is not enough: the next row's link no longer matches."""
    from core.audit import entry_digest

    entries = seed_chain(world)
    victim = entries[0]
    victim.object_repr = "forged"
    forged_hash = entry_digest(victim)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET object_repr = %s, hash = %s WHERE id = %s",
            ["forged", forged_hash, victim.pk],
        )
    _checked, problem = verify_chain()
    assert problem is not None and problem.seq == entries[1].seq


def test_secrets_are_never_copied_into_the_log(world):
    staff = world.user("township_a")
    before = snapshot(staff)
    staff.set_password("a-new-Secret-77")
    staff.save()
    entry = record_change(staff, before)
    assert entry is not None
    old, new = entry.changes["password"]
    assert old.startswith("[hidden]") and new.startswith("[hidden]") and old != new
    assert "argon2" not in str(entry.changes)
