from typing import Any

from django.db.models import QuerySet
from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django model permissions, reading included: a role without `view_x` gets 403."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def _queryset(self, view: Any) -> QuerySet:
        # Only the model is needed to name the permission. DRF would call get_queryset(),
        # building the scoped queryset a second time on every request (the view builds it
        # again for its own use).
        model = getattr(view, "model", None)
        if model is not None:
            return model._default_manager.none()
        return super()._queryset(view)
