from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from workflow.notifications import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The unread count behind the inbox link in every page's navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": unread_count(user)}
