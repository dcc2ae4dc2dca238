"""The generic API suites for category questions, answer options, reception appointments and
reception records: each resource in the four permission cases of CONVENTIONS.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from complaints.choices import AppointmentState
from complaints.models import (
    AttributeOption,
    Category,
    CategoryAttribute,
    Complaint,
    ReceptionAppointment,
    ReceptionDay,
    ReceptionRecord,
)
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from core.models import Region
from testing.api import UNSCOPED, APIViewTestCases, CreateTests, ListTests, RetrieveTests
from testing.world import World, make_user

pytestmark = pytest.mark.django_db


def reception_day(cw: ComplaintWorld, region: Region, days: int) -> ReceptionDay:
    """A morning reception day `days` from today (negative: already held)."""
    return ReceptionDay.objects.create(
        leader=cw.user("leader_gov"), region=region,
        day=timezone.localdate() + dt.timedelta(days=days), starts=dt.time(9), ends=dt.time(12),
        place="接待中心", capacity=3,
    )  # fmt: skip


def complaint_at(cw: ComplaintWorld, grid: Region) -> Complaint:
    return file_complaint(cw, region=grid).complaint


def appointment(day: ReceptionDay, complaint: Complaint, state: str) -> ReceptionAppointment:
    return ReceptionAppointment.objects.create(day=day, complaint=complaint, at=dt.time(9, 30),
                                               state=state)  # fmt: skip


class TestCategoryAttributeAPI(APIViewTestCases.APIViewTestCase):
    """Questions are reference data: every reader sees them all, so nothing is out of scope;
    administrators write them."""

    model = CategoryAttribute
    basename = "categoryattribute"
    scoped_persona = "directory_admin_a"
    scoped_persona_for = {"view": "township_a"}

    def set_up(self, world: World) -> None:
        # A question no complaint has answered yet, so it may be deleted.
        self.spare = CategoryAttribute.objects.create(
            category=Category.objects.get(code="CITY-NOISE"), code="spare",
            description="还有什么要补充？", datatype="text",
        )  # fmt: skip

    def in_scope(self) -> CategoryAttribute:
        return CategoryAttribute.objects.get(category__code="CITY-NOISE", code="when")

    def out_of_scope(self) -> None:
        return None

    def deletable(self, in_scope: bool) -> CategoryAttribute | None:
        return self.spare if in_scope else None

    def create_data(self) -> dict[str, Any]:
        return {"category": Category.objects.get(code="CITY-NOISE").pk, "code": "source",
                "description": "噪声来自哪里？", "datatype": "string"}  # fmt: skip

    def out_of_scope_create_data(self) -> None:
        return None

    def update_data(self) -> dict[str, Any]:
        return {"description": "噪声通常在什么时候？"}


class TestAttributeOptionAPI(APIViewTestCases.APIViewTestCase):
    """Answer options, reference data like their questions (nothing out of scope)."""

    model = AttributeOption
    basename = "attributeoption"
    scoped_persona = "directory_admin_a"
    scoped_persona_for = {"view": "township_a"}

    def set_up(self, world: World) -> None:
        self.question = CategoryAttribute.objects.get(category__code="CITY-NOISE", code="when")

    def in_scope(self) -> AttributeOption:
        return AttributeOption.objects.get(attribute=self.question, key="night")

    def out_of_scope(self) -> None:
        return None

    def create_data(self) -> dict[str, Any]:
        return {"attribute": self.question.pk, "key": "weekend", "name": "周末"}

    def out_of_scope_create_data(self) -> None:
        return None

    def update_data(self) -> dict[str, Any]:
        return {"name": "夜间"}


class TestReceptionAppointmentAPI(ListTests, RetrieveTests, CreateTests):
    """Bookings: the desk books (create) and marks; there is no edit or delete."""

    model = ReceptionAppointment
    basename = "receptionappointment"
    scoped_persona = "clerk_a"

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        world.users["clerk_a"] = make_user(
            "desk_clerk_a", "complaint_clerk", regions=[world.township_a]
        )
        self.day_a = reception_day(self.cw, world.township_a, days=3)
        self.day_b = reception_day(self.cw, world.township_b, days=3)
        self.booked_a = appointment(self.day_a, complaint_at(self.cw, world.grid_a), "booked")
        self.booked_b = appointment(self.day_b, complaint_at(self.cw, world.grid_b), "booked")
        self.unbooked_a = complaint_at(self.cw, world.grid_a)
        self.unbooked_b = complaint_at(self.cw, world.grid_b)

    def in_scope(self) -> ReceptionAppointment:
        return self.booked_a

    def out_of_scope(self) -> ReceptionAppointment:
        return self.booked_b

    def create_data(self) -> dict[str, Any]:
        return {"day": self.day_a.pk, "complaint": self.unbooked_a.pk, "at": "10:00"}

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {"day": self.day_b.pk, "complaint": self.unbooked_b.pk, "at": "10:00"}

    def test_appointments_are_marked_not_edited_or_deleted(self) -> None:
        client = self.client(UNSCOPED)
        url = self.detail_url(self.booked_a)
        assert client.patch(url, {"at": "11:00"}, "json").status_code == 405
        assert client.delete(url).status_code == 405
        assert ReceptionAppointment.objects.get(pk=self.booked_a.pk).at == dt.time(9, 30)


class TestReceptionRecordAPI(ListTests, RetrieveTests, CreateTests):
    """Records of held days: government leaders of the region write them (create, or post
    again to rewrite); there is no edit or delete."""

    model = ReceptionRecord
    basename = "receptionrecord"
    scoped_persona = "leader_a"

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        world.users["leader_a"] = make_user(
            "leader_a", "government_leader", regions=[world.township_a]
        )
        leader = self.cw.user("leader_gov")
        self.held_a = reception_day(self.cw, world.township_a, days=-2)
        appointment(self.held_a, complaint_at(self.cw, world.grid_a), AppointmentState.RECEIVED)
        self.record_a = ReceptionRecord.objects.create(
            day=self.held_a, summary="甲镇接访", recorded_by=leader
        )
        self.record_a.complaints.set([a.complaint for a in self.held_a.appointments.all()])
        held_b = reception_day(self.cw, world.township_b, days=-2)
        self.record_b = ReceptionRecord.objects.create(
            day=held_b, summary="乙镇接访", recorded_by=leader
        )
        self.unrecorded_a = reception_day(self.cw, world.township_a, days=-1)
        self.unrecorded_b = reception_day(self.cw, world.township_b, days=-1)

    def in_scope(self) -> ReceptionRecord:
        return self.record_a

    def out_of_scope(self) -> ReceptionRecord:
        return self.record_b

    def create_data(self) -> dict[str, Any]:
        return {"day": self.unrecorded_a.pk, "summary": "听取群众反映噪声问题",
                "instructions": "住建局一周内答复"}  # fmt: skip

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "day": self.unrecorded_b.pk}

    def test_records_are_rewritten_by_posting_not_edited_or_deleted(self) -> None:
        client = self.client(UNSCOPED)
        url = self.detail_url(self.record_a)
        assert client.patch(url, {"summary": "改"}, "json").status_code == 405
        assert client.delete(url).status_code == 405
        assert ReceptionRecord.objects.get(pk=self.record_a.pk).summary == "甲镇接访"
