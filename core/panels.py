"""Panels other apps add to a core page (the premises page shows the safety area's
inspections, hazards, risk points and enforcement) without core importing those apps.

An app registers in its AppConfig.ready(): `premises_panels.register(Panel(...))`. A panel is
shown when the user holds its permission; its context function reads through restrict().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    key: str
    template_name: str
    permission: str
    context: Callable[[Any, Any], dict[str, Any]]  # (user, obj) → template context


class PanelRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, panel: Panel) -> None:
        self._panels[panel.key] = panel

    def render(self, request: Any, obj: Any) -> list[SafeString]:
        user = request.user
        return [
            render_to_string(
                panel.template_name,
                {"object": obj, **panel.context(user, obj)},
                request=request,
            )
            for panel in self._panels.values()
            if user.has_perm(panel.permission)
        ]


premises_panels = PanelRegistry()
