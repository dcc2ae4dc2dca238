"""A complainant's identity in the audit log: only a keyed fingerprint that says a value
changed, never the value or a bare hash anyone could recompute (Letters and Visits Regulations
2022 Arts 30, 46)."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType

from complaints.models import Complainant
from complaints.services.intake import ComplainantData
from complaints.tests.factories import complaint_world, file_complaint
from core.audit import record_change, snapshot, verify_chain
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

IDENTITY = {
    "name": "张三",
    "phone": "13800138000",
    "id_number": "110101199003077777",
    "address": "某路1号",
}


def bare_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:8]


def audit_text(complainant: Complainant) -> str:
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Complainant), object_id=str(complainant.pk)
    )
    assert entries.exists()
    return " ".join(json.dumps(e.changes, ensure_ascii=False) + e.object_repr for e in entries)


def filed_complainant(world) -> Complainant:
    cw = complaint_world(world)
    identity = ComplainantData(
        name=IDENTITY["name"],
        phone=IDENTITY["phone"],
        id_number=IDENTITY["id_number"],
        address=IDENTITY["address"],
    )
    receipt = file_complaint(cw, complainants=[identity])
    return Complainant.objects.get(complaint=receipt.complaint)


def test_the_audit_of_a_new_complainant_holds_no_identity_nor_its_bare_hash(world):
    complainant = filed_complainant(world)
    text = audit_text(complainant)
    for value in IDENTITY.values():
        assert value not in text
        assert bare_hash(value) not in text
    assert "[hidden]" in text


def test_a_changed_phone_is_recorded_as_changed_without_the_number(world):
    complainant = filed_complainant(world)
    before = snapshot(complainant)
    complainant.phone = "13900139000"
    complainant.save()
    entry = record_change(complainant, before)
    assert entry is not None
    old, new = entry.changes["phone"]
    assert old.startswith("[hidden]") and new.startswith("[hidden]") and old != new
    for value in ("13800138000", "13900139000"):
        assert value not in str(entry.changes) and bare_hash(value) not in str(entry.changes)


def test_the_chain_verifies_before_and_after_the_audit_key_changes(world, settings):
    filed_complainant(world)
    assert verify_chain()[1] is None
    settings.AUDIT_KEY = "another-audit-key-of-enough-length-000000"
    complainant = Complainant.objects.get()
    before = snapshot(complainant)
    complainant.address = "某路2号"
    complainant.save()
    assert record_change(complainant, before) is not None
    assert verify_chain()[1] is None
