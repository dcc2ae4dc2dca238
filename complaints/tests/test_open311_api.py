"""Open311 GeoReport v2 reads: discovery, services, service definitions, requests, one request,
tokens — in JSON (validated against the GeoReport v2 schemas) and XML (well-formed, the spec's
element names), with the spec's errors. Identity and internal notes never appear."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from complaints.choices import Channel, ComplaintState
from complaints.models import CaseNote, Category, Complaint
from complaints.open311.conformance import parse_xml, schema_errors
from complaints.open311.documents import public_requests
from complaints.open311.keys import forget_keys, issue_key
from complaints.open311.queries import MAX_RESULTS, filter_requests
from complaints.open311.submissions import forget_configuration
from complaints.services.intake import Receipt
from complaints.tests.factories import (
    PUBLIC_SUMMARY,
    ComplaintWorld,
    advance,
    complaint_world,
    file_complaint,
    publish,
)
from testing.world import World

BASE = "/open311/v2"
IDENTITY = ("张三", "13800000000", "某路1号", "我是张三")


@pytest.fixture(autouse=True)
def fresh_caches() -> Any:
    """Categories, regions and keys are cached per process; each test starts from its own."""
    forget_configuration()
    forget_keys()
    yield
    forget_configuration()
    forget_keys()


@pytest.fixture
def cw(world: World, settings: Any) -> ComplaintWorld:
    settings.OPEN311_DEFAULT_REGION = world.county.code
    cw = complaint_world(world)
    Category.objects.update(published=True)
    return cw


def published(cw: ComplaintWorld, **overrides: Any) -> Receipt:
    """A complaint from the portal whose category is published and whose public summary the
    desk has written: what Open311 may show."""
    receipt = file_complaint(cw, **{"channel": Channel.PORTAL, **overrides})
    return dataclasses.replace(receipt, complaint=publish(receipt.complaint, cw))


@pytest.fixture
def api_key(cw: ComplaintWorld) -> str:
    return issue_key("test-app")[1]


def get_json(path: str, expect: int = 200, **params: Any) -> Any:
    response = Client().get(path, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def get_xml(path: str, expect: int = 200, **params: Any) -> Any:
    response = Client().get(path, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return parse_xml(response.content)


def assert_conforms(document: Any, schema: str) -> None:
    assert schema_errors(document, schema) == []


def assert_no_identity(body: bytes | str) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    for secret in IDENTITY:
        assert secret not in text


# Discovery and services


def test_discovery_points_at_the_v2_endpoint(cw: ComplaintWorld) -> None:
    document = get_json("/open311/discovery.json")
    assert_conforms(document, "discovery")
    endpoint = document["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = get_xml("/open311/discovery.xml")
    assert root.tag == "discovery"
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]


def test_services_are_the_public_leaf_categories(cw: ComplaintWorld) -> None:
    Category.objects.filter(code="CITY-STALLS").update(public=False)
    services = get_json(f"{BASE}/services.json")
    assert_conforms(services, "services")
    by_code = {s["service_code"]: s for s in services}
    noise = by_code["CITY-NOISE"]
    assert noise["service_name"] == "噪声扰民"
    assert noise["group"] == "市容环境"
    assert noise["metadata"] is True  # it asks "when"
    assert noise["type"] == "realtime"
    assert by_code["CITY-SANITATION"]["metadata"] is False
    assert "CITY" not in by_code  # a parent is a group, not a service
    assert "CITY-STALLS" not in by_code  # not offered to citizens


def test_services_xml_uses_the_spec_element_names(cw: ComplaintWorld) -> None:
    root = get_xml(f"{BASE}/services.xml")
    assert root.tag == "services"
    service = next(s for s in root.findall("service") if s.findtext("service_code") == "CITY-NOISE")
    assert service.findtext("metadata") == "true"
    assert service.findtext("group") == "市容环境"
    assert {child.tag for child in service} == {
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    }  # fmt: skip


def test_service_definition_lists_the_questions_and_options(cw: ComplaintWorld) -> None:
    definition = get_json(f"{BASE}/services/CITY-NOISE.json")
    assert_conforms(definition, "service-definition")
    (when,) = definition["attributes"]
    assert when["code"] == "when"
    assert when["datatype"] == "singlevaluelist"
    assert when["required"] is True and when["variable"] is True and when["order"] == 1
    assert {v["key"] for v in when["values"]} == {"day", "night", "both"}
    root = get_xml(f"{BASE}/services/CITY-NOISE.xml")
    assert root.tag == "service_definition"
    keys = [v.findtext("key") for v in root.findall("attributes/attribute/values/value")]
    assert sorted(keys) == ["both", "day", "night"]


@pytest.mark.parametrize("code", ["NOPE", "CITY", "x" * 300, "<script>"])
def test_unknown_service_code_is_404_in_the_spec_error_format(
    cw: ComplaintWorld, code: str
) -> None:
    errors = get_json(f"{BASE}/services/{code}.json", expect=404)
    assert_conforms(errors, "errors")
    assert errors[0]["code"] == 404
    root = get_xml(f"{BASE}/services/{code}.xml", expect=404)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/services/%00.json",
        f"{BASE}/requests/XF%00.json",
        f"{BASE}/tokens/%00.json",
        f"{BASE}/requests.json?service_code=%00",
        f"{BASE}/requests.json?service_request_id=1,%00",
    ],
)
def test_nul_characters_are_400_not_a_database_error(cw: ComplaintWorld, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 400
    assert "NUL" in json.loads(response.content)[0]["description"]


def test_unknown_format_and_wrong_method_are_spec_errors(cw: ComplaintWorld) -> None:
    root = get_xml(f"{BASE}/services.csv", expect=400)
    assert "json or xml" in root.findtext("error/description")
    response = Client().put(f"{BASE}/services.json")
    assert response.status_code == 405
    assert json.loads(response.content)[0]["code"] == 405


# Requests


def test_request_shows_the_complaint_never_the_complainant(cw: ComplaintWorld) -> None:
    complaint = advance(published(cw).complaint, cw, ComplaintState.HANDLING)
    CaseNote.objects.create(
        complaint=complaint, text="内部：投诉人情绪激动", author=cw.user("handler")
    )
    (document,) = get_json(f"{BASE}/requests/{complaint.number}.json")
    assert_conforms([document], "requests")
    assert document["service_request_id"] == complaint.number
    assert document["status"] == "open"
    assert document["service_code"] == "CITY-NOISE"
    assert document["description"] == PUBLIC_SUMMARY  # written for publication
    assert document["agency_responsible"] == cw.unit.name
    assert document["address_id"] == cw.world.grid_a.code
    assert document["expected_datetime"] is not None  # the 60-day handling clock
    assert document["status_notes"] is None  # the internal note stays inside
    response = Client().get(f"{BASE}/requests/{complaint.number}.xml")
    for body in (json.dumps(document, ensure_ascii=False).encode(), response.content):
        assert_no_identity(body)
        assert b"\xe5\x86\x85\xe9\x83\xa8" not in body  # "内部": the internal note
    assert parse_xml(response.content).findtext("request/service_request_id") == complaint.number


def test_status_notes_are_the_public_note_never_a_note_to_the_complainant(
    cw: ComplaintWorld,
) -> None:
    complaint = published(cw).complaint
    CaseNote.objects.create(
        complaint=complaint, text="张先生您好，已转办", for_complainant=True,
        author=cw.user("clerk"),
    )  # fmt: skip
    assert get_json(f"{BASE}/requests/{complaint.number}.json")[0]["status_notes"] is None
    Complaint.objects.filter(pk=complaint.pk).update(public_note="已受理，正在办理。")
    assert (
        get_json(f"{BASE}/requests/{complaint.number}.json")[0]["status_notes"]
        == "已受理，正在办理。"
    )


STATUS_OF = [
    (ComplaintState.RECEIVED, "open"),
    (ComplaintState.ASSIGNED, "open"),
    (ComplaintState.HANDLING, "open"),
    (ComplaintState.REPLIED, "closed"),
    (ComplaintState.REVIEWING, "open"),
    (ComplaintState.REVIEWED, "closed"),
    (ComplaintState.REREVIEWING, "open"),
    (ComplaintState.CONCLUDED, "closed"),
]


@pytest.mark.parametrize(("state", "status"), STATUS_OF)
def test_internal_states_map_to_open_or_closed(cw: ComplaintWorld, state: str, status: str) -> None:
    complaint = advance(published(cw).complaint, cw, state)
    (document,) = get_json(f"{BASE}/requests/{complaint.number}.json")
    assert document["status"] == status
    if status == "closed":
        assert document["expected_datetime"] is None
    elif state != ComplaintState.ASSIGNED:  # the unit is still deciding: no answer date yet
        assert document["expected_datetime"] is not None
    assert_conforms([document], "requests")


@pytest.mark.parametrize("state", ["referred", "not_accepted"])
def test_referred_and_not_accepted_complaints_are_closed(cw: ComplaintWorld, state: str) -> None:
    complaint = published(cw).complaint
    Complaint.objects.filter(pk=complaint.pk).update(state=state)
    assert get_json(f"{BASE}/requests/{complaint.number}.json")[0]["status"] == "closed"


def test_requests_list_filters_and_defaults(cw: ComplaintWorld) -> None:
    now = timezone.now()
    noise = published(cw).complaint
    old = published(cw, received_at=now - dt.timedelta(days=100)).complaint
    water = published(cw, category=Category.objects.get(code="UTIL-WATER"), answers={}).complaint
    done = advance(published(cw).complaint, cw, ComplaintState.REPLIED)

    def numbers(**params: Any) -> list[str]:
        found = get_json(f"{BASE}/requests.json", **params)
        assert_conforms(found, "requests")
        return [r["service_request_id"] for r in found]

    # Default: the last 90 days, newest first.
    assert set(numbers()) == {noise.number, water.number, done.number}
    assert numbers(service_code="UTIL-WATER") == [water.number]
    assert set(numbers(service_code="UTIL-WATER,CITY-NOISE")) == {
        noise.number,
        water.number,
        done.number,
    }
    assert numbers(status="closed") == [done.number]
    assert set(numbers(status="open")) == {noise.number, water.number}
    assert set(numbers(status="open,closed")) == {noise.number, water.number, done.number}
    start = (now - dt.timedelta(days=110)).isoformat()
    end = (now - dt.timedelta(days=50)).isoformat()
    assert numbers(start_date=start, end_date=end) == [old.number]
    # service_request_id overrides every other filter, the 90 days included.
    assert set(numbers(service_request_id=f"{old.number},{water.number}", status="closed")) == {
        old.number, water.number,
    }  # fmt: skip
    assert numbers(jurisdiction_id="anything") != []  # one jurisdiction: accepted


def test_requests_xml_list(cw: ComplaintWorld) -> None:
    complaint = published(cw).complaint
    root = get_xml(f"{BASE}/requests.xml")
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert request.findtext("service_request_id") == complaint.number
    assert request.findtext("status") == "open"
    assert request.find("zipcode") is not None  # empty elements are present, as in the spec


def test_at_most_1000_requests_are_returned(cw: ComplaintWorld) -> None:
    assert MAX_RESULTS == 1000
    assert filter_requests(public_requests(), QueryDict()).query.high_mark == 1000


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"status": "pending"},
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"service_request_id": ",".join(str(n) for n in range(1001))},
    ],
)
def test_bad_filters_are_400(cw: ComplaintWorld, params: dict[str, str]) -> None:
    errors = get_json(f"{BASE}/requests.json", expect=400, **params)
    assert_conforms(errors, "errors")
    assert errors[0]["code"] == 400


def test_complaints_outside_published_categories_are_not_shown(cw: ComplaintWorld) -> None:
    complaint = published(cw).complaint
    Category.objects.filter(code="CITY-NOISE").update(published=False)
    get_json(f"{BASE}/requests/{complaint.number}.json", expect=404)
    assert get_json(f"{BASE}/requests.json") == []


def test_unknown_request_is_404(cw: ComplaintWorld) -> None:
    errors = get_json(f"{BASE}/requests/XF-1999-000001.json", expect=404)
    assert_conforms(errors, "errors")
    assert get_xml(f"{BASE}/requests/nope.xml", expect=404).tag == "errors"


def test_token_gives_the_service_request_id(cw: ComplaintWorld) -> None:
    complaint = published(
        cw, service_request_token="6f1c2b7e-1d2a-4f57-9a1e-0d7c4b1f2a3c"
    ).complaint
    document = get_json(f"{BASE}/tokens/6f1c2b7e-1d2a-4f57-9a1e-0d7c4b1f2a3c.json")
    assert_conforms(document, "token")
    assert document == [
        {"service_request_id": complaint.number, "token": "6f1c2b7e-1d2a-4f57-9a1e-0d7c4b1f2a3c"}
    ]
    root = get_xml(f"{BASE}/tokens/6f1c2b7e-1d2a-4f57-9a1e-0d7c4b1f2a3c.xml")
    assert root.findtext("request/service_request_id") == complaint.number
    for missing in ("0b7f1c2b-1d2a-4f57-9a1e-0d7c4b1f2a3c", "not-a-token"):
        assert get_json(f"{BASE}/tokens/{missing}.json", expect=404)[0]["code"] == 404


def test_control_characters_in_stored_text_do_not_break_the_xml(cw: ComplaintWorld) -> None:
    complaint = publish(
        file_complaint(cw, channel=Channel.WEB).complaint, cw, "噪声\x0b扰民 <b>&</b>"
    )
    root = get_xml(f"{BASE}/requests/{complaint.number}.xml")
    assert root.findtext("request/description") == "噪声扰民 <b>&</b>"
