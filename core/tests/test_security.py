"""Security headers, CSRF, sessions, password hashing and the production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from civicdesk.env import demo_secret_key
from core.models import User
from testing.api import token_client
from testing.world import PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
LOGIN = "/accounts/login/"


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf_token_from(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies[settings.CSRF_COOKIE_NAME].value


# --- Headers ----------------------------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(world, client):
    client.force_login(world.user("township_a"))
    for url in ("/", LOGIN, reverse("otp_setup")):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_a_page_with_inline_code_names_its_nonce_in_the_policy(db, client):
    # The admin's templates mark their inline script with the request's nonce; the header must
    # allow exactly that nonce, and a new one on every response.
    client.force_login(User.objects.create_superuser("root", "root@example.org", PASSWORD))
    nonces = []
    for _ in range(2):
        response = client.get("/admin/")
        found = re.search(r'nonce="([^"]+)"', response.content.decode())
        assert found is not None, "the page carries a CSP nonce"
        nonce = found.group(1)
        assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
)
def test_pages_carry_the_security_headers(world, client, header, value):
    client.force_login(world.user("township_a"))
    for url in ("/", LOGIN):
        assert client.get(url)[header] == value


def test_pages_have_no_inline_scripts(world, client):
    client.force_login(world.user("township_a"))
    for url in ("/", LOGIN, reverse("otp_setup")):
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url


# --- CSRF -------------------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused(world):
    client = csrf_client()
    response = client.post(LOGIN, {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 403


def test_login_with_csrf_token_works(world):
    client = csrf_client()
    token = csrf_token_from(client, LOGIN)
    data = {"username": "staff_a", "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert client.post(LOGIN, data).status_code == 302


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/accounts/language/", {"language": "zh-hant"}),
        ("/accounts/logout/", {}),
        ("/accounts/otp/setup/", {"otp_token": "123456"}),
        ("/i18n/setlang/", {"language": "en"}),
    ],
)
def test_signed_in_posts_without_csrf_token_are_refused(world, url, data):
    client = csrf_client()
    client.force_login(world.user("township_a"))
    assert client.post(url, data).status_code == 403
    world.user("township_a").refresh_from_db()
    assert world.user("township_a").language == "en"


# --- Sessions and passwords -------------------------------------------------------------------


def test_sessions_expire(world, client):
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.post(LOGIN, {"username": "staff_a", "password": PASSWORD})
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_session_id_changes_at_sign_in(world, client):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    client.post(LOGIN, {"username": "staff_a", "password": PASSWORD})
    assert client.session.session_key != before


def test_passwords_are_stored_with_argon2(world):
    user = User.objects.get(username="staff_a")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


# --- Production settings ----------------------------------------------------------------------


INHERITED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH")


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: what the test run has set (database, browser flags) must not leak in.
    kept = {name: os.environ[name] for name in INHERITED_ENV if name in os.environ}
    clean = {**kept, "CIVICDESK_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "CIVICDESK_ENV": "production",
    "ALLOWED_HOSTS": "civicdesk.example.gov.cn",
}


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_stops_with_a_clear_message(tmp_path):
    result = run_manage(
        tmp_path, "check", **PRODUCTION_ENV, DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}"
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required when CIVICDESK_ENV=production" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # never falls back to a generated key


def test_demo_secret_key_is_generated_once_and_reused(tmp_path):
    var_dir = tmp_path / "var"
    first = demo_secret_key(var_dir)
    assert len(first) >= 50
    assert demo_secret_key(var_dir) == first
    assert (var_dir / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_demo_secret_key_differs_between_checkouts(tmp_path):
    assert demo_secret_key(tmp_path / "a") != demo_secret_key(tmp_path / "b")


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("DEBUG", "true", "DEBUG=true is refused when CIVICDESK_ENV=production"),
        ("SECRET_KEY", "changeme", "SECRET_KEY is too weak for CIVICDESK_ENV=production"),
        (
            "SECRET_KEY",
            "django-insecure-q8v%z1m^w4k(t7r@x2p!c9n&b5j)h3g-f6d+s0a=l",
            "SECRET_KEY is too weak for CIVICDESK_ENV=production",
        ),
        ("SECRET_KEY", "a" * 64, "SECRET_KEY is too weak for CIVICDESK_ENV=production"),
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS is required when CIVICDESK_ENV=production"),
    ],
    ids=["debug", "short_key", "development_key", "repetitive_key", "no_hosts"],
)
def test_production_refuses_to_start_unsafe(tmp_path, setting, value, message):
    env = {
        **PRODUCTION_ENV,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        setting: value,
    }
    result = run_manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert message in result.stderr


# --- Signed-in responses are never cached ------------------------------------------------------


def test_signed_in_pages_and_api_answers_are_not_stored(world, client):
    client.force_login(world.user("township_a"))
    for url in ("/", reverse("core:premises_list")):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
    api = token_client(world.user("township_a")).get("/api/v1/premises/")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]
