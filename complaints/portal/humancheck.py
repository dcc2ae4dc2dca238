"""A small question only a person reads: "what is 3 plus 4?", with no outside service and no
JavaScript. The numbers travel in a signed, timestamped token (HMAC with the SECRET_KEY, salted
for this use), so the server keeps nothing until an answer is used; a used token is remembered
in the cache until it would expire anyway, so one solved question cannot be replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

SALT = "complaints.portal.humancheck"


@dataclass(frozen=True)
class Question:
    token: str
    first: int
    second: int

    @property
    def text(self) -> str:
        return _("What is %(first)s plus %(second)s?") % {
            "first": self.first,
            "second": self.second,
        }


def new_question() -> Question:
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": first, "b": second, "n": secrets.token_hex(8)}, salt=SALT)
    return Question(token, first, second)


def question_of(token: str) -> Question | None:
    """The question a token carries, or None when it was tampered with or is too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PORTAL_HUMAN_CHECK_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return Question(token, int(data["a"]), int(data["b"]))


def answer_is_right(token: str, answer: str) -> bool:
    question = question_of(token)
    if question is None:
        return False
    return answer.strip() == str(question.first + question.second)


def use(token: str) -> bool:
    """Mark the token used; False when it already was (a replayed submission)."""
    key = "portal:human:" + hashlib.sha256(token.encode()).hexdigest()
    return bool(cache.add(key, 1, settings.PORTAL_HUMAN_CHECK_MAX_AGE))
