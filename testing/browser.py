"""Headless Chromium (Debian's package) driven by Playwright, for browser journeys.

Playwright's own browser downloads are not used: the machines have no internet, so tests run
the system `chromium` through `executable_path`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every demo login's password, a fixed interface (DESIGN.md §3); demo tests check the demo
# county keeps it, browser journeys log in with it.
DEMO_PASSWORD = "demo12345"
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it) as root")
    # Playwright's sync API leaves an event loop running in this thread for the session; the
    # ORM calls tests make between page actions (and database teardown) are synchronous.
    # Subprocesses started by tests should pass an explicit environment.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def csp_violations(page: Any) -> list[str]:
    """The Content-Security-Policy violations the page reports on its console from now on
    (the list fills as the page runs; a journey asserts it stays empty)."""
    violations: list[str] = []

    def listen(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", listen)
    return violations


def confirm_step(page: Any) -> None:
    """Answer the page that asks before an irreversible step (workflow.views.ask_to_confirm)."""
    page.wait_for_selector("[data-confirm-text]")
    page.click("button[data-confirm-yes]")
