"""Citizen-complaint pages under /complaints/: each feature module lists its own URL patterns."""

from __future__ import annotations

from complaints.views import (
    backlog,
    callbacks,
    categories,
    complaints,
    desk,
    documents,
    handling,
    inbox,
    intake,
    rates,
    reception,
)

app_name = "complaints"

urlpatterns = [
    *desk.urlpatterns,
    *intake.urlpatterns,
    *complaints.urlpatterns,
    *inbox.urlpatterns,
    *handling.urlpatterns,
    *documents.urlpatterns,
    *backlog.urlpatterns,
    *callbacks.urlpatterns,
    *rates.urlpatterns,
    *reception.urlpatterns,
    *categories.urlpatterns,
]
