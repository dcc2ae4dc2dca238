"""Refusal pages are the site's own: a signed-in person who reaches a record outside their area
(404) or a page their role does not allow (403) stays inside CivicDesk, with its menu, in their
language (Django's bare English pages otherwise). Tests run with DEBUG off, as production."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.models import User

pytestmark = pytest.mark.django_db


def signed_in_in_chinese(client: Client, user: User) -> Client:
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def in_chinese(text: str) -> str:
    with translation.override("zh-hans"):
        shown = gettext(text)
    assert shown != text, f"{text!r} has no Chinese translation"
    return shown


def test_a_record_outside_the_area_is_a_styled_chinese_404_with_the_menu(
    client: Client, world: Any
) -> None:
    signed_in_in_chinese(client, world.user("township_a"))
    response = client.get(world.premises_b.get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-error="404"' in page and 'id="cd-nav"' in page
    assert in_chinese("Not found") in page and in_chinese("Inbox") in page
    assert world.premises_b.name not in page


def test_a_page_the_role_does_not_allow_is_a_styled_chinese_403_with_the_menu(
    client: Client, world: Any
) -> None:
    signed_in_in_chinese(client, world.user("no_permission"))
    response = client.get(reverse("core:premises_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-error="403"' in page and 'id="cd-nav"' in page
    assert in_chinese("Not permitted") in page and in_chinese("Inbox") in page
