"""Open311 GeoReport v2 clients: each holds an API key for POSTing requests (DESIGN.md §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models.scoped import SharedReference


class Open311Client(SharedReference):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Only a digest is stored; `manage.py open311_key NAME` prints the key once.
    key_prefix = models.CharField(_("key prefix"), max_length=8, db_index=True)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    AUDIT_MASKED_FIELDS = ("key_digest",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name
