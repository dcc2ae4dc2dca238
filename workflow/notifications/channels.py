"""Outside channels: email through Django's mail, SMS through a pluggable backend.

The SMS backend is a class path in WORKFLOW_SMS_BACKEND; the default only logs, so a
deployment plugs in its operator's gateway by writing one class with `send(phone, text)`.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("civicdesk.sms")


class SMSBackend(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Deliver `text` to `phone`, raising on failure so the notification is marked failed."""


class LoggingSMSBackend:
    """Writes each message to the `civicdesk.sms` log: the demo's and the tests' backend."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        LoggingSMSBackend.sent.append((phone, text))


def sms_backend() -> SMSBackend:
    path = getattr(
        settings, "WORKFLOW_SMS_BACKEND", "workflow.notifications.channels.LoggingSMSBackend"
    )
    return import_string(path)()


def send_email(address: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [address], fail_silently=False)
