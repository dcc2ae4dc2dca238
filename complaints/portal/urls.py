"""The public portal (no login) under /portal/: pages listed by complaints.portal.views."""

from django.urls import path

from complaints.portal import tracking, views

app_name = "portal"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("receipt/", views.receipt, name="receipt"),
    path("track/", tracking.track, name="track"),
    path("track/end/", tracking.track_end, name="track_end"),
    path("track/rate/", tracking.rate, name="rate"),
    path("track/review/", tracking.review, name="review"),
    path("track/replies/<int:pk>/pdf/", tracking.reply_pdf, name="reply_pdf"),
]
