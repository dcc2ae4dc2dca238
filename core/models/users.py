"""Users: roles are groups with permissions; the scope is regions, departments and premises."""

from __future__ import annotations

import re
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import Language
from core.models.directory import Department, Region
from core.models.premises import Premises
from core.scoping import RestrictedQuerySet, Scope, within_paths

CJK = re.compile(r"[\u3400-\u9fff]")


class UserQuerySet(RestrictedQuerySet):
    pass


class CivicDeskUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    unlimited_scope = models.BooleanField(
        _("sees every region"),
        default=False,
        help_text=_("For city-wide administrators and auditors."),
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions"), blank=True, related_name="users"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="users"
    )
    premises = models.ManyToManyField(
        Premises,
        verbose_name=_("premises (enterprise officers)"),
        blank=True,
        related_name="officers",
    )

    objects = CivicDeskUserManager()  # type: ignore[misc]

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("core:user_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """How a person is named on every page: a Chinese name family name first and unspaced
        (曾磊), a Latin one given name first; never the login name, which is a credential."""
        family, given = self.last_name.strip(), self.first_name.strip()
        if not (family or given):
            return gettext("Account %(number)s") % {"number": self.pk}
        if CJK.search(family + given):
            return family + given
        return f"{given} {family}".strip()

    def get_full_name(self) -> str:
        return self.display_name

    @cached_property
    def scope(self) -> Scope:
        """What the user reaches, read once per user object (a request keeps the same object)."""
        return Scope.for_user(self)

    @property
    def role_names(self) -> list[str]:
        return [group.name for group in self.groups.all()]

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> Q:
        """Users who share the viewer's regions or departments; to change one, every region and
        department of theirs must be the editor's too.

        That keeps "a user cannot grant a scope they do not hold": the edit form offers only the
        editor's regions and departments, and users reaching beyond them are read-only to them.
        """
        region_link = cls.regions.through.objects.filter(user=OuterRef("pk"))
        department_link = cls.departments.through.objects.filter(user=OuterRef("pk"))
        in_our_regions = within_paths("region__path", scope.region_paths)
        in_our_departments = Q(department__in=scope.department_ids)
        shares = Exists(region_link.filter(in_our_regions)) | Exists(
            department_link.filter(in_our_departments)
        )
        if action == "view":
            return shares
        reaches_beyond = Exists(region_link.exclude(in_our_regions)) | Exists(
            department_link.exclude(in_our_departments)
        )
        return shares & ~reaches_beyond & Q(is_superuser=False, unlimited_scope=False)


class SecondFactorToken(models.Model):
    """An API token obtained with the one-time code as well as the password. For an account
    that must use a second factor on pages, only such a token opens the API."""

    token = models.OneToOneField(
        "authtoken.Token",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="second_factor",
        verbose_name=_("token"),
    )
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("token obtained with a second factor")
        verbose_name_plural = _("tokens obtained with a second factor")

    def __str__(self) -> str:
        return f"verified {self.verified_at:%Y-%m-%d %H:%M}"
