"""What a person reads on a page, and the words on it that are not in their language.

`visible_texts(html)` gives the text nodes of a page's body (scripts, styles and hidden inputs
aside) and the option labels of its lists. `foreign_words(text, language)` names what in one
text would not be read as the user's language: a stored value where its label belongs (a choice
value such as `approved`, a role key such as `complaint_clerk`, an actor key such as
`command:demo_data`), developer text, and, on a Chinese page, an English word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser

from django.apps import apps
from django.db.models import Field

from core.roles import ROLES

HIDDEN_TAGS = {"script", "style", "template", "head", "title", "svg", "code"}
DEVELOPER_TEXT = re.compile(r"DESIGN\.md|§|msgid|\bTODO\b|\bFIXME\b")
ACTOR_KEY = re.compile(r"\b[a-z]+:[a-z_]+\b")
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
# Words a Chinese page may show as they are: product, file and unit names, and standards.
KEPT_WORDS = {
    "CivicDesk", "Open311", "GeoReport", "Token", "Bootstrap", "htmx", "Django", "Chromium",
    "Excel", "demo", "LEC", "Email", "Http", "English",
}  # fmt: skip


VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class TextParser(HTMLParser):
    """Text a reader sees. An element marked as not for translation (`translate="no"`: a login
    name, a code) or as in another language (`lang`: a language's own name) is left out."""

    def __init__(self) -> None:
        super().__init__()
        self.skipping: list[str] = []  # open elements, from the first one left out
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        left_out = tag in HIDDEN_TAGS or values.get("translate") == "no"
        left_out = left_out or ("lang" in values and tag != "html")
        if not self.skipping and not left_out:
            self.texts += [
                str(values[name]) for name in ("placeholder", "title") if values.get(name)
            ]
        if tag not in VOID_TAGS and (self.skipping or left_out):
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        # Closing an element closes the unclosed ones inside it (<li>, <p>) too.
        if tag in self.skipping:
            del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.skipping:
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = TextParser()
    parser.feed(html)
    return parser.texts


@cache
def raw_values() -> frozenset[str]:
    """Stored values that have a label of their own: every choice of every model field whose
    value reads differently from its label, and every role key."""
    values = {role.key for role in ROLES}
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, Field) and model_field.choices:
                values |= set(choice_values(model_field.flatchoices))
    return frozenset(values)


def choice_values(choices: Iterable[tuple[object, object]]) -> Iterable[str]:
    for value, label in choices:
        if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]*", value) and value != label:
            yield value


def foreign_words(text: str, language: str, kept: frozenset[str] = frozenset()) -> list[str]:
    """What in `text` a reader of `language` should not see: empty when it reads well.
    Texts in `kept` are data shown as stored (a login name, a code)."""
    found: list[str] = []
    if text in kept:
        return found
    if text in raw_values():
        found.append(f"raw value {text!r}")
    found += [f"actor key {key!r}" for key in ACTOR_KEY.findall(text)]
    found += [f"developer text {m!r}" for m in DEVELOPER_TEXT.findall(text)]
    if language.startswith("zh"):
        english = [w for w in ENGLISH_WORD.findall(text) if w not in KEPT_WORDS]
        if english:
            found.append(f"English {' '.join(english)!r}")
    return found


def page_problems(html: str, language: str, kept: frozenset[str] = frozenset()) -> list[str]:
    return [
        f"{text[:80]!r}: {', '.join(problems)}"
        for text in dict.fromkeys(visible_texts(html))
        if (problems := foreign_words(text, language, kept))
    ]


def stored_codes() -> frozenset[str]:
    """Every login name and code in the database: identifiers a page shows as they are."""
    codes: set[str] = set()
    for model in apps.get_models():
        for name in ("code", "username"):
            if any(f.name == name for f in model._meta.get_fields()):
                codes |= set(model._default_manager.values_list(name, flat=True))
    return frozenset(codes)
