from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`limit`/`offset` with a total `count`; pages hold 50 rows unless asked, 1000 at most."""

    default_limit = 50
    max_limit = 1000
