"""The audit log: one hash-chained entry per create, update and delete.

Each entry's hash covers its own content and the previous entry's hash, and the chain head
row remembers the last sequence number and hash, so editing, deleting or appending rows
behind the application's back is found by `manage.py verify_audit`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit_sources import audit_sources
from core.choices import AuditAction
from core.models.scoped import Restricted
from core.scoping import Scope


class ReadOnlyError(RuntimeError):
    pass


class AuditEntry(Restricted):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    timestamp = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    source = models.CharField(_("source"), max_length=64)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-seq"], name="audit_object"),
            models.Index(fields=["actor", "-seq"], name="audit_actor"),
        ]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"

    @property
    def actor_name(self) -> str:
        """Who acted, as a person reads it: the user's name, else the door that acted (a
        command, the worker); `actor_label` keeps the login name the entry was sealed with."""
        if self.actor_id is not None and self.actor is not None:
            return self.actor.display_name
        return self.source_label

    @property
    def source_label(self) -> str:
        return audit_sources.label(self.source)

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ReadOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReadOnlyError("audit entries are never deleted")

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> models.Q:
        # Audit trails of a whole installation are for auditors with unlimited scope;
        # others read an object's history through the object they can already see.
        return models.Q(pk__in=[])


class AuditChainHead(models.Model):
    """A single row: the last entry's sequence and hash, locked while an entry is appended."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"
