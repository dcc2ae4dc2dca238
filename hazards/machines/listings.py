"""Supervision listing (挂牌督办) of a major hazard (SAWS Order 16 Arts 21–23):

listed → resumption applied (the unit, after rectifying) → reviewed on site (the regulator,
within 10 days: `hazards.resume_review`) → de-listed (摘牌). A review that finds the work not
done sends the listing back to listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import User
from hazards.choices import RESUME_REVIEW_CLOCK, HazardState, ListingState
from hazards.machines.hazards import OFFICIALS, regulators
from hazards.models import HazardListing
from workflow.machine import Machine, Notify, StartClock, Transition, register

# Listing is the regulator's act (Work Safety Law Art. 65; SAWS Order 16 Art. 21).
REGULATOR = ("department_staff", "directory_admin", "unit_leader")


def unit_officers(listing: HazardListing) -> Iterable[User]:
    return User.objects.filter(premises=listing.hazard.premises_id, is_active=True)


def listing_regulators(listing: HazardListing) -> Iterable[User]:
    return regulators(listing.hazard)


def hazard_rectified(
    listing: HazardListing, user: User, data: dict[str, Any]
) -> str | Promise | None:
    # SAWS Order 16 Art. 23: the unit applies to resume once the rectification is done.
    done = (HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)
    if listing.hazard.state not in done:
        return _("Rectify the hazard and report it rectified before applying to resume.")
    return None


def note_given(listing: HazardListing, user: User, data: dict[str, Any]) -> str | Promise | None:
    if not str(data.get("review_note") or "").strip():
        return _("Record what the on-site review found.")
    return None


LISTING = register(
    Machine(
        model=HazardListing,
        door="hazards.services.listings.transition_listing",
        states=ListingState,
        initial=ListingState.LISTED,
        transitions=(
            Transition(
                "apply_to_resume",
                _("Apply to resume"),
                source=(ListingState.LISTED,),
                target=ListingState.RESUMPTION_APPLIED,
                # The unit itself applies: it may only view the listing, so "view" suffices.
                roles=("enterprise_officer", *OFFICIALS),
                action="view",
                fields=("resumption_application",),
                required=("resumption_application",),
                conditions=(hazard_rectified,),
                stamp_time="resumption_applied_at",
                # SAWS Order 16 Art. 23: on-site review within 10 days of the application.
                start=(StartClock(RESUME_REVIEW_CLOCK, anchor="resumption_applied_at"),),
                notify=(Notify(listing_regulators, "listing.resumption_applied"),),
            ),
            Transition(
                "review",
                _("Reviewed on site: may resume"),
                source=(ListingState.RESUMPTION_APPLIED,),
                target=ListingState.REVIEWED,
                roles=REGULATOR,
                fields=("review_note",),
                required=("review_note",),
                conditions=(note_given,),
                stop=(RESUME_REVIEW_CLOCK,),
                stamp_user="reviewed_by",
                stamp_time="reviewed_at",
                notify=(Notify(unit_officers, "listing.reviewed"),),
                confirm=_(
                    "You sign the on-site review in your name: the unit may resume, and the "
                    "listing can then be removed."
                ),
            ),
            Transition(
                "refuse_resumption",
                _("Reviewed on site: not yet"),
                source=(ListingState.RESUMPTION_APPLIED,),
                target=ListingState.LISTED,
                roles=REGULATOR,
                fields=("review_note",),
                required=("review_note",),
                conditions=(note_given,),
                stop=(RESUME_REVIEW_CLOCK,),
                stamp_user="reviewed_by",
                stamp_time="reviewed_at",
                notify=(Notify(unit_officers, "listing.refused"),),
            ),
            Transition(
                "delist",
                _("De-list (摘牌)"),
                source=(ListingState.REVIEWED,),
                target=ListingState.DELISTED,
                roles=REGULATOR,
                stamp_user="delisted_by",
                stamp_time="delisted_at",
                confirm=_(
                    "The listed supervision ends (摘牌) and the unit is told; a removed listing "
                    "is not restored."
                ),
                notify=(Notify(unit_officers, "listing.delisted"),),
            ),
        ),
    )
)

# After these the premises' status is recomputed from the orders and listings in force.
CHANGES_STATUS = frozenset({"delist"})
