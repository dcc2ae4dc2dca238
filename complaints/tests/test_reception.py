"""Leader reception days: the schedule by region, booking within capacity and once a day per
complaint, marking who came, and the record whose instructions reach each complaint as a note."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.choices import AppointmentState
from complaints.models import CaseNote, ReceptionAppointment, ReceptionDay, ReceptionRecord
from complaints.services.reception import book as book_complaint
from complaints.services.reception import mark, save_record
from complaints.tests.factories import ComplaintWorld, complaint_world, file_complaint
from core.models import AuditEntry
from testing.api import CreateTests, ListTests, RetrieveTests, UpdateTests, token_client
from testing.world import World, make_user

pytestmark = pytest.mark.django_db


def reception_day(
    cw: ComplaintWorld, region: Any = None, days: int = 3, capacity: int = 2
) -> ReceptionDay:
    return ReceptionDay.objects.create(
        leader=cw.user("leader_gov"), region=region or cw.world.county,
        day=timezone.localdate() + dt.timedelta(days=days), starts=dt.time(9), ends=dt.time(12),
        place="县信访接待中心", capacity=capacity,
    )  # fmt: skip


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def book(client: Any, day: ReceptionDay, number: str, at: str = "09:30") -> Any:
    return client.post(reverse("complaints:receptionday_book", args=[day.pk]),
                       {"number": number, "at": at})  # fmt: skip


def test_the_desk_books_complaints_until_the_day_is_full(client, cw):
    day = reception_day(cw, capacity=2)
    complaints = [file_complaint(cw).complaint for _ in range(3)]
    client.force_login(cw.user("clerk"))
    assert book(client, day, complaints[0].number).status_code == 302
    assert book(client, day, complaints[1].number, "10:00").status_code == 302
    full = book(client, day, complaints[2].number, "10:30")
    assert full.status_code == 400
    assert "This day is full: all 2 places are booked" in full.content.decode()
    assert day.appointments.count() == 2
    assert AuditEntry.objects.filter(content_type__model="receptionappointment").count() == 2


def test_a_complaint_is_booked_only_once_a_day(client, cw):
    day = reception_day(cw, capacity=5)
    complaint = file_complaint(cw).complaint
    client.force_login(cw.user("clerk"))
    assert book(client, day, complaint.number).status_code == 302
    again = book(client, day, complaint.number, "11:00")
    assert again.status_code == 400
    assert f"Case {complaint.number} is already booked on this day." in again.content.decode()
    assert day.appointments.count() == 1


def test_a_time_outside_the_hours_is_refused_with_the_hours(client, cw):
    day = reception_day(cw)
    client.force_login(cw.user("clerk"))
    response = book(client, day, file_complaint(cw).complaint.number, "14:00")
    assert "Pick a time between 09:00 and 12:00." in response.content.decode()
    assert not day.appointments.exists()


def test_a_cancelled_booking_frees_its_place(client, cw):
    day = reception_day(cw, capacity=1)
    first, second = file_complaint(cw).complaint, file_complaint(cw).complaint
    client.force_login(cw.user("clerk"))
    book(client, day, first.number)
    appointment = day.appointments.get()
    mark = reverse("complaints:receptionappointment_mark", args=[appointment.pk])
    assert client.post(mark, {"state": "cancelled"}).status_code == 302
    assert book(client, day, second.number).status_code == 302


def test_record_links_received_complaints_and_notes_the_instructions(client, cw):
    day = reception_day(cw, days=0, capacity=3)
    came, missed = file_complaint(cw).complaint, file_complaint(cw).complaint
    clerk = token_client(cw.user("clerk"))
    for complaint in (came, missed):
        booking = {"day": day.pk, "complaint": complaint.pk, "at": "09:00"}
        response = clerk.post(reverse("api:receptionappointment-list"), booking, "json")
        assert response.status_code == 201, response.content
    ids = dict(day.appointments.values_list("complaint_id", "pk"))
    for complaint, state in ((came, "received"), (missed, "missed")):
        url = reverse("api:receptionappointment-mark", args=[ids[complaint.pk]])
        assert clerk.post(url, {"state": state}, "json").status_code == 200

    client.force_login(cw.user("leader_gov"))
    response = client.post(
        reverse("complaints:receptionday_record", args=[day.pk]),
        {"summary": "群众反映夜间施工噪声。", "instructions": "住建局三日内约谈施工单位。"},
    )
    assert response.status_code == 302, response.content.decode()
    record = ReceptionRecord.objects.get(day=day)
    assert list(record.complaints.all()) == [came]
    note = CaseNote.objects.get(complaint=came)
    assert not note.for_complainant
    assert "住建局三日内约谈施工单位。" in note.text
    assert not CaseNote.objects.filter(complaint=missed).exists()
    assert AuditEntry.objects.filter(
        content_type__model="casenote", object_id=str(note.pk)
    ).exists()
    page = client.get(day.get_absolute_url()).content.decode()
    assert came.number in page


def test_rewriting_the_record_notes_new_instructions_once(cw):
    day = reception_day(cw, days=0)
    complaint = file_complaint(cw).complaint
    appointment = book_complaint(day, complaint, dt.time(9), cw.user("clerk"))
    mark(appointment, AppointmentState.RECEIVED, cw.user("clerk"))
    leader = cw.user("leader_gov")
    save_record(day, leader, "第一次", "先核实")
    save_record(day, leader, "补充", "先核实")
    assert CaseNote.objects.filter(complaint=complaint).count() == 1
    save_record(day, leader, "补充", "限期答复")
    assert CaseNote.objects.filter(complaint=complaint).count() == 2


def test_a_record_is_not_written_before_the_day(client, cw):
    day = reception_day(cw, days=2)
    client.force_login(cw.user("leader_gov"))
    response = client.post(reverse("complaints:receptionday_record", args=[day.pk]),
                           {"summary": "提前"})  # fmt: skip
    assert response.status_code == 400
    assert "on or after the day of the reception" in response.content.decode()
    assert not ReceptionRecord.objects.exists()


def test_the_list_shows_coming_and_past_days_in_scope_only(client, cw):
    coming = reception_day(cw, region=cw.world.township_a, days=5)
    past = reception_day(cw, region=cw.world.township_a, days=-5)
    elsewhere = reception_day(cw, region=cw.world.township_b, days=5)
    viewer = make_user("leader_a", "government_leader", regions=[cw.world.township_a])
    client.force_login(viewer)
    page = client.get(reverse("complaints:receptionday_list")).content.decode()
    upcoming_part, past_part = page.split('data-section="past"')
    assert f'data-day="{coming.pk}"' in upcoming_part
    assert f'data-day="{past.pk}"' in past_part
    assert f'data-day="{elsewhere.pk}"' not in page
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


def test_the_respondent_unit_sees_no_reception_day(client, cw):
    day = reception_day(cw)
    client.force_login(cw.user("respondent"))
    assert client.get(day.get_absolute_url()).status_code == 404
    client.force_login(cw.world.user("no_permission"))
    assert client.get(reverse("complaints:receptionday_list")).status_code == 403


def test_a_leader_schedules_a_day(client, cw):
    client.force_login(cw.user("leader_gov"))
    response = client.post(reverse("complaints:receptionday_add"), {
        "leader": cw.user("leader_gov").pk, "region": cw.world.county.pk, "day": "2030-01-08",
        "starts": "09:00", "ends": "11:30", "place": "县政府一楼接待室", "capacity": 6,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    day = ReceptionDay.objects.get(place="县政府一楼接待室")
    assert (
        AuditEntry.objects.filter(content_type__model="receptionday", object_id=str(day.pk)).count()
        == 1
    )


class TestReceptionDayAPI(ListTests, RetrieveTests, CreateTests, UpdateTests):
    """Government leaders schedule and change days; deleting one is an administrator's."""

    model = ReceptionDay
    basename = "receptionday"
    scoped_persona = "leader_a"

    def set_up(self, world: World) -> None:
        self.cw = complaint_world(world)
        world.users["leader_a"] = make_user(
            "leader_a", "government_leader", regions=[world.township_a]
        )
        self.day_a = reception_day(self.cw, region=world.township_a)
        self.day_b = reception_day(self.cw, region=world.township_b)

    def in_scope(self) -> ReceptionDay:
        return self.day_a

    def out_of_scope(self) -> ReceptionDay:
        return self.day_b

    def create_data(self) -> dict[str, Any]:
        return {"leader": self.world.user("leader_a").pk, "region": self.world.township_a.pk,
                "day": "2030-01-08", "starts": "09:00", "ends": "11:00", "place": "甲镇政府",
                "capacity": 4}  # fmt: skip

    def out_of_scope_create_data(self) -> dict[str, Any]:
        return {**self.create_data(), "region": self.world.township_b.pk}

    def update_data(self) -> dict[str, Any]:
        return {"place": "甲镇便民服务中心"}

    def test_delete_without_permission_is_403(self) -> None:
        response = self.client("no_permission").delete(self.detail_url(self.day_a))
        assert response.status_code == 403
        assert ReceptionDay.objects.filter(pk=self.day_a.pk).exists()

    def test_delete_unscoped_is_204_with_one_audit_entry(self) -> None:
        entries = AuditEntry.objects.count()
        response = self.client("superuser").delete(self.detail_url(self.day_b))
        assert response.status_code == 204
        assert not ReceptionDay.objects.filter(pk=self.day_b.pk).exists()
        self.assert_one_audit_entry(entries, self.day_b.pk, "delete")

    def test_a_leader_deletes_no_day_in_or_out_of_scope(self) -> None:
        entries = AuditEntry.objects.count()
        for day in (self.day_a, self.day_b):
            response = self.client("leader_a").delete(self.detail_url(day))
            assert response.status_code == 403  # the role holds add and change only
        assert ReceptionDay.objects.filter(pk__in=[self.day_a.pk, self.day_b.pk]).count() == 2
        assert AuditEntry.objects.count() == entries


def test_api_booking_beyond_capacity_says_so(cw):
    day = reception_day(cw, capacity=1)
    clerk = token_client(cw.user("clerk"))
    url = reverse("api:receptionappointment-list")
    first, second = file_complaint(cw).complaint, file_complaint(cw).complaint
    assert (
        clerk.post(url, {"day": day.pk, "complaint": first.pk, "at": "09:00"}, "json").status_code
        == 201
    )
    refused = clerk.post(url, {"day": day.pk, "complaint": second.pk, "at": "09:10"}, "json")
    assert refused.status_code == 400
    assert "This day is full" in str(refused.json())
    assert ReceptionAppointment.objects.filter(day=day).count() == 1
