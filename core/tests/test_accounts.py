"""Sign-in, the TOTP second factor, lockout, the language switch and the admin door."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEntry, User
from testing.second_factor import enrol_device, totp_code, wrong_code
from testing.world import PASSWORD, build_world

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage

LOGIN = "/accounts/login/"


def sign_in(client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def is_verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


# --- Login page -------------------------------------------------------------------------------


def test_login_page_has_the_three_fields_and_a_language_switch(world, client):
    response = client.get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("username", "password", "otp_token"):
        assert f'name="{name}"' in body
    assert 'name="viewport"' in body  # laid out for phones
    assert reverse("set_language") in body
    assert body.count('name="language"') == len(settings.LANGUAGES)


def test_user_without_second_factor_signs_in_with_password_alone(world, client):
    response = sign_in(client, "staff_a", next="/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_signed_in(client) and not is_verified(client)


def test_wrong_password_is_refused_with_the_form_again(world, client):
    response = sign_in(client, "staff_a", "not-the-password")
    assert response.status_code == 200 and not is_signed_in(client)
    assert response.context["form"].errors


def test_user_with_second_factor_needs_the_code(world, client):
    enrol_device(world.user("township_a"))
    response = sign_in(client, "staff_a")
    assert response.status_code == 200 and not is_signed_in(client)
    assert response.context["form"].has_error("__all__", "token_required")


def test_user_with_second_factor_is_refused_a_wrong_code(world, client):
    device = enrol_device(world.user("township_a"))
    response = sign_in(client, "staff_a", otp_token=wrong_code(device))
    assert response.status_code == 200 and not is_signed_in(client)


def test_right_password_and_code_sign_in_a_verified_session(world, client):
    device = enrol_device(world.user("township_a"))
    response = sign_in(client, "staff_a", otp_token=totp_code(device))
    assert response.status_code == 302
    assert is_signed_in(client) and client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_code_cannot_be_used_twice(world, client):
    device = enrol_device(world.user("township_a"))
    code = totp_code(device)
    assert sign_in(client, "staff_a", otp_token=code).status_code == 302
    client.logout()
    assert sign_in(client, "staff_a", otp_token=code).status_code == 200
    assert not is_signed_in(client)


def test_another_users_device_code_does_not_help(world, client):
    enrol_device(world.user("township_a"))
    other = enrol_device(world.user("township_b"))
    sign_in(client, "staff_a", otp_token=totp_code(other))
    assert not is_signed_in(client)


def test_logout_needs_post(world, client):
    client.force_login(world.user("township_a"))
    assert client.get("/accounts/logout/").status_code == 405
    assert is_signed_in(client)
    assert client.post("/accounts/logout/").status_code == 302
    assert not is_signed_in(client)


# --- Lockout ----------------------------------------------------------------------------------


def test_lockout_refuses_even_the_right_password(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "staff_a", "wrong-password")
    response = sign_in(client, "staff_a")
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "data-lockout" in body
    assert f"paused for {round(settings.AXES_COOLOFF_TIME * 60)} minutes" in body
    assert not is_signed_in(client)


def test_lockout_leaves_other_usernames_alone(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "staff_a", "wrong-password")
    response = sign_in(client, "staff_b")
    assert response.status_code == 302 and is_signed_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "staff_a", "wrong-password")
    assert sign_in(client, "staff_a").status_code == 302


# --- Second factor setup and verification ------------------------------------------------------


def test_setup_page_shows_a_server_drawn_qr_code_and_the_secret(world, client):
    client.force_login(world.user("township_a"))
    response = client.get(reverse("otp_setup"))
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=world.user("township_a"))
    assert response.status_code == 200 and not device.confirmed
    assert "<svg" in body and "otpauth" not in body  # the URL is drawn, not linked out
    assert response.context["secret"].replace(" ", "") in device.config_url
    assert "<script>" not in body


def test_reloading_setup_keeps_the_same_secret(world, client):
    client.force_login(world.user("township_a"))
    first = client.get(reverse("otp_setup")).context["secret"]
    assert client.get(reverse("otp_setup")).context["secret"] == first
    assert TOTPDevice.objects.filter(user=world.user("township_a")).count() == 1


def test_confirming_setup_turns_the_device_on_and_verifies_the_session(world, client):
    user = world.user("township_a")
    client.force_login(user)
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("otp_setup"), {"otp_token": totp_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed and client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_wrong_code_leaves_the_device_off(world, client):
    user = world.user("township_a")
    client.force_login(user)
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("otp_setup"), {"otp_token": wrong_code(device)})
    assert response.status_code == 200 and response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed and not is_verified(client)


def test_password_alone_cannot_replace_an_existing_device(world, client):
    user = world.user("township_a")
    enrol_device(user)
    client.force_login(user)  # password passed, no code given in this session
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_verified_user_sees_setup_as_already_on(world, client):
    device = enrol_device(world.user("township_a"))
    sign_in(client, "staff_a", otp_token=totp_code(device))
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 200 and response.context["enabled"]


def test_verify_page_verifies_the_session(world, client, no_otp_throttle):
    user = world.user("township_a")
    device = enrol_device(user)
    client.force_login(user)
    client.post(reverse("otp_verify"), {"otp_token": wrong_code(device)})
    assert not is_verified(client)
    response = client.post(reverse("otp_verify"), {"otp_token": totp_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_verified(client)


def test_verify_without_a_device_sends_to_setup(world, client):
    client.force_login(world.user("township_a"))
    response = client.get(reverse("otp_verify"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))


def test_second_factor_pages_need_a_signed_in_user(db, client):
    for name in ("otp_setup", "otp_verify"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- Superusers must use the second factor when required ---------------------------------------


def test_superuser_without_device_is_sent_to_setup(superuser, client, admin_otp_required):
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp_setup')}?next=%2Fadmin%2F"


def test_superuser_with_device_is_sent_to_verify_then_let_in(superuser, client, admin_otp_required):
    device = enrol_device(superuser)
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response["Location"] == f"{reverse('otp_verify')}?next=%2Fadmin%2F"
    response = client.post(
        reverse("otp_verify"), {"otp_token": totp_code(device), "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_superuser_signing_in_with_code_goes_straight_in(superuser, client, admin_otp_required):
    device = enrol_device(superuser)
    sign_in(client, "root", otp_token=totp_code(device))
    assert client.get("/admin/").status_code == 200


def test_staff_are_not_forced_to_use_a_second_factor(world, client, admin_otp_required):
    client.force_login(world.user("township_a"))
    assert client.get("/").status_code == 200


# --- Admin only for superusers ----------------------------------------------------------------


def test_staff_non_superuser_gets_the_login_not_the_admin(world, client):
    staff = world.user("county")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert [url for url, _ in response.redirect_chain] == [
        "/admin/login/?next=/admin/",
        f"{LOGIN}?next=/admin/",
    ]
    assert "registration/login.html" in [t.name for t in response.templates]
    assert client.get("/admin/core/premises/").status_code == 302


def test_admin_login_form_is_not_a_way_around_the_second_factor(superuser, client):
    enrol_device(superuser)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not is_signed_in(client)


def test_superuser_reaches_the_admin_index(superuser, client):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


# --- Language ---------------------------------------------------------------------------------


def test_user_menu_offers_every_language(world, client):
    client.force_login(world.user("township_a"))
    body = client.get("/").content.decode()
    assert reverse("user_language") in body
    for code, _name in settings.LANGUAGES:
        assert f'name="language" value="{code}"' in body


def test_language_switch_is_saved_on_the_account_and_in_the_cookie(world, client):
    user = world.user("township_a")
    client.force_login(user)
    response = client.post(reverse("user_language"), {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == "zh-hant"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    assert '<html lang="zh-hant">' in client.get("/").content.decode()


def test_language_switch_is_audited(world, client):
    user = world.user("township_a")
    client.force_login(user)
    client.post(reverse("user_language"), {"language": "zh-hans"})
    entry = AuditEntry.objects.filter(object_id=str(user.pk)).latest("seq")
    assert entry.changes == {"language": ["en", "zh-hans"]} and entry.actor == user


def test_users_language_follows_them_to_a_new_browser(world, client):
    user = world.user("township_a")
    user.language = "zh-hant"
    user.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    assert '<html lang="zh-hant">' in client.get("/").content.decode()


def test_unknown_language_is_refused(world, client):
    user = world.user("township_a")
    client.force_login(user)
    response = client.post(reverse("user_language"), {"language": "fr"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_is_post_only_and_for_signed_in_users(world, client):
    response = client.post(reverse("user_language"), {"language": "en"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    client.force_login(world.user("township_a"))
    assert client.get(reverse("user_language")).status_code == 405


def test_language_switch_ignores_an_offsite_next(world, client):
    client.force_login(world.user("township_a"))
    response = client.post(
        reverse("user_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]


def test_anonymous_visitor_switches_language_on_the_login_page(db, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(LOGIN).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hant", "next": LOGIN})
    assert '<html lang="zh-hant">' in client.get(LOGIN).content.decode()


# --- In a browser -----------------------------------------------------------------------------


def csp_violations(page) -> list[str]:
    found: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", record)
    return found


@pytest.mark.browser
def test_phone_user_signs_in_with_code_and_switches_language(
    transactional_db, live_server, phone_page
):
    user = build_world().user("township_a")
    device = enrol_device(user)
    phone_page.goto(f"{live_server.url}{LOGIN}")
    phone_page.fill("input[name=username]", "staff_a")
    phone_page.fill("input[name=password]", PASSWORD)
    phone_page.fill("input[name=otp_token]", totp_code(device))
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url(f"{live_server.url}/")
    phone_page.wait_for_load_state("load")  # Bootstrap's deferred script drives the menus
    phone_page.click(".navbar-toggler")
    # A click during the collapse animation can be swallowed: wait until the menu is open.
    phone_page.wait_for_selector("#cd-nav.show:not(.collapsing)")
    phone_page.click(f"text={User.objects.get(username='staff_a').display_name}")
    language = phone_page.locator("button[name=language][value=zh-hant]")
    language.wait_for(state="visible")
    language.click()
    phone_page.wait_for_load_state()
    assert phone_page.get_attribute("html", "lang") == "zh-hant"
    user.refresh_from_db()
    assert user.language == "zh-hant"


@pytest.mark.browser
def test_pages_run_without_content_security_policy_violations(db, live_server, phone_page):
    violations = csp_violations(phone_page)
    phone_page.goto(f"{live_server.url}{LOGIN}")
    phone_page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)
