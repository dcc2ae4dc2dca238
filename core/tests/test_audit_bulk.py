"""The bulk path for create entries: the same entries as one by one, in the same chain."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction

from core.audit import audit_context, record_bulk_create, record_creates, verify_chain
from core.models import AuditChainHead, AuditEntry

# What differs between two entries for the same object written at different times.
POSITION = ("id", "seq", "timestamp", "prev_hash", "hash")


def entries_after(seq: int) -> list[dict]:
    rows = AuditEntry.objects.filter(seq__gt=seq).order_by("seq").values()
    return [{k: v for k, v in row.items() if k not in POSITION} for row in rows]


def head_seq() -> int:
    head = AuditChainHead.objects.filter(pk=1).first()
    return head.seq if head else 0


def test_bulk_creates_match_the_one_by_one_entries_and_the_chain_verifies(world):
    staff = world.user("township_a")
    # Users: a secret (the password, fingerprinted) and many-to-many fields (sorted ids).
    objects = [world.premises_a, world.premises_b, world.grid_a, staff, world.user("county")]
    with audit_context(actor=staff, source="import", request_id="req-bulk"):
        start = head_seq()
        record_bulk_create(objects)
        middle = head_seq()
        assert record_creates(objects) == len(objects)
    one_by_one, bulk = entries_after(start)[: len(objects)], entries_after(middle)
    assert bulk == one_by_one
    assert bulk[0]["actor_id"] == staff.pk and bulk[0]["source"] == "import"
    assert all(entry["action"] == "create" for entry in bulk)
    assert head_seq() == middle + len(objects)
    checked, problem = verify_chain()
    assert problem is None and checked == head_seq()


def test_bulk_entries_keep_the_chain_order_across_blocks(world, monkeypatch):
    import core.audit

    monkeypatch.setattr(core.audit, "_INSERT_ROWS", 2)  # several INSERTs in one batch
    record_creates([world.premises_a, world.premises_b, world.grid_a, world.grid_b, world.grid_a])
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    assert verify_chain()[1] is None


def test_bulk_entries_roll_back_with_the_caller(world):
    before, count = head_seq(), AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_creates([world.premises_a, world.premises_b])
        raise RuntimeError
    assert head_seq() == before and AuditEntry.objects.count() == count
    assert verify_chain()[1] is None


def test_nothing_to_record_writes_nothing(world):
    count = AuditEntry.objects.count()
    assert record_creates([]) == 0
    assert AuditEntry.objects.count() == count


def test_verify_audit_command_accepts_bulk_entries(world, capsys):
    record_creates([world.premises_a, world.grid_b])
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out
