"""The catalogs shipped in the repo are complete and compiled, and pages switch language."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

CHINESE = ["zh_Hans", "zh_Hant"]


def catalog(language: str, ext: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / f"django.{ext}"


@pytest.mark.parametrize("language", CHINESE)
def test_every_interface_string_is_translated(language):
    po = polib.pofile(str(catalog(language, "po")))
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == [], f"untranslated in {language} (run `make messages`, then translate)"


@pytest.mark.parametrize("language", CHINESE)
def test_compiled_catalog_matches_its_source(language):
    po = polib.pofile(str(catalog(language, "po")))
    mo = polib.mofile(str(catalog(language, "mo")))
    compiled = {entry.msgid: entry.msgstr for entry in mo if not entry.msgid_plural}
    source = {
        entry.msgid: entry.msgstr for entry in po.translated_entries() if not entry.msgid_plural
    }
    assert compiled == source, "run `make messages` to recompile the catalogs"


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "登录"), ("zh-hant", "登錄"), ("en", "Sign in")]
)
def test_login_page_speaks_the_chosen_language(client, db, language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/accounts/login/").content.decode()
    assert expected in page
