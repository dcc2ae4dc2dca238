"""The directory's pages: every model through the generic view tests, plus what is particular
to premises, licences, users and the audit log, and a meta-test on the URL table."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, reverse

from core import urls as core_urls
from core.choices import AuditAction, PremisesStatus, RegionLevel
from core.models import AuditEntry, Department, Licence, LicenceType, Premises, Region, Sector, User
from core.navigation import menu
from core.views.generic import RestrictedView
from core.views.home import HomeView
from testing.views import (
    UNSCOPED,
    CreateViewTests,
    DetailViewTests,
    EditViewTests,
    ExportTests,
    HistoryViewTests,
    ListViewTests,
    ObjectViewTests,
    Rows,
    export_rows,
    export_text,
    post_data,
)
from testing.world import PASSWORD, World, make_credit_code, make_premises, make_region, make_user

STRONG_PASSWORD = "Correct-Horse-Battery-9"


class TestRegionViews(ObjectViewTests):
    model = Region
    edit_changes = {"name": "甲镇（更名）"}

    def make_rows(self, world: World) -> Rows:
        village = make_region("330101001002", "甲二村", RegionLevel.VILLAGE, world.township_a)
        # Township B is neither inside township A nor above it: invisible to A's staff.
        return Rows(world.township_a, world.township_b, deletable=village)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "code": "330101001003",
            "name": "甲三村",
            "level": RegionLevel.VILLAGE,
            "parent": world.township_a.pk,
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        # The county is visible to township A (it is above it) but not A's to extend.
        return {**self.form_data(world, rows), "parent": world.county.pk}


class TestSectorViews(ObjectViewTests):
    model = Sector
    edit_changes = {"name": "小学（更名）"}

    def make_rows(self, world: World) -> Rows:
        spare = Sector(code="TEST-SPARE", name="备用行业")
        spare.save()
        return Rows(world.sector, None, deletable=spare)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {"code": "TEST-NEW", "name": "新行业", "parent": world.sector.parent_id}


class TestLicenceTypeViews(ObjectViewTests):
    model = LicenceType
    edit_changes = {"name": "危险化学品经营许可证（新）"}

    def make_rows(self, world: World) -> Rows:
        licence_type = LicenceType.objects.create(code="LT-HAZCHEM", name="危险化学品经营许可证")
        return Rows(licence_type, None, deletable=licence_type)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {"code": "LT-FOOD", "name": "食品经营许可证"}


class TestDepartmentViews(ObjectViewTests):
    model = Department
    edit_changes = {"name": "甲镇安监办（更名）", "phone": "0571-1234567"}

    def make_rows(self, world: World) -> Rows:
        own = Department.objects.create(code="T-A-SAFE", name="甲镇安监", region=world.township_a)
        other = Department.objects.create(code="T-B-SAFE", name="乙镇安监", region=world.township_b)
        return Rows(own, other, deletable=own)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "code": "T-A-FIRE",
            "name": "甲镇消防站",
            "region": world.township_a.pk,
            "sectors": [world.sector.pk],
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {**self.form_data(world, rows), "region": world.county.pk}


class TestPremisesViews(ObjectViewTests):
    model = Premises
    edit_changes = {"name": "甲镇中心小学（新校区）", "status": PremisesStatus.SUSPENDED}

    def make_rows(self, world: World) -> Rows:
        return Rows(world.premises_a, world.premises_b, deletable=world.premises_a)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "name": "甲镇幼儿园",
            "credit_code": make_credit_code(10),
            "sector": world.sector.pk,
            "region": world.grid_a.pk,
            "address": "甲村1号",
            "status": PremisesStatus.OPERATING,
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {**self.form_data(world, rows), "region": world.grid_b.pk}


class TestLicenceViews(ObjectViewTests):
    model = Licence
    edit_changes = {"number": "HZ-A-0002"}

    def make_rows(self, world: World) -> Rows:
        licence_type = LicenceType.objects.create(code="LT-FIRE", name="消防安全检查合格证")
        own = Licence.objects.create(
            premises=world.premises_a,
            licence_type=licence_type,
            number="HZ-A-0001",
            valid_from=datetime.date(2025, 1, 1),
        )
        other = Licence.objects.create(
            premises=world.premises_b,
            licence_type=licence_type,
            number="HZ-B-0001",
            valid_from=datetime.date(2025, 1, 1),
        )
        return Rows(own, other, deletable=own)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        licence = rows.in_scope
        assert isinstance(licence, Licence)
        return {
            "premises": world.premises_a.pk,
            "licence_type": licence.licence_type_id,
            "number": "HZ-A-0100",
            "valid_from": "2026-01-01",
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {**self.form_data(world, rows), "premises": world.premises_b.pk}


class TestUserViews(
    ListViewTests, ExportTests, DetailViewTests, CreateViewTests, EditViewTests, HistoryViewTests
):
    """Users have no delete page: one who leaves is deactivated and keeps their audit trail."""

    model = User
    edit_changes = {"first_name": "小明", "email": "clerk@example.org"}

    def make_rows(self, world: World) -> Rows:
        clerk = make_user("clerk_a", "complaint_clerk", regions=[world.grid_a])
        return Rows(clerk, world.user("township_b"), deletable=clerk)

    def form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        return {
            "username": "new_clerk_a",
            "language": "en",
            "is_active": "on",
            "regions": [world.township_a.pk],
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        }

    def out_of_scope_form_data(self, world: World, rows: Rows) -> dict[str, Any]:
        # The county is on A's choice list (it is above A) but A cannot hand it out.
        return {**self.form_data(world, rows), "regions": [world.county.pk]}


# --- what is particular to some pages ------------------------------------------------------


@pytest.fixture
def superuser(world: World) -> User:
    world.users[UNSCOPED] = User.objects.create_superuser(
        "root_ui", password=PASSWORD, language="en"
    )
    return world.users[UNSCOPED]


def test_new_user_signs_in_with_the_password_set_on_create(client, world, superuser):
    client.force_login(superuser)
    data = TestUserViews().form_data(world, None)  # type: ignore[arg-type]
    assert client.post(reverse("core:user_add"), data).status_code == 302
    created = User.objects.get(username="new_clerk_a")
    assert created.check_password(STRONG_PASSWORD)
    recorded = str(AuditEntry.objects.get(object_id=str(created.pk)).changes)
    assert STRONG_PASSWORD not in recorded and created.password not in recorded


def test_user_form_offers_only_roles_the_editor_holds(client, world):
    # The county's directory administrator may not read the audit log, so cannot make auditors.
    client.force_login(world.user("county"))
    form = client.get(reverse("core:user_add")).context["form"]
    offered = set(form.fields["groups"].queryset.values_list("name", flat=True))
    assert "grid_inspector" in offered
    assert "auditor" not in offered


def test_user_scope_cannot_reach_beyond_the_editor(client, world):
    client.force_login(world.user("county"))
    city = world.county.parent
    data = {**TestUserViews().form_data(world, None), "regions": [city.pk]}  # type: ignore[arg-type]
    response = client.post(reverse("core:user_add"), data)
    assert response.status_code == 200
    assert "outside your scope" in response.content.decode()
    assert not User.objects.filter(username="new_clerk_a").exists()


def test_premises_form_explains_a_wrong_credit_code(client, world):
    client.force_login(world.user("township_a"))
    wrong = make_credit_code(11)[:-1] + ("0" if make_credit_code(11)[-1] != "0" else "1")
    data = {**TestPremisesViews().form_data(world, None), "credit_code": wrong}  # type: ignore[arg-type]
    response = client.post(reverse("core:premises_add"), data)
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert "check character" in response.content.decode()
    assert not Premises.objects.filter(credit_code=wrong).exists()


def test_premises_form_accepts_a_lower_case_code_with_spaces(client, world):
    client.force_login(world.user("township_a"))
    code = make_credit_code(12)
    typed = f" {code[:9].lower()} {code[9:]} "
    data = {**TestPremisesViews().form_data(world, None), "credit_code": typed}  # type: ignore[arg-type]
    assert client.post(reverse("core:premises_add"), data).status_code == 302
    assert Premises.objects.filter(credit_code=code).exists()


def test_premises_page_lists_licences_and_responsibilities(client, world):
    licence_type = LicenceType.objects.create(code="LT-X", name="办学许可证")
    Licence.objects.create(
        premises=world.premises_a,
        licence_type=licence_type,
        number="EDU-0001",
        valid_from=datetime.date(2025, 1, 1),
    )
    client.force_login(world.user("township_a"))
    content = client.get(world.premises_a.get_absolute_url()).content.decode()
    assert "EDU-0001" in content
    assert world.grid_a.name in content  # the territorial assignment
    assert world.department.name in content  # the sector regulator
    assert reverse("core:licence_add") + f"?premises={world.premises_a.pk}" in content


def test_licence_added_from_the_premises_page_returns_there(client, world):
    licence_type = LicenceType.objects.create(code="LT-Y", name="卫生许可证")
    client.force_login(world.user("township_a"))
    back = world.premises_a.get_absolute_url()
    form_page = client.get(reverse("core:licence_add"), {"premises": world.premises_a.pk})
    assert form_page.context["form"].initial["premises"] == str(world.premises_a.pk)
    data = {
        "premises": world.premises_a.pk,
        "licence_type": licence_type.pk,
        "number": "WS-1",
        "valid_from": "2026-01-01",
        "return_url": back,
    }
    response = client.post(reverse("core:licence_add"), data)
    assert response.status_code == 302
    assert response["Location"] == back
    assert world.premises_a.licences.filter(number="WS-1").exists()


def test_deleting_a_licence_returns_to_its_premises(client, world):
    licence_type = LicenceType.objects.create(code="LT-Z", name="特种设备使用登记证")
    licence = Licence.objects.create(
        premises=world.premises_a, licence_type=licence_type, number="TZ-1", valid_from="2025-1-1"
    )
    client.force_login(world.user("township_a"))
    response = client.post(reverse("core:licence_delete", args=[licence.pk]))
    assert response["Location"] == world.premises_a.get_absolute_url()


def test_deleting_a_region_still_in_use_explains_why_and_keeps_it(client, world, superuser):
    client.force_login(superuser)
    entries = AuditEntry.objects.count()
    response = client.post(reverse("core:region_delete", args=[world.grid_a.pk]))
    assert response.status_code == 409
    assert "cannot be deleted" in response.content.decode()
    assert Region.objects.filter(pk=world.grid_a.pk).exists()
    assert AuditEntry.objects.count() == entries


def test_edit_out_of_scope_shows_the_reason_and_saves_nothing(client, world):
    # The county's administrator may edit village A, but not move it up under the city.
    client.force_login(world.user("county"))
    village = world.grid_a.parent
    data = {"code": village.code, "name": village.name, "level": village.level}
    data["parent"] = world.county.parent_id  # visible (above the county), yet outside it
    entries = AuditEntry.objects.count()
    response = client.post(reverse("core:region_edit", args=[village.pk]), data)
    assert response.status_code == 200
    assert "outside your scope" in response.content.decode()
    village.refresh_from_db()
    assert village.parent_id == world.township_a.pk
    assert AuditEntry.objects.count() == entries


def make_many_premises(world: World, count: int) -> None:
    for serial in range(100, 100 + count):
        make_premises(f"甲镇商户{serial:03d}", world.grid_a, world.sector, serial)


def test_premises_list_pages_by_fifty_and_exports_all(client, world, superuser):
    make_many_premises(world, 55)  # with premises A and B: 57 rows
    client.force_login(superuser)
    url = reverse("core:premises_list")
    first = client.get(url).context["table"]
    last = client.get(url, {"page": 2}).context["table"]
    assert len(first.page.object_list) == 50
    assert len(last.page.object_list) == 7
    header, *rows = export_rows(client.get(url, {"export": "csv", "page": 2}))
    assert len(rows) == 57
    assert "Unified social credit code" in header


def test_premises_list_sorts_by_a_column(client, world, superuser):
    make_many_premises(world, 3)
    client.force_login(superuser)
    url = reverse("core:premises_list")
    names = [row.record.name for row in client.get(url, {"sort": "-name"}).context["table"].page]
    assert names == sorted(names, reverse=True)
    exported = [row[0] for row in export_rows(client.get(url, {"sort": "-name", "export": "xlsx"}))]
    assert exported[1:] == sorted(exported[1:], reverse=True)


def test_premises_list_filters_by_region_and_status(client, world, superuser):
    world.premises_b.status = PremisesStatus.SEALED
    world.premises_b.save()
    client.force_login(superuser)
    url = reverse("core:premises_list")
    sealed = client.get(url, {"status": PremisesStatus.SEALED}).content.decode()
    assert world.premises_b.name in sealed and world.premises_a.name not in sealed
    in_a = export_text(client.get(url, {"region": world.township_a.pk, "export": "csv"}))
    assert world.premises_a.name in in_a and world.premises_b.name not in in_a


def test_export_neutralises_spreadsheet_formulas(client, world, superuser):
    world.premises_a.contact_name = "=HYPERLINK(1)"
    world.premises_a.save()
    client.force_login(superuser)
    text = export_text(client.get(reverse("core:premises_list"), {"export": "csv"}))
    assert "'=HYPERLINK(1)" in text


def rename_grid_a(client, world: World, name: str) -> None:
    client.force_login(world.user("county"))
    data = {
        "code": world.grid_a.code,
        "name": name,
        "level": RegionLevel.GRID,
        "parent": world.grid_a.parent_id,
    }
    assert client.post(reverse("core:region_edit", args=[world.grid_a.pk]), data).status_code == 302


def test_audit_log_is_for_auditors(client, world):
    rename_grid_a(client, world, "甲村网格一")
    client.force_login(world.user("township_a"))
    assert client.get(reverse("core:auditentry_list")).status_code == 403
    client.force_login(world.user("auditor"))
    response = client.get(reverse("core:auditentry_list"))
    assert response.status_code == 200
    assert "甲村网格一" in response.content.decode()
    exported = export_text(client.get(reverse("core:auditentry_list"), {"export": "xlsx"}))
    assert "甲村网格一" in exported and world.user("county").display_name in exported


def test_audit_log_is_empty_for_a_scoped_user_even_with_the_permission(client, world):
    # The whole installation's trail is for unlimited scope; others use each object's history.
    rename_grid_a(client, world, "甲村网格一")
    user = world.user("township_a")
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(user)
    response = client.get(reverse("core:auditentry_list"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 0


def test_history_lists_entries_newest_first(client, world, superuser):
    client.force_login(superuser)
    url = reverse("core:premises_edit", args=[world.premises_a.pk])
    for name in ("第一次改名", "第二次改名"):
        data = {**TestPremisesViews().edit_data(world.premises_a), "name": name}
        assert client.post(url, data).status_code == 302
    response = client.get(reverse("core:premises_history", args=[world.premises_a.pk]))
    seqs = [row.entry.seq for row in response.context["history"]]
    assert seqs == sorted(seqs, reverse=True)
    assert [row.entry.action for row in response.context["history"]] == [AuditAction.UPDATE] * 2


def test_history_names_related_rows_the_viewer_may_see(client, world, superuser):
    client.force_login(superuser)
    other_sector = Sector.objects.get(code="SCHOOL-KG")
    data = {**post_data(world.premises_a), "sector": other_sector.pk}
    assert client.post(world.premises_a.get_absolute_url() + "edit/", data).status_code == 302
    client.force_login(world.user("township_a"))
    response = client.get(reverse("core:premises_history", args=[world.premises_a.pk]))
    [change] = response.context["history"][0].changes
    assert (change.label, change.before) == ("Sector", f"{world.sector} (#{world.sector.pk})")
    assert change.after == f"{other_sector} (#{other_sector.pk})"


def test_home_counts_link_to_their_lists(client, world):
    client.force_login(world.user("township_a"))
    cards = {card.key: card for card in client.get(reverse("core:home")).context["cards"]}
    assert cards["premises"].count == 1
    assert cards["premises"].url == reverse("core:premises_list")
    assert cards["grids"].url == reverse("core:region_list") + "?level=grid"
    listed = client.get(cards["grids"].url).context["table"].paginator.count
    assert listed == cards["grids"].count


def test_home_count_is_not_a_link_without_the_list_permission(client, world):
    client.force_login(world.user("enterprise"))  # may not list users
    cards = {card.key: card for card in client.get(reverse("core:home")).context["cards"]}
    assert cards["users"].url == ""


INLINE_STYLE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("page", ["list", "detail", "edit", "delete", "history", "add"])
def test_pages_need_no_inline_script_or_style_under_the_csp(client, world, superuser, page):
    client.force_login(superuser)
    args = [] if page in ("list", "add") else [world.premises_a.pk]
    response = client.get(reverse(f"core:premises_{page}", args=args))
    content = response.content.decode()
    assert response.status_code == 200
    assert "script-src" in response["Content-Security-Policy"]
    assert not INLINE_STYLE.search(content)
    assert not INLINE_SCRIPT.search(content)
    if page == "list":
        assert "table-responsive" in content  # wide tables scroll on a phone


# --- every page goes through the restricted generic views -----------------------------------

NOT_OBJECT_VIEWS = {HomeView}  # counts read through restrict() themselves; no rows shown


def served_views(patterns: list[Any]) -> list[tuple[str | None, Any, dict[str, Any]]]:
    """(url name, view class, as_view() arguments) for every URL, includes followed."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += served_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            found.append(
                (
                    pattern.name,
                    getattr(callback, "view_class", None),
                    getattr(callback, "view_initkwargs", {}),
                )
            )
    return found


def test_every_core_page_uses_the_restricted_generic_views():
    offenders = [
        name
        for name, view_class, _kwargs in served_views(core_urls.urlpatterns)
        if view_class not in NOT_OBJECT_VIEWS
        and not (view_class is not None and issubclass(view_class, RestrictedView))
    ]
    assert offenders == []


def test_every_restricted_page_names_its_model():
    unnamed = [
        name
        for name, view_class, kwargs in served_views(core_urls.urlpatterns)
        if view_class not in NOT_OBJECT_VIEWS and not (kwargs.get("model") or view_class.model)
    ]
    assert unnamed == []


def test_every_menu_entry_has_a_page():
    for group in menu.groups():
        for item in group.items:
            assert item.url  # reverses


def test_menu_groups_appear_in_their_weight_order_whatever_the_app_order():
    keys = [group.key for group in menu.groups()]
    assert keys == ["reports", "directory", "hazards", "complaints", "supervision", "audit"]
