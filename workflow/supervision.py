"""Issuing supervision notices (督查督办) and counting them by unit.

A supervisor may press a unit about any item they can see, overdue or not; the notice carries
its own reply clock (rule `workflow.supervision_reply`), so an unanswered notice escalates like
any other deadline. Replies and closing go through the notice's machine
(workflow/machines/supervision.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change
from core.models import Department, Region, User
from core.scoping import NotFound
from core.services import ensure_in_scope
from workflow.audiences import covering
from workflow.choices import SupervisionState
from workflow.clocks import start_clock
from workflow.errors import MissingFields
from workflow.machines.supervision import REPLY_CLOCK
from workflow.models import Clock, SupervisionNotice
from workflow.notifications import notify


def _visible(user: User, subject: models.Model) -> bool:
    manager = type(subject)._default_manager
    if not hasattr(manager, "restrict"):
        return bool(user.is_superuser)
    return manager.restrict(user, "view").filter(pk=subject.pk).exists()


def _next_number(now: Any) -> str:
    year = timezone.localdate(now).year
    prefix = f"DB-{year}-"
    count = SupervisionNotice.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


def issue_notice(
    user: User,
    subject: models.Model,
    *,
    request: str,
    department: Department | None = None,
    region: Region | None = None,
) -> SupervisionNotice:
    """Issue a notice on `subject` to a unit (department and/or township) with a reply clock."""
    if not request.strip() or (department is None and region is None):
        raise MissingFields(fields=["request", "department/region"])
    if not _visible(user, subject):
        raise NotFound(_("No such record."))
    now = timezone.now()
    with transaction.atomic():
        notice = SupervisionNotice(
            number=_next_number(now),
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
            object_id=subject.pk,
            subject_label=str(subject)[:200],
            department=department,
            region=region,
            request=request,
            issued_by=user,
            issued_at=now,
            reply_due=now,
            state=SupervisionState.ISSUED,
        )
        notice.save()
        ensure_in_scope(user, notice, "add", _("You may not press a unit outside your scope."))
        clock = start_clock(notice, REPLY_CLOCK, at=now, region=region)
        SupervisionNotice.objects.filter(pk=notice.pk).update(reply_due=clock.due)
        notice.reply_due = clock.due
        record_change(notice, None)
        _tell_unit(notice)
    return notice


def _tell_unit(notice: SupervisionNotice) -> None:
    people = set(covering("unit_leader", notice)) | set(covering("handling_staff", notice))
    notify(
        people,
        topic="supervision.issued",
        title=_("Supervision notice %(number)s: %(item)s")
        % {"number": notice.number, "item": notice.subject_label},
        body=notice.request,
        url=notice.get_absolute_url(),
    )


def notices_on(subject: models.Model) -> models.QuerySet[SupervisionNotice]:
    content_type = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    return SupervisionNotice.objects.filter(content_type=content_type, object_id=subject.pk)


def counts_by_unit(user: User) -> list[Mapping[str, Any]]:
    """Per unit: notices issued, still open, replied, and with the reply overdue."""
    notices = SupervisionNotice.objects.restrict(user, "view")
    overdue_clock = Clock.objects.filter(
        kind=REPLY_CLOCK, breached=True, object_id=models.OuterRef("pk")
    )
    open_states = (SupervisionState.ISSUED,)
    return list(
        notices.annotate(late=models.Exists(overdue_clock))
        .values("department__name", "region__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(state__in=open_states)),
            replied=Count("pk", filter=Q(state=SupervisionState.REPLIED)),
            overdue=Count("pk", filter=Q(late=True, state__in=open_states)),
        )
        .order_by("-open", "department__name", "region__name")
    )
