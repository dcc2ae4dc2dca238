from django.urls import path

from workflow import views
from workflow.models import SupervisionNotice

app_name = "workflow"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/unread.json", views.unread, name="unread"),
    path("inbox/read/", views.read_all, name="read_all"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    views.transition_path("supervision", SupervisionNotice, "supervisionnotice_transition"),
]
