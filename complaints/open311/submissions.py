"""POST Service Request: the form an Open311 client sends, checked and turned into an intake.

Everything a client sends is checked here before anything is stored, so a bad request gets a
400 that says what is wrong (GeoReport v2 "Errors") and never reaches the database half-made.
Identity (names, phone, email) goes to the protected Complainant record, the description to
the protected original material; the matter itself is titled by its service until the desk
writes its summary.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils.translation import gettext as _

from complaints.choices import AttributeType, Channel
from complaints.models import Category, CategoryAttribute, Open311Client
from complaints.open311.documents import offered_categories
from complaints.open311.formats import Open311Error
from complaints.services.intake import ComplainantData, Intake
from core.models import Region
from core.validators import (
    CoordinateValidator,
    validate_latitude,
    validate_longitude,
    visible_text,
)

# GeoReport v2: "free form text limited to 4,000 characters".
DESCRIPTION_LIMIT = 4000
# The columns these land in (first and last name with a space between: Complainant.name, 100).
FIELD_LIMITS = {
    "first_name": 49, "last_name": 49, "phone": 32, "email": 254, "address_string": 255,
    "address_id": 32, "account_id": 100, "device_id": 100, "media_url": 2000,
    "service_code": 32, "jurisdiction_id": 100,
}  # fmt: skip
CACHE_SECONDS = 60.0  # categories and regions are configuration: re-read once a minute
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Service:
    category: Category
    attributes: dict[str, CategoryAttribute]
    options: dict[str, set[str]]


@dataclass
class RegionIndex:
    default: Region
    by_code: dict[str, Region]
    # (name, region), longest names first: "甲村第一网格" is tried before "甲村".
    by_name: list[tuple[str, Region]]


_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def _cached(key: str, load: Any) -> Any:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    with _lock:
        _cache[key] = (now + CACHE_SECONDS, value)
    return value


def forget_configuration() -> None:
    with _lock:
        _cache.clear()


def services() -> dict[str, Service]:
    return _cached("services", _load_services)  # type: ignore[no-any-return]


def _load_services() -> dict[str, Service]:
    categories = {c.pk: c for c in offered_categories()}
    found: dict[str, Service] = {c.code: Service(c, {}, {}) for c in categories.values()}
    questions = CategoryAttribute.objects.filter(category_id__in=categories).prefetch_related(
        "options"
    )
    for question in questions:
        service = found[categories[question.category_id].code]
        service.attributes[question.code] = question
        service.options[question.code] = {o.key for o in question.options.all()}
    return found


def region_index() -> RegionIndex:
    return _cached("regions", _load_regions)  # type: ignore[no-any-return]


def _load_regions() -> RegionIndex:
    code = settings.OPEN311_DEFAULT_REGION
    default = (
        Region.objects.filter(code=code).first()
        if code
        else Region.objects.order_by("depth", "code").first()
    )
    if default is None:
        raise Open311Error(400, _("Open311 is not set up: no region to file requests in."))
    below = list(Region.objects.subtree_of(default).order_by("path"))
    names = sorted(((r.name, r) for r in below if r.name), key=lambda pair: -len(pair[0]))
    return RegionIndex(default, {r.code: r for r in below}, names)


def resolve_region(address_id: str, address: str) -> Region:
    """The region a request is filed in: the region whose code is `address_id`, else the
    deepest region whose name the address contains, else OPEN311_DEFAULT_REGION (all within
    the default region, so a client never files outside the configured area)."""
    index = region_index()
    if address_id and address_id in index.by_code:
        return index.by_code[address_id]
    if address:
        for name, region in index.by_name:
            if name in address:
                return region
    return index.default


def _text(data: QueryDict, name: str) -> str:
    value = data.get(name, "")
    if "\x00" in value:
        raise Open311Error(400, _("%(field)s contains a NUL character.") % {"field": name})
    value = visible_text(value)
    limit = FIELD_LIMITS.get(name, DESCRIPTION_LIMIT)
    if len(value) > limit:
        raise Open311Error(
            400,
            _("%(field)s is longer than %(limit)s characters.") % {"field": name, "limit": limit},
        )
    return value


def _coordinate(value: str, name: str, validate: CoordinateValidator) -> Decimal:
    try:
        number = Decimal(value)
        validate(number)
    except InvalidOperation:
        raise Open311Error(400, _("%(field)s is not a number.") % {"field": name}) from None
    except ValidationError as error:
        raise Open311Error(400, f"{name}: {error.messages[0]}") from None
    return number.quantize(Decimal("0.000001"))


def location(data: QueryDict) -> tuple[Decimal | None, Decimal | None, str, str]:
    """(lat, long, address_string, address_id); one full location is required."""
    lat_text, long_text = _text(data, "lat"), _text(data, "long")
    address, address_id = _text(data, "address_string"), _text(data, "address_id")
    if bool(lat_text) != bool(long_text):
        raise Open311Error(400, _("lat and long must be sent together."))
    lat = _coordinate(lat_text, "lat", validate_latitude) if lat_text else None
    long = _coordinate(long_text, "long", validate_longitude) if long_text else None
    if lat is None and not address and not address_id:
        raise Open311Error(
            400, _("A location is required: lat and long, address_string or address_id.")
        )
    return lat, long, address, address_id


def _answer(service: Service, code: str, values: list[str]) -> str | list[str]:
    question = service.attributes[code]
    values = [v.strip() for v in values if v.strip()]
    if any("\x00" in v for v in values):
        raise Open311Error(400, _("attribute[%(code)s] contains a NUL character.") % {"code": code})
    if question.datatype == AttributeType.MULTI:
        allowed = service.options[code]
        if any(v not in allowed for v in values):
            raise Open311Error(400, _invalid_choice(code, allowed))
        return values
    value = values[-1] if values else ""
    if not value:
        return ""
    if question.datatype == AttributeType.SINGLE and value not in service.options[code]:
        raise Open311Error(400, _invalid_choice(code, service.options[code]))
    if question.datatype == AttributeType.NUMBER:
        _check_number(code, value)
    if question.datatype == AttributeType.DATETIME:
        _check_datetime(code, value)
    return value


def _invalid_choice(code: str, allowed: set[str]) -> str:
    return _("attribute[%(code)s] must be one of: %(keys)s") % {
        "code": code,
        "keys": ", ".join(sorted(allowed)),
    }


def _check_number(code: str, value: str) -> None:
    try:
        if not Decimal(value).is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise Open311Error(
            400, _("attribute[%(code)s] must be a number.") % {"code": code}
        ) from None


def _check_datetime(code: str, value: str) -> None:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, _("attribute[%(code)s] must be an ISO 8601 date and time.") % {"code": code}
        ) from None


def answers(data: QueryDict, service: Service) -> dict[str, str | list[str]]:
    """attribute[code]=value, and attribute[code][]=value repeated for a multivaluelist."""
    given: dict[str, list[str]] = {}
    for name in data:
        match = _ATTRIBUTE.match(name)
        if match and match.group(1) in service.attributes:
            given.setdefault(match.group(1), []).extend(data.getlist(name))
    found = {code: _answer(service, code, values) for code, values in given.items()}
    missing = [
        f"attribute[{code}] ({question.description})"
        for code, question in service.attributes.items()
        if question.required and not found.get(code)
    ]
    if missing:
        raise Open311Error(400, _("Required: %(fields)s") % {"fields": "; ".join(missing)})
    return {code: value for code, value in found.items() if value}


def full_name(first: str, last: str) -> str:
    # Chinese names are family name first (张 + 三 = 张三); others given name first.
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def complainant(data: QueryDict) -> list[ComplainantData]:
    name = full_name(_text(data, "first_name"), _text(data, "last_name"))
    phone, email = _text(data, "phone"), _text(data, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, _("email is not a valid address.")) from None
    if not (name or phone or email):
        return []  # an anonymous request
    return [ComplainantData(name=name, phone=phone, email=email)]


def original_text(data: QueryDict) -> str:
    description, media_url = _text(data, "description"), _text(data, "media_url")
    if media_url:
        description = f"{description}\n\nmedia_url: {media_url}".strip()
    return description


def build_intake(data: QueryDict, client: Open311Client) -> Intake:
    _text(data, "jurisdiction_id")  # one jurisdiction is served: accepted, checked, not used
    code = _text(data, "service_code")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    service = services().get(code)
    if service is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    lat, long, address, address_id = location(data)
    _text(data, "device_id")  # not kept: a device is not a matter
    return Intake(
        channel=Channel.OPEN311,
        category=service.category,
        region=resolve_region(address_id, address),
        title=service.category.name,
        original_text=original_text(data),
        address=address,
        lat=lat,
        long=long,
        complainants=complainant(data),
        answers=answers(data, service),
        open311_client=client,
        service_request_token=uuid.uuid4(),
    )
