"""The accounts the public channels act through.

A citizen on the portal and an Open311 client have no user account, but every state change
goes through `workflow.engine.fire` as some user, and the audit log names who did it. Each
channel has one account in the `citizen_channel` role: it cannot log in (no usable password),
and the audit entry's source says which channel acted.
"""

from __future__ import annotations

from django.contrib.auth.models import Group

from complaints.choices import Channel
from core.models import User

CHANNEL_ROLE = "citizen_channel"


def channel_account(channel: str) -> User:
    """The account of `channel` (portal or open311), made on first use."""
    if channel not in (Channel.PORTAL, Channel.OPEN311):
        raise ValueError(f"{channel!r} is not a public channel")
    user, created = User.objects.get_or_create(
        username=f"channel:{channel}",
        defaults={"unlimited_scope": True, "first_name": str(Channel(channel).label)},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=CHANNEL_ROLE))
    return user
