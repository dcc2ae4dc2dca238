"""The complaint list, its export and the complaint page: the four permission cases of the generic
page suites, filters, a query count that does not grow with the rows, actions with the version the
page showed, the timeline, supervision and the panels other features add."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.choices import Channel, ComplaintState
from complaints.models import CaseNote, Complaint, HandlingTask, Transfer
from complaints.panels import actions_in_panels, complaint_panels
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.audit import record_change
from core.models import AuditEntry
from core.panels import Panel
from testing.views import DetailViewTests, ExportTests, ListViewTests, Rows, export_text
from testing.world import World
from workflow.models import Clock, SupervisionNotice

pytestmark = pytest.mark.django_db


def complaint_url(complaint: Complaint, page: str = "detail") -> str:
    return reverse(f"complaints:complaint_{page}", args=[complaint.pk])


def list_url() -> str:
    return reverse("complaints:complaint_list")


class TestComplaintPages(ListViewTests, ExportTests, DetailViewTests):
    """Township A's staff see township A's complaints (where the matter is) and nothing else."""

    model = Complaint

    def make_rows(self, world: World) -> Rows:
        self.cw = complaint_world(world)
        inside = file_complaint(self.cw, title="甲镇噪声").complaint
        outside = file_complaint(self.cw, title="乙镇噪声", region=world.grid_b).complaint
        return Rows(inside, outside, inside)

    def url(self, page: str, obj: Any = None) -> str:
        if page == "list":
            return list_url()
        return complaint_url(obj, page)

    def export(self, client: Client, export_format: str, **filters: Any) -> Any:
        url = reverse("complaints:complaint_export")
        return client.get(url, {"export": export_format, **filters})


@pytest.fixture
def cw(world: World) -> ComplaintWorld:
    return complaint_world(world)


def signed_in(client: Client, cw: ComplaintWorld, persona: str) -> Client:
    client.force_login(cw.user(persona))
    return client


def listed_numbers(client: Client, **filters: Any) -> set[str]:
    response = client.get(list_url(), filters)
    assert response.status_code == 200
    return {row.record.number for row in response.context["table"].page.object_list}


def test_filters_narrow_the_list_by_state_channel_category_region_and_dates(client, cw):
    letter = file_complaint(cw).complaint
    hotline = file_complaint(cw, channel=Channel.HOTLINE, title="热线").complaint
    routed = advance(file_complaint(cw, title="已转").complaint, cw, ComplaintState.ASSIGNED)
    old = file_complaint(
        cw, title="去年", received_at=timezone.now() - dt.timedelta(days=400)
    ).complaint
    signed_in(client, cw, "clerk")
    assert listed_numbers(client, state="assigned") == {routed.number}
    assert listed_numbers(client, channel="hotline") == {hotline.number}
    assert letter.number in listed_numbers(client, category=letter.category.parent_id)
    assert listed_numbers(client, region=cw.world.township_b.pk) == set()
    recent = listed_numbers(client, received_after=timezone.localdate() - dt.timedelta(days=30))
    assert old.number not in recent and letter.number in recent
    assert listed_numbers(client, department=cw.unit.pk) == {routed.number}
    assert listed_numbers(client, q=hotline.number) == {hotline.number}


def test_overdue_and_repeat_filters(client, cw):
    late = file_complaint(cw, title="逾期").complaint
    file_complaint(cw, title="未逾期")
    Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=late.pk
    ).update(due=timezone.now() - dt.timedelta(hours=1))
    again = file_complaint(cw, title="重复").complaint
    Complaint.objects.filter(pk=again.pk).update(repeat_count=2)
    signed_in(client, cw, "clerk")
    assert listed_numbers(client, overdue="true") == {late.number}
    assert listed_numbers(client, repeated="true") == {again.number}
    assert listed_numbers(client, backlog="true") == set()


def test_list_query_count_does_not_grow_with_the_rows(client, cw):
    signed_in(client, cw, "clerk")
    file_complaint(cw)
    client.get(list_url())  # warm caches (content types, the user's scope)
    with CaptureQueriesContext(connection) as one:
        client.get(list_url())
    for n in range(5):
        file_complaint(cw, title=f"第{n}件", channel=Channel.VISIT)
    with CaptureQueriesContext(connection) as six:
        client.get(list_url())
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]


def test_export_has_the_complaint_never_the_complainant(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    for export_format in ("csv", "xlsx"):
        url = reverse("complaints:complaint_export")
        text = export_text(client.get(url, {"export": export_format}))
        assert complaint.number in text
        assert "张三" not in text and "13800000000" not in text and "凌晨" not in text


def test_complaint_page_shows_the_complaint_clocks_actions_and_timeline(client, cw):
    complaint = file_complaint(cw).complaint
    content = signed_in(client, cw, "clerk").get(complaint_url(complaint)).content.decode()
    assert complaint.title in content and "night" in content  # the category answer
    assert 'data-transition="route"' in content or "route" in actions_in_panels
    assert f'name="version" value="{complaint.version}"' in content
    assert "24:00" in content or ":" in content  # the due as people say it
    assert 'id="timeline"' in content


def test_route_from_the_page_moves_the_complaint_and_shows_in_the_timeline(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "route"]),
        {"version": complaint.version, "department": cw.unit.pk,
         "summary": "工地夜间施工", "routing_note": "请住建局办理"},
    )  # fmt: skip
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSIGNED and complaint.department == cw.unit
    content = client.get(complaint_url(complaint)).content.decode()
    assert "Received → Assigned to a unit" in content
    assert "请住建局办理" in content


def test_a_stale_page_is_told_to_reload_and_changes_nothing(client, cw):
    complaint = file_complaint(cw).complaint
    Complaint.objects.filter(pk=complaint.pk).update(version=complaint.version + 1)
    signed_in(client, cw, "clerk")
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "route"]),
        {"version": complaint.version, "department": cw.unit.pk,
         "summary": "x"},
        follow=True,
    )  # fmt: skip
    assert "changed by someone else" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.RECEIVED


def test_an_unknown_unit_id_is_a_message_not_an_error(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "route"]),
        {"version": complaint.version, "department": 999999, "summary": "x"},
        follow=True,
    )
    assert response.status_code == 200
    assert "no such choice" in response.content.decode()


def test_routing_to_the_unit_complained_about_is_refused_with_a_clear_message(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "route"]),
        {"version": complaint.version,
         "department": cw.respondent_unit.pk, "summary": "x"},
        follow=True,
    )  # fmt: skip
    assert "the one complained about" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).department is None


def test_transition_on_a_complaint_out_of_scope_is_404(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk_b")
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "route"]), {"version": 1}
    )
    assert response.status_code == 404


def test_internal_notes_and_notes_for_the_complainant_are_apart(client, cw):
    complaint = file_complaint(cw).complaint
    CaseNote.objects.create(complaint=complaint, text="内部：先联系工地", author=cw.user("clerk"))
    CaseNote.objects.create(
        complaint=complaint, text="已转住建局", author=cw.user("clerk"), for_complainant=True
    )
    content = signed_in(client, cw, "clerk").get(complaint_url(complaint)).content.decode()
    internal = content.split('data-notes="internal"')[1].split('data-notes="public"')[0]
    public = content.split('data-notes="public"')[1]
    assert "先联系工地" in internal and "已转住建局" not in internal
    assert "已转住建局" in public.split("</ul>")[0]


def test_tasks_and_their_timeline_entries_show_on_the_complaint(client, cw):
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    task = HandlingTask.objects.create(
        complaint=complaint, department=cw.other_unit, role="assisting", instructions="测量噪声",
        due=timezone.now() + dt.timedelta(days=5), assigned_by=cw.user("handler"), state="open",
    )  # fmt: skip
    record_change(task, None)
    content = signed_in(client, cw, "handler").get(complaint_url(complaint)).content.decode()
    assert "测量噪声" in content.split('id="tasks"')[1]
    assert "Handling task: Create" in content.split('id="timeline"')[1]


def overdue_complaint(cw: ComplaintWorld) -> Complaint:
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk
    ).update(due=timezone.now() - dt.timedelta(days=1))
    return complaint


def test_a_supervisor_issues_a_notice_on_overdue_work_from_the_complaint_page(client, cw):
    complaint = overdue_complaint(cw)
    signed_in(client, cw, "supervisor")
    content = client.get(complaint_url(complaint)).content.decode()
    assert "data-overdue" in content and "data-issue-notice" in content
    response = client.post(
        complaint_url(complaint, "notice"), {"request": "三日内答复进展"}, follow=True
    )
    assert response.status_code == 200
    notice = SupervisionNotice.objects.get()
    assert notice.object_id == complaint.pk and notice.department == cw.unit
    assert notice.number in response.content.decode()


def test_a_complaint_on_time_offers_no_notice_and_others_may_not_issue(client, cw):
    complaint = file_complaint(cw).complaint
    assert "data-issue-notice" not in (
        signed_in(client, cw, "supervisor").get(complaint_url(complaint)).content.decode()
    )
    late = overdue_complaint(cw)
    signed_in(client, cw, "handler")
    assert client.post(complaint_url(late, "notice"), {"request": "x"}).status_code == 403
    assert not SupervisionNotice.objects.exists()


def test_panels_registered_by_other_features_show_on_the_complaint_page(client, cw, tmp_path):
    complaint = file_complaint(cw).complaint
    complaint_panels.register(
        Panel(
            key="test-panel",
            template_name="complaints/complaint_identity_page.html",
            permission="complaints.view_complaint",
            context=lambda user, complaint: {"complaint": complaint},
        )
    )
    try:
        content = signed_in(client, cw, "clerk").get(complaint_url(complaint)).content.decode()
        assert content.count(complaint.number) >= 2
    finally:
        complaint_panels._panels.pop("test-panel")


def test_recusal_removes_the_identity_section(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    assert 'id="identity"' in client.get(complaint_url(complaint)).content.decode()
    response = client.post(
        complaint_url(complaint, "recuse"), {"reason": "投诉人是我亲戚"}, follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="identity"' not in content and 'id="recusal"' not in content
    assert client.get(complaint_url(complaint, "identity")).status_code == 404


def test_recusal_needs_a_reason(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    response = client.post(complaint_url(complaint, "recuse"), {"reason": " "}, follow=True)
    assert "Say why you step aside." in response.content.decode()
    assert 'id="identity"' in response.content.decode()


def test_identity_is_shown_on_demand_and_each_showing_is_audited(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    page = client.get(complaint_url(complaint)).content.decode()
    assert "张三" not in page and "凌晨" not in page  # not until asked for
    views = AuditEntry.objects.filter(action="view").count()
    response = client.get(complaint_url(complaint, "identity"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "张三" in body and "13800000000" in body and "凌晨" in body
    assert "<html" not in body  # the fragment htmx swaps in
    assert AuditEntry.objects.filter(action="view").count() == views + 2  # person + original


def test_a_transfer_from_the_page_records_its_reason_and_is_counted(client, cw):
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    signed_in(client, cw, "clerk")
    content = client.get(complaint_url(complaint)).content.decode()
    assert 'data-transition="transfer"' in content or "transfer" in actions_in_panels
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "transfer"]),
        {"version": complaint.version, "department": cw.other_unit.pk,
         "reason": "属水务局职责"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.department == cw.other_unit and complaint.transfer_count == 1
    assert Transfer.objects.filter(complaint=complaint, reason="属水务局职责").exists()
    assert "属水务局职责" in response.content.decode().split('id="transfers"')[1]


def test_an_opinion_is_delivered_on_its_document_not_by_a_bare_button(client, cw):
    complaint = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    signed_in(client, cw, "handler")
    assert (
        'data-transition="deliver_opinion"'
        not in client.get(complaint_url(complaint)).content.decode()
    )
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "deliver_opinion"]),
        {"version": complaint.version, "outcome": "explained"},
        follow=True,
    )
    assert "Record the delivery on the written opinion" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.HANDLING


def test_a_step_a_panel_offers_itself_is_not_offered_twice(client, cw):
    complaint = file_complaint(cw).complaint
    signed_in(client, cw, "clerk")
    assert 'data-transition="not_accept"' in client.get(complaint_url(complaint)).content.decode()
    actions_in_panels.add("not_accept")
    try:
        assert (
            'data-transition="not_accept"'
            not in client.get(complaint_url(complaint)).content.decode()
        )
    finally:
        actions_in_panels.discard("not_accept")
