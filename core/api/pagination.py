from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request


class Pagination(LimitOffsetPagination):
    """`limit`/`offset` with a total `count`; pages hold 50 rows unless asked, 1000 at most.
    A `limit` or `offset` that is not a whole number is a 400 naming it, not the first page."""

    default_limit = 50
    max_limit = 1000

    def get_limit(self, request: Request) -> Any:
        whole_number(request, self.limit_query_param, minimum=1)
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        whole_number(request, self.offset_query_param, minimum=0)
        return super().get_offset(request)


def whole_number(request: Request, name: str, minimum: int) -> None:
    raw = request.query_params.get(name)
    if raw is None:
        return
    try:
        valid = int(raw) >= minimum
    except ValueError:
        valid = False
    if not valid:
        raise ValidationError(
            {name: [_("Must be a whole number of at least %(n)s.") % {"n": minimum}]}
        )
