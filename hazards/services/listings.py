"""Supervision listing (挂牌督办) of major hazards (SAWS Order 16 Arts 21–23; DESIGN.md §5).

While a listing is live the premises counts as suspended: after listing and de-listing the
premises' status is recomputed from the orders and listings in force.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record_change
from core.models import Premises, User, next_number
from core.scoping import get_restricted
from hazards.choices import HazardGrade, HazardState, ListingLevel, ListingState
from hazards.machines.listings import CHANGES_STATUS
from hazards.models import Hazard, HazardListing
from hazards.services.enforcement import premises_status_from_orders
from workflow.engine import fire
from workflow.machine import Files

NUMBER_PREFIX = "GP"  # 挂牌


def listing_number(year: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{next_number(NUMBER_PREFIX, year):06d}"


def refresh_premises_status(premises: Premises) -> None:
    """Let the enforcement service set the premises' status from what is in force."""
    premises_status_from_orders(premises)


def list_hazard(
    *,
    user: User,
    hazard: Hazard,
    level: str,
    office: str,
    deadline: dt.date,
    public_notice: str = "",
    listed_on: dt.date | None = None,
) -> HazardListing:
    """List a major hazard for supervision; numbered "GP-<year>-000001"; audited."""
    if level not in ListingLevel.values:
        raise ValidationError(_("Unknown supervising level."), code="bad_level")
    if not office.strip():
        raise ValidationError(_("Name the supervising office."), code="office_required")
    listed_on = listed_on or timezone.localdate()
    if deadline < listed_on:
        raise ValidationError(_("The deadline cannot be before the listing date."), code="deadline")
    with transaction.atomic():
        if not user.has_perm("hazards.add_hazardlisting"):
            raise PermissionDenied(_("You may not list hazards for supervision."))
        visible = Hazard.objects.select_related("premises")
        hazard = get_restricted(visible, user, "view", hazard.pk)
        # SAWS Order 16 Art. 21: listing is for major hazards still open.
        if hazard.grade != HazardGrade.MAJOR:
            raise ValidationError(_("Only a major hazard can be listed."), code="not_major")
        if hazard.state == HazardState.CLOSED:
            raise ValidationError(_("The hazard is closed."), code="closed")
        if (
            HazardListing.objects.filter(hazard=hazard)
            .exclude(state=ListingState.DELISTED)
            .exists()
        ):
            raise ValidationError(_("This hazard is already listed."), code="already_listed")
        listing = HazardListing(
            number=listing_number(listed_on.year),
            hazard=hazard,
            level=level,
            office=office.strip()[:100],
            listed_on=listed_on,
            public_notice=public_notice,
            deadline=deadline,
            listed_by=user,
            state=ListingState.LISTED,
        )
        listing.save()
        record_change(listing, None)
        refresh_premises_status(hazard.premises)
    return listing


def transition_listing(
    name: str,
    listing: HazardListing,
    user: User,
    data: dict[str, Any] | None = None,
    expected_version: int | str | None = None,
    files: Files | None = None,
) -> HazardListing:
    """The listing machine's door: fire `name`; de-listing recomputes the premises' status in
    the same transaction. Raises workflow.errors.WorkflowError."""
    with transaction.atomic():
        fired = fire(name, listing, user, data, expected_version, files)
        if name in CHANGES_STATUS:
            refresh_premises_status(Premises.objects.get(pk=fired.hazard.premises_id))
    return fired


def live_listings(premises: Premises) -> Any:
    """Listings in force at the premises (for the enforcement service and the premises page)."""
    return HazardListing.objects.filter(hazard__premises=premises).exclude(
        state=ListingState.DELISTED
    )
