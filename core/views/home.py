from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from core.models import Department, Premises, Region, User
from core.choices import RegionLevel


class HomeView(LoginRequiredMixin, TemplateView):
    """Counts of what the user's scope holds; the full dashboard comes with the reports app."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        regions = Region.objects.restrict(user, "view")
        return super().get_context_data(
            **kwargs,
            counts={
                "premises": Premises.objects.restrict(user, "view").count(),
                "townships": regions.filter(level=RegionLevel.TOWNSHIP).count(),
                "grids": regions.filter(level=RegionLevel.GRID).count(),
                "departments": Department.objects.restrict(user, "view").count(),
                "users": User.objects.restrict(user, "view").count(),
            },
        )
