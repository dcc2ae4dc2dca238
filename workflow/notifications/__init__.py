"""Notifications: written to the inbox in the caller's transaction, copied out after commit.

`notify` stores one inbox row per recipient and, once the transaction commits, enqueues the
delivery job (email and SMS by each recipient's preference). Delivery marks each row with a
compare-and-set update, so a retried job never sends the same notification twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import User
from workflow.choices import DeliveryState, EscalationLevel
from workflow.models import Notification, NotificationPreference
from workflow.notifications.channels import send_email, sms_backend


def notify(
    recipients: Iterable[User],
    *,
    topic: str,
    title: str,
    body: str = "",
    url: str = "",
    urgency: int = EscalationLevel.NONE,
    dedup_key: str | None = None,
) -> list[Notification]:
    """Put a notification in each recipient's inbox (once per dedup key and recipient)."""
    rows = [
        Notification(
            recipient=person,
            topic=topic,
            title=title[:200],
            body=body,
            url=url,
            urgency=urgency,
            dedup_key=f"{dedup_key}:{person.pk}" if dedup_key else None,
        )
        for person in {person.pk: person for person in recipients}.values()
    ]
    if dedup_key:
        taken = set(
            Notification.objects.filter(dedup_key__in=[r.dedup_key for r in rows]).values_list(
                "dedup_key", flat=True
            )
        )
        rows = [row for row in rows if row.dedup_key not in taken]
    created = Notification.objects.bulk_create(rows)
    if created:
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: enqueue_delivery(ids))
    return created


def enqueue_delivery(ids: list[int]) -> None:
    from workflow.jobs import deliver_notifications  # workflow.jobs imports this module: a cycle

    deliver_notifications.enqueue(ids)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def preference_of(user: User) -> NotificationPreference:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)


def _claim(notification: Notification, channel: str, state: str) -> bool:
    """Move one channel from pending to `state`; False when another run got there first."""
    field = f"{channel}_state"
    return bool(
        Notification.objects.filter(pk=notification.pk, **{field: DeliveryState.PENDING}).update(
            **{field: state}
        )
    )


def deliver(notification: Notification) -> None:
    preference = preference_of(notification.recipient)
    _deliver_email(notification, preference)
    _deliver_sms(notification, preference)


def _deliver_email(notification: Notification, preference: NotificationPreference) -> None:
    address = notification.recipient.email
    wanted = preference.email_immediately and bool(address)
    if not _claim(notification, "email", DeliveryState.SENT if wanted else DeliveryState.SKIPPED):
        return
    if wanted:
        body = f"{notification.body}\n\n{notification.url}".strip()
        _send_or_mark_failed(notification, "email", send_email, address, notification.title, body)


def _deliver_sms(notification: Notification, preference: NotificationPreference) -> None:
    phone = getattr(notification.recipient, "phone", "")
    level = preference.sms_from_level
    wanted = bool(phone) and level is not None and notification.urgency >= max(level, 1)
    if not _claim(notification, "sms", DeliveryState.SENT if wanted else DeliveryState.SKIPPED):
        return
    if wanted:
        _send_or_mark_failed(notification, "sms", sms_backend().send, phone, notification.title)


def _send_or_mark_failed(notification: Notification, channel: str, send: Any, *args: Any) -> None:
    try:
        send(*args)
    except Exception:  # a channel failure is recorded on the row; the inbox copy stands
        Notification.objects.filter(pk=notification.pk).update(
            **{f"{channel}_state": DeliveryState.FAILED}
        )


def deliver_pending(ids: Iterable[int] | None = None) -> int:
    pending = Notification.objects.filter(
        Q(email_state=DeliveryState.PENDING) | Q(sms_state=DeliveryState.PENDING)
    ).select_related("recipient")
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    count = 0
    for notification in pending.iterator():
        deliver(notification)
        count += 1
    return count


def send_daily_digests(now: dt.datetime | None = None) -> int:
    """One email per user with unread, not yet digested notifications (if they want one)."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(read_at__isnull=True, digested_at__isnull=True)
    sent = 0
    for user_id in waiting.values_list("recipient", flat=True).distinct():
        sent += _digest_for(user_id, waiting.filter(recipient_id=user_id), now)
    return sent


def _digest_for(user_id: int, rows: Any, now: dt.datetime) -> int:
    ids = list(rows.values_list("pk", flat=True))
    # Claim first: a second digest run in parallel finds nothing left to send.
    claimed = Notification.objects.filter(pk__in=ids, digested_at__isnull=True).update(
        digested_at=now
    )
    first = rows.model.objects.filter(pk__in=ids).select_related("recipient").first()
    if not claimed or first is None:
        return 0
    user = first.recipient
    if not (preference_of(user).daily_digest and user.email):
        return 0
    titles = rows.model.objects.filter(pk__in=ids).values_list("title", flat=True)
    lines = "\n".join(f"- {title}" for title in titles)
    subject = _("CivicDesk: %(count)d unread notifications") % {"count": len(ids)}
    try:
        send_email(user.email, subject, lines)
    except (OSError, IntegrityError):
        return 0
    return 1
