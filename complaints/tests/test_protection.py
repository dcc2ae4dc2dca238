"""Complainant protection end to end (Letters and Visits Regulations 2022, Arts 30 and 46).

The unit complained about may open the complaint, yet never learns who complained or reads what
they wrote: not in the list, the complaint page, the export, the API, the identity endpoints, the
notifications it receives, nor the timeline. Every showing of identity to staff who may see it
is audited as a "view"; a recused handler loses sight of it; the matter is never sent to the
unit it is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.choices import ComplaintState
from complaints.models import Complainant, Complaint, ComplaintOriginal
from complaints.services import protection
from complaints.services.complaint_transitions import fire_complaint_transition
from complaints.services.handling import add_note
from complaints.tests.factories import ComplaintWorld, advance, complaint_world, file_complaint
from core.attachments import store_attachment
from core.models import AuditEntry
from testing.api import token_client
from testing.views import export_text
from workflow.errors import PreconditionFailed, TransitionForbidden
from workflow.models import Clock, Notification
from workflow.supervision import issue_notice

pytestmark = pytest.mark.django_db

NAME, PHONE, ORIGINAL = "张三", "13800000000", "工地每晚施工到凌晨"
ORIGINAL_FILE = "letter-scan-zhangsan.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRETS = (NAME, PHONE, ORIGINAL, "某路1号", ORIGINAL_FILE)


def assert_nothing_identifying(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


@pytest.fixture
def cw(world: Any) -> ComplaintWorld:
    return complaint_world(world)


@pytest.fixture
def complaint(cw: ComplaintWorld) -> Complaint:
    """A complaint in hand at the unit, naming the respondent unit, with a scanned letter."""

    handled = advance(file_complaint(cw).complaint, cw, ComplaintState.HANDLING)
    original = ComplaintOriginal.objects.get(complaint=handled)
    upload = SimpleUploadedFile(ORIGINAL_FILE, PNG, content_type="image/png")
    store_attachment(subject=original, upload=upload, kind="original", user=cw.user("clerk"))
    return handled


def as_user(client: Client, cw: ComplaintWorld, persona: str) -> Client:
    client.force_login(cw.user(persona))
    return client


def page(client: Client, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content") or response["Content-Type"].startswith(
        "application/vnd"
    ):
        return export_text(response)
    return response.content.decode()


def view_entries() -> Any:
    return AuditEntry.objects.filter(action="view")


# --- the respondent ---------------------------------------------------------------------


def test_the_respondent_opens_the_complaint_but_never_sees_who_complained(client, cw, complaint):
    as_user(client, cw, "respondent")
    listing = page(client, reverse("complaints:complaint_list"))
    assert complaint.number in listing  # the unit may see the matter against it
    assert_nothing_identifying(listing)
    detail = page(client, complaint.get_absolute_url())
    assert complaint.title in detail
    assert_nothing_identifying(detail)
    assert 'id="identity"' not in detail and "data-show-identity" not in detail
    assert 'id="recusal"' not in detail


def test_the_respondents_exports_hold_the_complaint_only(client, cw, complaint):
    as_user(client, cw, "respondent")
    for export_format in ("csv", "xlsx"):
        text = page(client, reverse("complaints:complaint_export"), export=export_format)
        assert complaint.number in text
        assert_nothing_identifying(text)


def test_the_identity_section_is_404_for_the_respondent_and_writes_no_view(client, cw, complaint):
    views = view_entries().count()
    as_user(client, cw, "respondent")
    url = reverse("complaints:complaint_identity", args=[complaint.pk])
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 404
        assert_nothing_identifying(response.content.decode())
    assert view_entries().count() == views


def test_the_respondents_api_has_no_identity_and_the_complainants_are_404(cw, complaint):
    client = token_client(cw.user("respondent"))
    listing = client.get(reverse("api:complaint-list"))
    detail = client.get(reverse("api:complaint-detail", args=[complaint.pk]))
    assert listing.status_code == 200 and detail.status_code == 200
    assert complaint.pk in {row["id"] for row in listing.json()["results"]}
    assert_nothing_identifying(listing.content.decode() + detail.content.decode())
    complainants = client.get(reverse("api:complaint-complainants", args=[complaint.pk]))
    assert complainants.status_code == 404
    assert_nothing_identifying(complainants.content.decode())


def test_the_service_itself_reveals_nothing_to_the_respondent(cw, complaint):
    respondent = cw.user("respondent")
    assert protection.is_shielded_from(respondent, complaint)
    assert not protection.may_see_identity(respondent, complaint)
    assert protection.reveal(respondent, complaint) == []
    assert protection.reveal_original(respondent, complaint) is None
    assert not Complainant.objects.restrict(respondent).exists()


def test_notifications_never_carry_identity(client, cw, complaint):
    # The supervisor presses the unit complained about to cooperate: it gets a notification.
    issue_notice(
        cw.user("supervisor"), complaint, request="请配合住建局核查", department=cw.respondent_unit,
        region=complaint.region,
    )  # fmt: skip
    # Overdue clocks escalate (notifications to handlers and leaders).
    Clock.objects.filter(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk
    ).update(due=timezone.now() - dt.timedelta(days=3), next_escalation_at=timezone.now())
    call_command("escalate")
    received = Notification.objects.filter(recipient=cw.user("respondent"))
    assert received.exists(), "the respondent was notified of the notice"
    for note in Notification.objects.all():  # anyone's, the respondent's included
        assert_nothing_identifying(f"{note.title} {note.body} {note.url}")
    as_user(client, cw, "respondent")
    assert_nothing_identifying(page(client, reverse("workflow:inbox")))


def test_the_timeline_never_shows_identity_entries_or_their_showings(client, cw, complaint):
    as_user(client, cw, "clerk")
    client.get(reverse("complaints:complaint_identity", args=[complaint.pk]))  # a showing, audited
    for persona in ("respondent", "clerk", "handler"):
        content = page(as_user(client, cw, persona), complaint.get_absolute_url())
        timeline = content.split('id="timeline"')[1]
        assert_nothing_identifying(timeline)
        assert "Complainant" not in timeline and "Original material" not in timeline


# --- staff who may see identity -----------------------------------------------------------


def test_every_showing_is_audited_as_a_view_with_who_saw_it(client, cw, complaint):
    clerk = cw.user("clerk")
    views = view_entries().count()
    as_user(client, cw, "clerk")
    response = client.get(
        reverse("complaints:complaint_identity", args=[complaint.pk]),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert NAME in body and PHONE in body and ORIGINAL in body and ORIGINAL_FILE in body
    token_client(clerk).get(reverse("api:complaint-complainants", args=[complaint.pk]))
    shown = list(view_entries().order_by("seq")[views:])
    models = [entry.content_type.model for entry in shown]
    assert models == ["complainant", "complaintoriginal", "complainant"]
    assert all(entry.actor_id == clerk.pk and entry.action == "view" for entry in shown)
    assert all(NAME not in str(entry.changes) for entry in shown)  # the log names no one


def test_the_identity_section_is_never_stored_by_the_browser(client, cw, complaint):
    as_user(client, cw, "handler")
    response = client.get(reverse("complaints:complaint_identity", args=[complaint.pk]))
    assert NAME in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_handler_sees_identity_until_recusing(client, cw, complaint):
    as_user(client, cw, "handler")
    url = reverse("complaints:complaint_identity", args=[complaint.pk])
    assert 'id="identity"' in page(client, complaint.get_absolute_url())
    assert NAME in page(client, url)
    response = client.post(
        reverse("complaints:complaint_recuse", args=[complaint.pk]), {"reason": "投诉人是邻居"}
    )
    assert response.status_code == 302
    detail = page(client, complaint.get_absolute_url())
    assert 'id="identity"' not in detail
    assert_nothing_identifying(detail)
    assert client.get(url).status_code == 404
    api = token_client(cw.user("handler"))
    assert api.get(reverse("api:complaint-complainants", args=[complaint.pk])).status_code == 404


def test_the_recusal_is_audited_and_the_others_keep_their_sight(client, cw, complaint):
    protection.recuse(cw.user("handler"), complaint, "直接利害关系")
    assert AuditEntry.objects.filter(content_type__model="recusal", action="create").exists()
    assert protection.may_see_identity(cw.user("leader"), complaint)


# --- the matter never goes to the unit it is about ------------------------------------------


def test_routing_to_the_respondent_unit_is_refused_with_a_clear_message(cw):
    fresh = file_complaint(cw).complaint
    with pytest.raises(PreconditionFailed) as refused:
        fire_complaint_transition(
            "route", fresh, cw.user("clerk"),
            {"department": str(cw.respondent_unit.pk), "summary": "x"}, fresh.version,
        )  # fmt: skip
    assert "complained about" in str(refused.value.message)
    assert Complaint.objects.get(pk=fresh.pk).department is None


def test_transferring_to_the_respondent_unit_is_refused_on_the_page(client, cw, complaint):
    as_user(client, cw, "clerk")
    response = client.post(
        reverse("complaints:complaint_transition", args=[complaint.pk, "transfer"]),
        {"version": complaint.version,
         "department": cw.respondent_unit.pk, "reason": "试图转给被投诉单位"},
        follow=True,
    )  # fmt: skip
    assert "the one complained about" in response.content.decode()
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.department == cw.unit and stored.transfer_count == 0


def test_the_respondent_and_a_recused_handler_take_no_step_on_the_complaint(client, cw, complaint):
    routed = advance(file_complaint(cw).complaint, cw, ComplaintState.ASSIGNED)
    as_user(client, cw, "respondent")
    assert 'data-transition="' not in page(client, routed.get_absolute_url())
    with pytest.raises(TransitionForbidden):
        fire_complaint_transition("accept", routed, cw.user("respondent"), {}, routed.version)
    api = token_client(cw.user("respondent"))
    response = api.post(
        reverse("api:complaint-transition", args=[routed.pk, "accept"]),
        {"version": routed.version}, "json",
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json()["code"] == "transition_forbidden"
    protection.recuse(cw.user("handler"), routed, "亲属关系")
    with pytest.raises(TransitionForbidden):
        fire_complaint_transition("accept", routed, cw.user("handler"), {}, routed.version)
    assert Complaint.objects.get(pk=routed.pk).state == ComplaintState.ASSIGNED


def test_internal_notes_quoting_the_complainant_never_reach_the_respondent(client, cw, complaint):
    add_note(complaint, cw.user("handler"), f"已电话联系{NAME}（{PHONE}）", for_complainant=False)
    add_note(complaint, cw.user("handler"), "已受理，正在调查核实。", for_complainant=True)

    as_user(client, cw, "respondent")
    detail = page(client, complaint.get_absolute_url())
    assert "正在调查核实" in detail  # what the complainant is told is no secret
    assert_nothing_identifying(detail)
    notes = token_client(cw.user("respondent")).get("/api/v1/complaint-notes/").json()
    assert_nothing_identifying(str(notes))
    assert "正在调查核实" in str(notes)
    as_user(client, cw, "handler")
    assert NAME in page(
        client, complaint.get_absolute_url()
    )  # the unit handling it reads its notes
