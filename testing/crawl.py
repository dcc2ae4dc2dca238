"""A walker over the pages a signed-in user reaches from the menu, for whole-site checks.

`walk(client, user)` visits the home page (the dashboard of a leader), every menu page the
user's roles may view and the first record of each list, and follows each link found on them
once per link *shape* (the path with its numbers and query values blanked), so a list of 25
records costs one visit, not 25. It returns every page it fetched with the page it came from,
so a test can check their statuses (every link works) or their text (every label in the
user's language) without walking twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

from django.test import Client
from django.urls import reverse

from core.models import User
from core.navigation import menu_for

# Not pages of the product a role walks to: the admin site, the API and its browsable docs,
# the language switch, signing out, and the citizens' portal (anonymous, tested on its own).
SKIPPED_PREFIXES = ("/admin/", "/api/", "/i18n/", "/accounts/", "/portal/", "/open311/", "/static/")
NUMBER = re.compile(r"\d+")
# Files a page offers for download (PDF, charts, spreadsheets): no text of a page to read.
DOWNLOAD = re.compile(r"\.(pdf|png|svg|xlsx|csv|json)$|/pdf/$|[?&]export=")
# Another order or page of a list is the same page to check: one visit stands for them all.
VIEW_KEYS = {"sort", "page", "per_page"}


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    referrer: str
    html: str = field(repr=False)


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links_on(html: str, base: str) -> list[str]:
    """The same-origin page links of a page, without fragments, in the order they appear."""
    parser = LinkParser()
    parser.feed(html)
    found = []
    for href in parser.links:
        url = same_origin_path(href, base)
        if url is not None and not url.startswith(SKIPPED_PREFIXES):
            found.append(url)
    return found


def same_origin_path(href: str, base: str) -> str | None:
    href = urldefrag(href.strip()).url
    if not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if href.startswith("?"):
        return urlsplit(base).path + href
    if not href.startswith("/"):
        return None
    return href


def shape(url: str) -> str:
    """The link with its record numbers and query values blanked: one visit stands for all."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)} - VIEW_KEYS)
    return NUMBER.sub("#", parts.path) + "?" + urlencode([(key, "") for key in keys])


def is_html(content_type: str) -> bool:
    return content_type.startswith("text/html")


class Walker:
    def __init__(self, client: Client, limit: int, shapes: set[str], pages_only: bool) -> None:
        self.client = client
        self.pages_only = pages_only
        self.limit = limit
        self.pages: dict[str, Page] = {}
        self.shapes = shapes

    def fetch(self, url: str, referrer: str, start: bool = False) -> Page | None:
        if url in self.pages:
            return self.pages[url]
        if not start and (shape(url) in self.shapes or len(self.pages) >= self.limit):
            return None
        if self.pages_only and DOWNLOAD.search(url):
            return None
        self.shapes.add(shape(url))
        response = self.client.get(url)
        html = ""
        if is_html(response.get("Content-Type", "")) and not response.streaming:
            html = response.content.decode()
        page = Page(url, response.status_code, referrer, html)
        self.pages[url] = page
        return page

    def follow(self, page: Page) -> Iterator[Page]:
        for url in links_on(page.html, page.url):
            linked = self.fetch(url, page.url)
            if linked is not None:
                yield linked


def menu_urls(user: User) -> list[str]:
    return [item.url for _group, items in menu_for(user) for item in items]


def walk(
    client: Client,
    user: User,
    limit: int = 400,
    seen: set[str] | None = None,
    pages_only: bool = False,
) -> dict[str, Page]:
    """Every page reached from the user's home page and menu pages, one visit per link shape.

    The client must be signed in as `user`. Starting pages are the home page and each menu
    page, always fetched; from each of them every link is followed once per shape, and from
    each record page reached so in turn, so detail pages are walked too. Link shapes in `seen`
    (shared between walks) are not visited again, so several users can split a site;
    `pages_only` leaves the downloads (PDF, charts, spreadsheets) out.
    """
    walker = Walker(client, limit, seen if seen is not None else set(), pages_only)
    starts = [walker.fetch(url, "", start=True) for url in [reverse("core:home"), *menu_urls(user)]]
    for start in starts:
        if start is None or start.status >= 400:
            continue
        for linked in list(walker.follow(start)):
            if linked.status < 400 and linked.html and NUMBER.search(urlsplit(linked.url).path):
                list(walker.follow(linked))
    return walker.pages
