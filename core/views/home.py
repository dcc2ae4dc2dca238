from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.choices import RegionLevel
from core.models import Department, Premises, Region, User


@dataclass(frozen=True)
class CountCard:
    key: str
    label: str | Promise
    count: int
    url: str  # the list the count was taken from; empty when the user may not open it


class HomeView(LoginRequiredMixin, TemplateView):
    """Counts of what the user's scope holds; the full dashboard comes with the reports app."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        regions = Region.objects.restrict(user, "view")
        premises = Premises.objects.restrict(user, "view")
        departments = Department.objects.restrict(user, "view")
        users = User.objects.restrict(user, "view")
        cards = [
            self.card("premises", _("Premises"), premises.count(), "core:premises_list"),
            self.card(
                "townships",
                _("Townships"),
                regions.filter(level=RegionLevel.TOWNSHIP).count(),
                "core:region_list",
                f"?level={RegionLevel.TOWNSHIP}",
            ),
            self.card(
                "grids",
                _("Grids"),
                regions.filter(level=RegionLevel.GRID).count(),
                "core:region_list",
                f"?level={RegionLevel.GRID}",
            ),
            self.card("departments", _("Departments"), departments.count(), "core:department_list"),
            self.card("users", _("Users"), users.count(), "core:user_list"),
        ]
        return super().get_context_data(**kwargs, cards=cards)

    def card(
        self, key: str, label: Promise, count: int, list_name: str, query: str = ""
    ) -> CountCard:
        # The list applies the same restrict(user, "view"), so the link shows exactly these rows.
        model_name = list_name.removeprefix("core:").removesuffix("_list")
        may_open = self.request.user.has_perm(f"core.view_{model_name}")
        return CountCard(key, label, count, reverse(list_name) + query if may_open else "")
