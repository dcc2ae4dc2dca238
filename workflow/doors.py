"""What a page or an API client posts to a transition, read the same way for both: the data
keys are the transition's field names, `version` is the version last read, and files come under
their attachment kind (`evidence`, `proof`). The transition's name is in the URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from workflow.machine import Files

# Form keys that are not data of the transition.
# `confirmed` answers the page's question before an irreversible step (Transition.confirm).
RESERVED = frozenset({"csrfmiddlewaretoken", "transition", "version", "return_url", "confirmed"})


@dataclass
class Posted:
    data: dict[str, Any]
    version: Any = None
    files: Files = field(default_factory=dict)


def posted_form(post: QueryDict, uploads: MultiValueDict) -> Posted:
    """A form post (an HTML form, or an API client's multipart body): a blank input is no
    value, as the engine reads it."""
    data = {key: value for key, value in post.items() if key not in RESERVED and value != ""}
    files = {kind: uploads.getlist(kind) for kind in uploads}
    return Posted(data=data, version=post.get("version") or None, files=files)
