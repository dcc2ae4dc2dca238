"""Supervision listing (挂牌督办) of major hazards: listing, the unit's application to resume,
the 10-day on-site review clock, de-listing, and the premises suspended meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.attachments import store_attachment
from core.choices import PremisesStatus
from core.models import Premises
from hazards.choices import ListingState
from hazards.models import Hazard, HazardListing
from hazards.services.hazards import report_hazard, save_governance_plan, transition_hazard
from hazards.services.listings import list_hazard, transition_listing
from testing.api import ListTests, RetrieveTests
from testing.views import DetailViewTests, ExportTests, ListViewTests, Rows
from testing.world import World
from workflow.calendar import deadline_after
from workflow.choices import ClockState
from workflow.clocks import open_clocks
from workflow.errors import PreconditionFailed, TransitionForbidden
from workflow.models import Clock

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def major_hazard(world: World, premises: Premises, title: str = "教学楼危房") -> Hazard:
    return report_hazard(
        user=world.user("county"),
        premises=premises,
        title=title,
        source="inspection",
        grade="major",
        rectify_by=timezone.now() + dt.timedelta(days=30),
    )


def listed(world: World, hazard: Hazard) -> HazardListing:
    return list_hazard(
        user=world.user("department"),
        hazard=hazard,
        level="county",
        office="县安委办",
        deadline=timezone.localdate() + dt.timedelta(days=60),
        public_notice="挂牌督办公告",
    )


def rectify_major(world: World, hazard: Hazard) -> Hazard:
    officer = world.user("enterprise")
    save_governance_plan(
        user=officer,
        hazard=hazard,
        goals_and_tasks="加固",
        methods_and_measures="钢结构",
        funds_and_materials="50万",
        responsible_body_and_people="校长",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        deadline_requirements="30日",
        safety_and_emergency="停用",
    )
    hazard = transition_hazard("start_rectifying", hazard, officer)
    store_attachment(
        subject=hazard,
        upload=SimpleUploadedFile("done.png", PNG, content_type="image/png"),
        kind="evidence",
        user=officer,
    )
    return transition_hazard("rectify", hazard, officer, {"rectification_note": "加固完成"})


def premises_status(premises: Premises) -> str:
    return Premises.objects.get(pk=premises.pk).status


def test_a_listed_major_hazard_is_numbered_and_suspends_the_premises(world):
    listing = listed(world, major_hazard(world, world.premises_a))
    assert listing.number == f"GP-{timezone.localdate().year}-000001"
    assert listing.state == ListingState.LISTED
    assert premises_status(world.premises_a) == PremisesStatus.SUSPENDED


def test_a_general_hazard_cannot_be_listed(world):
    hazard = report_hazard(
        user=world.user("county"), premises=world.premises_a, title="一般", source="ad_hoc"
    )
    with pytest.raises(ValidationError):
        listed(world, hazard)
    assert not HazardListing.objects.exists()


def test_a_hazard_is_listed_once_at_a_time(world):
    hazard = major_hazard(world, world.premises_a)
    listed(world, hazard)
    with pytest.raises(ValidationError):
        listed(world, hazard)


def test_the_unit_applies_after_rectifying_and_the_review_clock_runs_ten_days(world):
    hazard = major_hazard(world, world.premises_a)
    listing = listed(world, hazard)
    officer = world.user("enterprise")
    with pytest.raises(PreconditionFailed):
        transition_listing("apply_to_resume", listing, officer, {"resumption_application": "申请"})
    rectify_major(world, hazard)
    listing = transition_listing(
        "apply_to_resume", listing, officer, {"resumption_application": "已整改，申请复产"}
    )
    assert listing.state == ListingState.RESUMPTION_APPLIED
    clock = open_clocks(listing, ("hazards.resume_review",)).get()
    # SAWS Order 16 Art. 23: on-site review within 10 days of the application.
    assert clock.rule.length == 10
    assert listing.resumption_applied_at is not None
    assert clock.due == deadline_after(listing.resumption_applied_at, 10, clock.rule.unit).due


def test_review_and_delisting_lift_the_suspension(world):
    hazard = major_hazard(world, world.premises_a)
    listing = listed(world, hazard)
    rectify_major(world, hazard)
    officer, regulator = world.user("enterprise"), world.user("department")
    listing = transition_listing(
        "apply_to_resume", listing, officer, {"resumption_application": "申请"}
    )
    with pytest.raises(TransitionForbidden):
        transition_listing("review", listing, officer, {"review_note": "自查通过"})
    listing = transition_listing("review", listing, regulator, {"review_note": "现场核查合格"})
    review = Clock.objects.get(object_id=listing.pk, kind="hazards.resume_review")
    assert review.state == ClockState.MET
    assert premises_status(world.premises_a) == PremisesStatus.SUSPENDED
    listing = transition_listing("delist", listing, regulator)
    assert listing.state == ListingState.DELISTED
    assert listing.delisted_by == regulator
    assert premises_status(world.premises_a) == PremisesStatus.OPERATING


def test_a_failed_review_keeps_it_listed(world):
    hazard = major_hazard(world, world.premises_a)
    listing = listed(world, hazard)
    rectify_major(world, hazard)
    listing = transition_listing(
        "apply_to_resume", listing, world.user("enterprise"), {"resumption_application": "申请"}
    )
    listing = transition_listing(
        "refuse_resumption", listing, world.user("department"), {"review_note": "支撑未完成"}
    )
    assert listing.state == ListingState.LISTED
    assert not open_clocks(listing).exists()


# Pages


class TestListingPages(ListViewTests, ExportTests, DetailViewTests):
    model = HazardListing

    def url(self, page: str, obj: models.Model | None = None) -> str:
        return reverse(f"hazards:hazardlisting_{page}", args=[obj.pk] if obj is not None else [])

    def make_rows(self, world: World) -> Rows:
        inside = listed(world, major_hazard(world, world.premises_a, "甲镇危房"))
        outside = listed(world, major_hazard(world, world.premises_b, "乙镇危房"))
        return Rows(in_scope=inside, out_of_scope=outside, deletable=inside)


def test_list_a_hazard_from_its_page(client, world):
    hazard = major_hazard(world, world.premises_a)
    client.force_login(world.user("department"))
    assert (
        client.get(reverse("hazards:hazardlisting_add"), {"hazard": hazard.pk}).status_code == 200
    )
    response = client.post(
        reverse("hazards:hazardlisting_add"),
        {"hazard": hazard.pk, "level": "county", "office": "县安委办",
         "deadline": (timezone.localdate() + dt.timedelta(days=60)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    listing = HazardListing.objects.get(hazard=hazard)
    assert premises_status(world.premises_a) == PremisesStatus.SUSPENDED
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert listing.number in page


def test_the_unit_applies_to_resume_from_the_listing_page(client, world):
    hazard = major_hazard(world, world.premises_a)
    listing = listed(world, hazard)
    rectify_major(world, hazard)
    client.force_login(world.user("enterprise"))
    page = client.get(listing.get_absolute_url())
    assert [t.name for t in page.context["transitions"]] == ["apply_to_resume"]
    client.post(
        reverse("hazards:hazardlisting_transition", args=[listing.pk, "apply_to_resume"]),
        {"version": listing.version,
         "resumption_application": "申请复产"},
    )  # fmt: skip
    assert HazardListing.objects.get(pk=listing.pk).state == ListingState.RESUMPTION_APPLIED


def test_listing_needs_the_permission(client, world):
    client.force_login(world.user("enterprise"))
    assert client.get(reverse("hazards:hazardlisting_add")).status_code == 403


# API


class TestListingAPI(ListTests, RetrieveTests):
    model = HazardListing
    basename = "hazardlisting"

    def set_up(self, world: World) -> None:
        self.inside = listed(world, major_hazard(world, world.premises_a, "甲镇危房"))
        self.outside = listed(world, major_hazard(world, world.premises_b, "乙镇危房"))

    def in_scope(self) -> HazardListing:
        return self.inside

    def out_of_scope(self) -> HazardListing:
        return self.outside

    def test_list_and_delist_through_the_api(self) -> None:
        hazard = major_hazard(self.world, self.world.premises_a, "第三处")
        client = self.client("department")
        response = client.post(
            reverse("api:hazardlisting-list"),
            {"hazard": hazard.pk, "level": "city", "office": "市安委办",
             "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat()},
            "json",
        )  # fmt: skip
        assert response.status_code == 201, response.content
        listing = HazardListing.objects.get(pk=response.json()["id"])
        rectify_major(self.world, hazard)
        officer = self.client("enterprise")
        url = reverse("api:hazardlisting-transition", args=[listing.pk, "apply_to_resume"])
        applied = officer.post(
            url, {"version": listing.version, "data": {"resumption_application": "申请"}}, "json"
        )
        assert applied.status_code == 200, applied.content
        version = applied.json()["version"]
        review_url = reverse("api:hazardlisting-transition", args=[listing.pk, "review"])
        refused = officer.post(
            review_url, {"version": version, "data": {"review_note": "x"}}, "json"
        )
        assert refused.status_code == 403
        reviewed = client.post(
            review_url, {"version": version, "data": {"review_note": "合格"}}, "json"
        )
        assert reviewed.status_code == 200, reviewed.content

    def test_a_general_hazard_is_400(self) -> None:
        hazard = report_hazard(
            user=self.world.user("county"), premises=self.world.premises_a, title="一般",
            source="ad_hoc",
        )  # fmt: skip
        response = self.client("department").post(
            reverse("api:hazardlisting-list"),
            {"hazard": hazard.pk, "level": "city", "office": "市安委办",
             "deadline": timezone.localdate().isoformat()},
            "json",
        )  # fmt: skip
        assert response.status_code == 400
        assert response.json()["code"] == "not_major"
