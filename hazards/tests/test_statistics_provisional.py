"""An enterprise's statistics due day (SAWS Order 16 Art. 14) counted before the year's official
holidays are published is provisional: its page, its PDF and the API say so, and entering the
year's calendar recounts it as it recounts the clocks (DESIGN.md §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.models import User
from hazards.choices import PeriodKind
from hazards.models import EnterpriseStatistics
from hazards.services.statistics import generate_statistics
from testing.api import token_client
from testing.pdf import pdf_text
from testing.world import World
from workflow.models import CalendarDay

pytestmark = pytest.mark.django_db


def year_2026(world: World) -> EnterpriseStatistics:
    # Due 31 January 2027, a Sunday: by weekends alone the next working day is 1 February.
    return generate_statistics(
        user=world.user("enterprise"), premises=world.premises_a, kind=PeriodKind.YEAR, year=2026
    )


def test_a_due_day_without_the_years_holidays_is_shown_provisional(world):
    statistics = year_2026(world)
    assert (statistics.due_on, statistics.due_provisional) == (dt.date(2027, 2, 1), True)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.user("enterprise"))
    page = client.get(reverse("hazards:enterprisestatistics_detail", args=[statistics.pk]))
    assert "data-provisional" in page.content.decode()
    document = reverse("hazards:enterprisestatistics_document", args=[statistics.pk, "pdf"])
    assert "2027年2月1日前（暂定" in pdf_text(client.get(document).content)
    api = token_client(world.user("enterprise"))
    url = reverse("api:enterprisestatistics-detail", args=[statistics.pk])
    assert api.get(url).json()["due_provisional"] is True


def test_entering_the_year_in_the_admin_recounts_the_due_day(world):
    statistics = year_2026(world)
    # Suppose the State Council makes 1 February 2027 a holiday.
    CalendarDay.objects.create(date=dt.date(2027, 2, 1), is_working_day=False, name="假日")
    admin = User.objects.create_superuser("calendar-admin", password="x-Strong-Pass-1")
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:workflow_calendaryear_add"),
        {"year": 2027, "source": "国办发明电〔2026〕7号"},
    )
    assert response.status_code == 302
    statistics.refresh_from_db()
    assert (statistics.due_on, statistics.due_provisional) == (dt.date(2027, 2, 2), False)
