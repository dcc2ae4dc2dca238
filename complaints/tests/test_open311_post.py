"""Open311 POST Service Request: an api_key is required, the form is checked field by field
(spec errors with 400 / 403 / 404 / 413 / 429), and a request becomes a complaint through the one
intake, identity stored apart and never shown back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints.choices import Channel, ComplaintState
from complaints.models import (
    AttributeOption,
    Category,
    CategoryAttribute,
    Complainant,
    Complaint,
    ComplaintAttributeValue,
    ComplaintOriginal,
    Open311Client,
)
from complaints.open311.conformance import parse_xml, schema_errors
from complaints.open311.submissions import build_intake
from complaints.services.intake import register_complaint
from complaints.tests import test_open311_api as shared
from complaints.tests.factories import ComplaintWorld
from complaints.tests.test_open311_api import BASE, assert_no_identity
from core.models import AuditEntry

# The shared fixtures of the Open311 tests.
fresh_caches, cw, api_key = shared.fresh_caches, shared.cw, shared.api_key


NOISE = {
    "service_code": "CITY-NOISE",
    "attribute[when]": "night",
    "address_string": "建设路工地",
    "first_name": "三",
    "last_name": "张",
    "phone": "13800000000",
    "email": "zhang@example.com",
    "description": "我是张三，工地每晚施工到凌晨。",
    "account_id": "acct-42",
    "device_id": "device-1",
}


def post(data: dict[str, Any], fmt: str = "json", expect: int = 200) -> Any:
    response = Client().post(f"{BASE}/requests.{fmt}", data)
    assert response.status_code == expect, response.content
    if fmt == "xml":
        return parse_xml(response.content)
    document = json.loads(response.content)
    assert schema_errors(document, "post-response" if expect == 200 else "errors") == []
    return document


def test_post_creates_a_complaint_through_the_intake(cw: ComplaintWorld, api_key: str) -> None:
    (created,) = post({**NOISE, "api_key": api_key})
    complaint = Complaint.objects.get(number=created["service_request_id"])
    assert str(complaint.service_request_token) == created["token"]
    assert created["account_id"] == "acct-42"
    assert created["service_notice"]
    assert complaint.channel == Channel.OPEN311
    assert complaint.open311_client == Open311Client.objects.get(name="test-app")
    assert complaint.state == ComplaintState.RECEIVED
    assert complaint.category.code == "CITY-NOISE"
    assert complaint.title == "噪声扰民"
    assert (
        complaint.summary == ""
    )  # the desk writes the summary; the citizen's words stay protected
    assert complaint.address == "建设路工地"
    assert complaint.registered_by is None
    complainant = Complainant.objects.get(complaint=complaint)
    assert (complainant.name, complainant.phone, complainant.email) == (
        "张三", "13800000000", "zhang@example.com",
    )  # fmt: skip
    assert ComplaintOriginal.objects.get(complaint=complaint).text == NOISE["description"]
    answer = ComplaintAttributeValue.objects.get(complaint=complaint)
    assert (answer.attribute.code, answer.value) == ("when", "night")
    assert AuditEntry.objects.filter(source="open311").exists()


def test_identity_never_comes_back(cw: ComplaintWorld, api_key: str) -> None:
    response = Client().post(f"{BASE}/requests.json", {**NOISE, "api_key": api_key})
    assert_no_identity(response.content)
    number = json.loads(response.content)[0]["service_request_id"]
    for path in (f"{BASE}/requests/{number}.json", f"{BASE}/requests/{number}.xml"):
        body = Client().get(path).content
        assert_no_identity(body)
        assert b"zhang@example.com" not in body and b"acct-42" not in body
    body = Client().get(f"{BASE}/requests.json").content
    assert_no_identity(body)


def test_post_answers_in_xml(cw: ComplaintWorld, api_key: str) -> None:
    root = post({**NOISE, "api_key": api_key}, fmt="xml")
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert Complaint.objects.filter(number=number).exists()
    assert root.findtext("request/token")


def test_region_from_address_id_or_address_or_the_default(cw: ComplaintWorld, api_key: str) -> None:
    world = cw.world
    base = {"api_key": api_key, "service_code": "CITY-SANITATION"}
    complaints = {
        "address_id": post({**base, "address_id": world.grid_b.code})[0],
        "named": post({**base, "address_string": "乙镇乙村第一网格旁的小路"})[0],
        "latlong": post({**base, "lat": "30.274085", "long": "120.155070"})[0],
        "outside": post({**base, "address_id": "999999999999"})[0],
    }
    region = {
        k: Complaint.objects.get(number=v["service_request_id"]).region
        for k, v in complaints.items()
    }
    assert region["address_id"] == world.grid_b
    assert region["named"] == world.grid_b  # the longest (deepest) name found wins
    assert region["latlong"] == world.county  # OPEN311_DEFAULT_REGION
    assert region["outside"] == world.county
    complaint = Complaint.objects.get(number=complaints["latlong"]["service_request_id"])
    assert (str(complaint.lat), str(complaint.long)) == ("30.274085", "120.155070")
    assert not Complainant.objects.filter(complaint=complaint).exists()  # anonymous


def test_multivaluelist_answers_are_kept_each(cw: ComplaintWorld, api_key: str) -> None:
    question = CategoryAttribute.objects.create(
        category=Category.objects.get(code="CITY-SANITATION"), code="kinds",
        description="什么垃圾？", datatype="multivaluelist",
    )  # fmt: skip
    for key in ("food", "paper"):
        AttributeOption.objects.create(attribute=question, key=key, name=key)
    data = {"api_key": api_key, "service_code": "CITY-SANITATION", "address_id": "x"}
    (created,) = post({**data, "attribute[kinds][]": ["food", "paper"]})
    values = ComplaintAttributeValue.objects.filter(
        complaint__number=created["service_request_id"]
    ).values_list("value", flat=True)
    assert sorted(values) == ["food", "paper"]
    post({**data, "attribute[kinds][]": ["food", "glass"]}, expect=400)


@pytest.mark.parametrize("key", [None, "", "not-a-key", "x" * 500])
def test_missing_or_invalid_key_is_403(cw: ComplaintWorld, key: str | None) -> None:
    data = dict(NOISE) if key is None else {**NOISE, "api_key": key}
    (error,) = post(data, expect=403)
    assert error["code"] == 403
    assert "api_key" in error["description"]
    assert not Complaint.objects.exists()


def test_a_deactivated_key_is_403(cw: ComplaintWorld, api_key: str) -> None:
    Open311Client.objects.update(active=False)
    post({**NOISE, "api_key": api_key}, expect=403)
    root = post({**NOISE, "api_key": api_key}, fmt="xml", expect=403)
    assert root.findtext("error/code") == "403"


BAD_FORMS = [
    ({"service_code": ""}, 400, "service_code"),
    ({"service_code": "NOPE"}, 404, "NOPE"),
    ({"service_code": "CITY"}, 404, "CITY"),  # a group, not a service
    ({"address_string": ""}, 400, "location"),
    ({"address_string": "", "lat": "30.1"}, 400, "lat and long"),
    ({"lat": "91", "long": "120"}, 400, "lat"),
    ({"lat": "NaN", "long": "120"}, 400, "lat"),
    ({"lat": "north", "long": "120"}, 400, "lat"),
    ({"attribute[when]": ""}, 400, "attribute[when]"),
    ({"attribute[when]": "sometimes"}, 400, "attribute[when]"),
    ({"description": "噪" * 4001}, 400, "4000"),
    ({"description": "bad\x00byte"}, 400, "NUL"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"phone": "1" * 40}, 400, "phone"),
    ({"first_name": "x" * 50}, 400, "first_name"),
    ({"address_string": "路" * 300}, 400, "address_string"),
]


@pytest.mark.parametrize(("change", "status", "says"), BAD_FORMS)
def test_bad_forms_get_spec_errors_and_store_nothing(
    cw: ComplaintWorld, api_key: str, change: dict[str, str], status: int, says: str
) -> None:
    errors = post({**NOISE, "api_key": api_key, **change}, expect=status)
    assert errors[0]["code"] == status
    assert says in " ".join(e["description"] for e in errors)
    assert not Complaint.objects.exists()
    assert not Complainant.objects.exists()


def test_the_longest_names_accepted_fit_their_column(cw: ComplaintWorld, api_key: str) -> None:
    (created,) = post({**NOISE, "api_key": api_key, "first_name": "a" * 49, "last_name": "b" * 49})
    name = Complainant.objects.get(complaint__number=created["service_request_id"]).name
    assert len(name) == 99


def test_a_number_attribute_must_be_a_number(cw: ComplaintWorld, api_key: str) -> None:
    data = {"api_key": api_key, "service_code": "UTIL-WATER", "address_id": "x"}
    post({**data, "attribute[households]": "many"}, expect=400)
    post({**data, "attribute[households]": "12"})


def test_a_large_body_is_413(cw: ComplaintWorld, api_key: str, settings: Any) -> None:
    settings.OPEN311_MAX_BODY_BYTES = 1000
    (error,) = post({**NOISE, "api_key": api_key, "description": "噪" * 400}, expect=413)
    assert error["code"] == 413


def test_too_many_posts_per_minute_are_429(cw: ComplaintWorld, api_key: str, settings: Any) -> None:
    settings.OPEN311_RATE_LIMIT_PER_MINUTE = 2
    post({**NOISE, "api_key": api_key})
    post({**NOISE, "api_key": api_key})
    (error,) = post({**NOISE, "api_key": api_key}, expect=429)
    assert error["code"] == 429
    assert Complaint.objects.count() == 2


def test_garbage_posts_never_500(cw: ComplaintWorld, api_key: str) -> None:
    client = Client()
    bodies = [
        b"\xff\xfe\x00garbage",
        b"api_key=" + api_key.encode() + b"&service_code=%FF%FE&lat=1e999&long=-1e999",
        b"api_key=" + api_key.encode() + b"&attribute[when][]=night&attribute[when]=day",
        b"api_key=" + api_key.encode() + b"&service_code=CITY-NOISE&address_id=%00",
    ]
    for body in bodies:
        response = client.post(
            f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (400, 403, 404), response.content
        assert json.loads(response.content)[0]["code"] == response.status_code


def test_post_adds_a_handful_of_queries_to_the_intake(cw: ComplaintWorld, api_key: str) -> None:
    """POST is benchmarked: beyond the intake itself (shared by every channel) it reads the
    channel account only; the key, categories and regions are kept in the process."""

    post({**NOISE, "api_key": api_key})  # warms the per-process caches, as a running server is
    form = QueryDict(mutable=True)
    form.update(NOISE)
    intake = build_intake(form, Open311Client.objects.get())
    with CaptureQueriesContext(connection) as intake_alone:
        register_complaint(intake, None)
    with CaptureQueriesContext(connection) as queries:
        post({**NOISE, "api_key": api_key})
    assert len(queries) <= len(intake_alone) + 2, "\n".join(q["sql"][:150] for q in queries)
    assert not [q for q in queries if "complaints_open311client" in q["sql"].lower()]
