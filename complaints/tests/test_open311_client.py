"""An Open311 client library from PyPI (`georeport`, pinned in the dev extras) works unmodified
against a live server, in JSON and XML. The library only reads, so the POST is made as any
client makes it: a form-encoded body with `requests`, the library's own HTTP dependency."""

from __future__ import annotations

from typing import Any

import requests
from georeport import GeoReport

from complaints.models import Complaint
from complaints.open311.conformance import schema_errors
from complaints.open311.keys import issue_key
from complaints.tests import test_open311_api as shared
from complaints.tests.factories import ComplaintWorld, publish
from complaints.tests.test_open311_api import IDENTITY

# The shared fixtures of the Open311 tests.
fresh_caches, cw = shared.fresh_caches, shared.cw


def test_georeport_client_round_trip(cw: ComplaintWorld, live_server: Any) -> None:
    root = f"{live_server.url}/open311/v2"
    key = issue_key("georeport-test")[1]
    created = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key, "service_code": "CITY-NOISE", "attribute[when]": "night",
            "lat": "30.274085", "long": "120.155070", "first_name": "三", "last_name": "张",
            "phone": "13800000000", "description": "我是张三，工地每晚施工到凌晨。",
        },
        timeout=30,
    )  # fmt: skip
    assert created.status_code == 200, created.text
    number = created.json()[0]["service_request_id"]
    # The desk writes the public summary; only then is the matter published.
    publish(Complaint.objects.get(number=number), cw)

    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction="civicdesk.test", output_format=fmt)
        services = client.get_service_list()
        assert "CITY-NOISE" in {s["service_code"] for s in services}
        definition = client.get_service_definition("CITY-NOISE")
        attributes = definition["attributes"]
        if fmt == "xml":  # xmltodict: one <attribute> is a dict, its <values> a list of dicts
            attributes = [attributes["attribute"]]
        assert attributes[0]["code"] == "when"
        found = client.get_service_requests(service_code="CITY-NOISE", status="open")
        found = [found] if isinstance(found, dict) else found
        assert [r["service_request_id"] for r in found] == [number]
        one = client.get_service_request(number)
        assert one["status"] == "open"
        assert one["service_code"] == "CITY-NOISE"
        assert float(one["lat"]) == 30.274  # about 100 m, not the door
        text = str(one)
        assert not any(secret in text for secret in IDENTITY)

    json_client = GeoReport(root)
    assert schema_errors(json_client.get_service_list(), "services") == []
    assert schema_errors(json_client.get_service_requests(), "requests") == []
