"""Generic create, update and delete used by UI views, API viewsets and the admin alike, and
the base of the errors every service raises.

Each write runs in one transaction: the write, the scope check on the result and the audit
entry. A refusal is a `ServiceError` (or Django's ValidationError / PermissionDenied / Http404):
the API answers it in `core.api.exceptions`, pages in `core.views.generic.RefusalMessages`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record_change, snapshot
from core.models import User
from core.observers import observed
from core.scoping import get_restricted


class ServiceError(Exception):
    """A refused operation with a stable machine-readable `code` and an HTTP `status`."""

    code = "refused"
    status = 400
    default_message: Any = gettext_lazy("The action could not be carried out.")

    def __init__(self, message: Any = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"detail": str(self.message), "code": self.code, **self.details}


class OutOfScopeError(PermissionDenied):
    """The write would put the object outside what the user may manage (it was in scope to
    start with; a row the user cannot reach at all is a 404, `core.scoping.get_restricted`)."""


def _stored_snapshot(instance: models.Model) -> dict[str, Any] | None:
    # Forms and serializers have already copied the new values onto the instance,
    # so "before" must come from the database.
    if instance.pk is None:
        return None
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return snapshot(stored) if stored is not None else None


def save_in_scope[M: models.Model](user: User, instance: M, save: Callable[[], M]) -> M:
    """Run `save` and keep its result only if it stays within the user's scope."""
    action = "change" if instance.pk else "add"
    with transaction.atomic(), observed(instance):
        before = _stored_snapshot(instance)
        saved = save()
        if hasattr(saved, "refresh_derived"):
            saved.refresh_derived()
        ensure_in_scope(user, saved, action)
        record_change(saved, before)
    return saved


def ensure_in_scope(user: User, saved: models.Model, action: str, message: Any = None) -> None:
    """After a write, inside its transaction: refuse (and so roll back) when the row left the
    user's scope. The one check of its kind; reaching a row at all is `get_restricted`."""
    model = type(saved)
    if not model.objects.restrict(user, action).filter(pk=saved.pk).exists():  # type: ignore[attr-defined]
        raise OutOfScopeError(
            message
            or _("That would place the %(model)s outside your scope; nothing was saved.")
            % {"model": model._meta.verbose_name}
        )


def delete_in_scope(user: User, instance: models.Model) -> None:
    model = type(instance)
    with transaction.atomic():
        get_restricted(model, user, "delete", instance.pk)
        before = snapshot(instance)
        pk = instance.pk
        with observed(instance):
            instance.delete()
        instance.pk = pk  # keep the id for the entry that names what was deleted
        record_change(instance, before, deleted=True)
