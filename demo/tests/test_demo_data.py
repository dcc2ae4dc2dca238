"""`manage.py demo_data`: the demo county, its determinism, its users and its safeguards."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import RequestFactory

from core.choices import RegionLevel, ResponsibilityKind
from core.models import AuditEntry, Department, Licence, Premises, Region, Responsibility, User
from core.responsibilities import Assignment, derived_assignments
from core.roles import ROLES
from core.validators import org_code_check_character, validate_credit_code
from demo.bulk import plain_indexes, secondary_indexes_rebuilt_after
from demo.users import DEMO_USERS, SUPERUSER
from testing.browser import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def demo_data(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_data", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class Rollback(Exception):
    """Raised to undo a generation inside a test, so a second one starts from empty."""


def generated_premises(*args: str) -> list[tuple[str, str, str]]:
    """Generate inside a transaction, read the premises, then roll everything back."""
    try:
        with transaction.atomic():
            demo_data(*args)
            rows = list(
                Premises.objects.order_by("pk").values_list("name", "credit_code", "address")
            )
            raise Rollback
    except Rollback:
        return rows


def stored_assignments(premises: Premises) -> set[Assignment]:
    return {
        Assignment(r.kind, r.region_id, r.department_id, r.licence_id, r.is_lead)
        for r in premises.responsibilities.all()
    }


def test_default_county_has_the_promised_size_and_valid_premises():
    demo_data()

    assert Region.objects.filter(level=RegionLevel.CITY).count() == 1
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() == 1
    assert Region.objects.filter(level=RegionLevel.TOWNSHIP).count() >= 10
    assert Region.objects.filter(level=RegionLevel.GRID).count() >= 100
    assert Department.objects.filter(region__level=RegionLevel.COUNTY).count() >= 20
    assert Department.objects.get(name__endswith="应急管理局").supervises_all
    assert Premises.objects.count() >= 2000
    codes = list(Premises.objects.values_list("credit_code", flat=True))
    assert len(set(codes)) == len(codes)
    for code in codes:
        validate_credit_code(code)
        assert org_code_check_character(code[8:16]) == code[16]
    assert not Premises.objects.exclude(region__level=RegionLevel.GRID).exists()
    assert not Premises.objects.annotate(n=Count("responsibilities")).filter(n=0).exists()


def test_bulk_responsibilities_match_derive_responsibilities():
    demo_data("--premises", "300")
    licensed = Licence.objects.values("premises")
    sample = [
        *Premises.objects.filter(pk__in=licensed).order_by("pk")[:40],
        *Premises.objects.exclude(pk__in=licensed).order_by("pk")[:40],
    ]
    for premises in sample:
        assert stored_assignments(premises) == derived_assignments(premises), premises.name
    territorial = Responsibility.objects.filter(kind=ResponsibilityKind.TERRITORIAL)
    assert territorial.count() == Premises.objects.count()


def test_licensed_sectors_hold_their_licences():
    demo_data("--premises", "400")
    for premises in Premises.objects.filter(sector__code__startswith="SCHOOL"):
        assert premises.licences.filter(licence_type__name="办学许可证").exists()
    for premises in Premises.objects.filter(sector__code__startswith="FIREWORKS"):
        assert premises.licences.filter(licence_type__name="烟花爆竹经营许可证").exists()


def test_same_seed_gives_the_same_county_and_another_seed_another():
    first = generated_premises("--premises", "200", "--seed", "7")
    again = generated_premises("--premises", "200", "--seed", "7")
    other = generated_premises("--premises", "200", "--seed", "8")

    assert first == again
    assert first != other


def test_batch_size_does_not_change_what_is_generated():
    whole = generated_premises("--premises", "150", "--batch-size", "1000")
    in_pieces = generated_premises("--premises", "150", "--batch-size", "7")

    assert whole == in_pieces


def test_scale_multiplies_the_premises():
    demo_data("--scale", "2")

    assert Premises.objects.count() == 2 * 2000


def test_every_role_has_a_demo_user_who_signs_in_with_the_demo_password():
    demo_data("--premises", "100")
    request = RequestFactory().post("/accounts/login/")

    roles = {spec.role for spec in DEMO_USERS}
    assert {role.key for role in ROLES if role.for_people} <= roles
    for spec in DEMO_USERS:
        user = authenticate(request, username=spec.username, password=DEMO_PASSWORD)
        assert user is not None, spec.username
        if spec.role != SUPERUSER:
            assert list(user.groups.values_list("name", flat=True)) == [spec.role]


def test_demo_password_is_hashed_once_with_argon2():
    demo_data("--premises", "50")

    hashes = set(
        User.objects.filter(username__in=[s.username for s in DEMO_USERS]).values_list(
            "password", flat=True
        )
    )
    assert len(hashes) == 1
    [shared] = hashes
    assert shared.startswith("argon2") and check_password(DEMO_PASSWORD, shared)


def test_list_users_prints_one_tab_separated_line_per_demo_user():
    demo_data("--premises", "100")

    lines = demo_data("--list-users").splitlines()

    assert [line.split("\t")[0] for line in lines] == [spec.username for spec in DEMO_USERS]
    for line in lines:
        _username, role, scope = line.split("\t")
        assert role and scope
    township_a = next(line for line in lines if line.startswith("township_a\t"))
    assert township_a.split("\t") == ["township_a", "township_staff", "青溪镇"]


def test_if_empty_leaves_an_existing_county_alone():
    demo_data("--premises", "100")
    counts = (Premises.objects.count(), User.objects.count(), AuditEntry.objects.count())

    demo_data("--if-empty")

    assert (Premises.objects.count(), User.objects.count(), AuditEntry.objects.count()) == counts
    with pytest.raises(CommandError, match="already has regions"):
        demo_data()


def test_generation_is_audited_per_row_for_the_demo_county():
    demo_data("--premises", "100")

    created = AuditEntry.objects.filter(action="create", source="command:demo_data")
    assert created.filter(content_type__model="premises").count() == 100
    assert created.filter(content_type__model="user").count() == len(DEMO_USERS)


def test_scale_runs_write_one_audit_entry_per_batch():
    demo_data("--premises", "2500", "--batch-size", "1000")

    entries = AuditEntry.objects.filter(content_type__model="premises").order_by("seq")
    assert [e.object_id for e in entries] == ["1-1000", "1001-2000", "2001-2500"]


def test_production_refuses_to_create_demo_users(settings):
    settings.CIVICDESK_ENV = "production"

    with pytest.raises(CommandError, match="production"):
        demo_data("--if-empty")

    assert not User.objects.exists()
    assert not Region.objects.exists()


def test_large_loads_rebuild_exactly_the_indexes_they_dropped():
    tables = [m._meta.db_table for m in (Premises, Licence, Responsibility)]
    before = {t: plain_indexes(t) for t in tables}
    assert all(before.values())

    with secondary_indexes_rebuilt_after(Premises, Licence, Responsibility):
        assert not any(plain_indexes(t) for t in tables)

    assert {t: plain_indexes(t) for t in tables} == before
