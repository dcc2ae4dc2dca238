from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.choices import RegionLevel
from core.models import Department, Premises, Region, User


class HomeView(LoginRequiredMixin, TemplateView):
    """Counts of what the user's scope holds; the full dashboard comes with the reports app."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        regions = Region.objects.restrict(user, "view")
        cards = [
            ("premises", _("Premises"), Premises.objects.restrict(user, "view").count()),
            ("townships", _("Townships"), regions.filter(level=RegionLevel.TOWNSHIP).count()),
            ("grids", _("Grids"), regions.filter(level=RegionLevel.GRID).count()),
            ("departments", _("Departments"), Department.objects.restrict(user, "view").count()),
            ("users", _("Users"), User.objects.restrict(user, "view").count()),
        ]
        return super().get_context_data(**kwargs, cards=cards)
