"""Open311 GeoReport v2 under /open311/ (DESIGN.md §3 paths; docs/open311.md).

The format is the path's extension (services.json, services.xml); an unknown one gets the
spec's error document, in XML.
"""

from django.urls import re_path

from complaints.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FORMAT, views.services, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]+?)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FORMAT, views.service_requests, name="requests"),
    re_path(r"^v2/requests/(?P<number>[^/]+?)" + FORMAT, views.service_request, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + FORMAT, views.token, name="token"),
]
