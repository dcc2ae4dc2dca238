"""Every page each demo role reaches from its menu: every link answers, every label is read in
the user's language.

The demo county is generated once per module (a small deterministic one) inside a transaction
that is rolled back at the end. `testing.crawl.walk` visits, for each role, the home page (the
leader's dashboard), every menu page, each list's first record and every link on them, one
visit per link shape.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation

from complaints.models import CaseDocument, Complaint
from core.models import User
from demo.generator import DemoOptions, generate
from demo.users import DEMO_USERS
from testing.crawl import Page, walk
from testing.language import page_problems, stored_codes

# One demo user of each role: the others of a role see the same pages.
ROLE_USERS = list({spec.role: spec.username for spec in reversed(DEMO_USERS)}.values())[::-1]
LANGUAGES = ["zh-hans", "zh-hant", "en"]


@pytest.fixture(scope="module")
def county(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        generate(DemoOptions(seed=1, premises=120, complaints=40))
        yield
        transaction.set_rollback(True)


def signed_in(username: str, language: str) -> tuple[Client, User]:
    user = User.objects.get(username=username)
    user.language = language
    user.save(update_fields=["language"])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client, user


def where(page: Page) -> str:
    return f"{page.url} (linked from {page.referrer or 'the menu'})"


@pytest.mark.parametrize("username", ROLE_USERS)
def test_every_link_on_the_menu_pages_and_dashboard_answers(county: None, db: None, username):
    client, user = signed_in(username, "zh-hans")

    pages = walk(client, user)

    broken = [f"{page.status} {where(page)}" for page in pages.values() if page.status >= 400]
    assert len(pages) > 10
    assert broken == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_every_role_reads_in_the_users_language(county: None, db: None, language):
    seen: set[str] = set()  # a page shape read by one role is not read again by the next
    kept, problems = stored_codes(), []
    for username in ROLE_USERS:
        client, user = signed_in(username, language)
        for page in walk(client, user, seen=seen, pages_only=True).values():
            problems += [
                f"{where(page)}: {problem}" for problem in page_problems(page.html, language, kept)
            ]

    assert problems == []


def test_chinese_field_labels_name_what_the_field_holds():
    """The delivery method is not a person, the handler is a person not a unit, and a written
    opinion's outcome is not an inspection's."""
    with translation.override("zh-hans"):
        assert str(CaseDocument._meta.get_field("delivery_method").verbose_name) == "送达方式"
        assert str(Complaint._meta.get_field("handler").verbose_name) == "承办人"
        assert str(CaseDocument._meta.get_field("outcome").verbose_name) == "结果"
