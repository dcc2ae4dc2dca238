"""Inbox, email, SMS and digest, as a recipient would notice them."""

from __future__ import annotations

import pytest
from django.core import mail

from workflow.choices import DeliveryState, EscalationLevel
from workflow.models import Notification, NotificationPreference
from workflow.notifications import (
    deliver_pending,
    mark_read,
    notify,
    send_daily_digests,
    unread_count,
)
from workflow.notifications.channels import LoggingSMSBackend


@pytest.fixture
def person(toy):
    user = toy.leader
    user.phone = "13800000000"
    user.save()
    return user


def test_inbox_counts_unread_until_read(person):
    notify([person], topic="t", title="one")
    notify([person], topic="t", title="two")
    assert unread_count(person) == 2
    mark_read(person, [Notification.objects.get(title="one").pk])
    assert unread_count(person) == 1


def test_email_goes_out_once_even_if_delivery_runs_twice(person):
    notify([person], topic="t", title="Overdue: 路灯不亮", url="/toy/1/")
    deliver_pending()
    deliver_pending()
    assert [message.subject for message in mail.outbox] == ["Overdue: 路灯不亮"]
    assert Notification.objects.get().email_state == DeliveryState.SENT


def test_sms_only_from_the_chosen_escalation_level(person):
    LoggingSMSBackend.sent.clear()
    notify([person], topic="t", title="warning", urgency=EscalationLevel.HANDLER)
    notify([person], topic="t", title="to the leader", urgency=EscalationLevel.UNIT_LEADER)
    deliver_pending()
    assert LoggingSMSBackend.sent == [("13800000000", "to the leader")]
    states = dict(Notification.objects.values_list("title", "sms_state"))
    assert states == {"warning": DeliveryState.SKIPPED, "to the leader": DeliveryState.SENT}


def test_preferences_turn_email_off_but_keep_the_inbox(person):
    NotificationPreference.objects.create(user=person, email_immediately=False)
    notify([person], topic="t", title="quiet")
    deliver_pending()
    assert mail.outbox == [] and unread_count(person) == 1


def test_daily_digest_lists_unread_once(person):
    NotificationPreference.objects.create(user=person, email_immediately=False)
    notify([person], topic="t", title="first")
    notify([person], topic="t", title="second")
    assert send_daily_digests() == 1
    assert send_daily_digests() == 0
    (digest,) = mail.outbox
    assert "2" in digest.subject and "- first" in digest.body and "- second" in digest.body


def test_same_dedup_key_notifies_each_person_once(person, toy):
    notify([person, toy.staff], topic="t", title="x", dedup_key="esc:1")
    notify([person, toy.staff], topic="t", title="x", dedup_key="esc:1")
    assert Notification.objects.count() == 2


def test_inbox_page_shows_unread_and_marks_read(person, client):
    notify([person], topic="t", title="你有一件督办")
    client.force_login(person)
    page = client.get("/workflow/inbox/")
    assert page.status_code == 200 and "你有一件督办" in page.content.decode()
    assert client.get("/workflow/inbox/unread.json").json() == {"unread": 1}
    client.post("/workflow/inbox/read/")
    assert unread_count(person) == 0


def test_navigation_bar_shows_the_unread_count(world, client):
    user = world.user("township_a")
    client.force_login(user)
    assert 'data-inbox-unread="0"' in client.get("/").content.decode()
    notify([user], topic="test", title="Test notice")
    page = client.get("/").content.decode()
    assert 'data-inbox-unread="1"' in page
