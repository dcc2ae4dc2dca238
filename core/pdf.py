"""PDF documents (enforcement orders and other numbered papers) rendered with WeasyPrint.

Chinese text needs a CJK font: the templates ask for the Noto CJK families that Debian's
`fonts-noto-cjk` installs (scripts/system-deps puts it there), found through fontconfig.
Templates are our own, but the context holds user text, so WeasyPrint may load only files under
the project's static and template folders, never a URL (no fetches from a document's content).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib import request

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

# The families templates/pdf/base.html asks for (Debian's fonts-noto-cjk).
PDF_FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
# Characters that must not reach a file name: path separators, quotes, controls, reserved.
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


# WeasyPrint logs every rendering step at INFO; keep its warnings, drop the step log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class PDFResourceRefused(ValueError):
    """A document tried to load something outside the project's own files."""


def _allowed_roots() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    extra = [Path(str(d)).resolve() for d in getattr(settings, "STATICFILES_DIRS", [])]
    return [base / "static", base / "templates", *extra]


def _project_files_fetcher() -> Any:
    """WeasyPrint's fetcher limited to files inside the project (images, stylesheets) and
    inline data: URLs; anything else (http, a file elsewhere) is refused."""
    # Loaded on first use: WeasyPrint and its native libraries add ~28 MB and ~1 s to every
    # process (web, worker, commands), and only PDF rendering needs them.
    from weasyprint.urls import URLFetcher

    class ProjectFilesFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file:"):
                path = Path(request.url2pathname(url.split("?")[0].removeprefix("file:")))
                if not any(path.resolve().is_relative_to(r) for r in _allowed_roots()):
                    raise PDFResourceRefused(f"PDF resource outside the project: {path}")
            return super().fetch(url, headers)

    return ProjectFilesFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (usually extending templates/pdf/base.html) to PDF bytes."""
    # Loaded on first use: WeasyPrint and its native libraries add ~28 MB and ~1 s to every
    # process (web, worker, commands), and only PDF rendering needs them.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    document = HTML(
        string=html, base_url=str(settings.BASE_DIR) + "/", url_fetcher=_project_files_fetcher()
    )
    pdf = document.write_pdf()
    assert pdf is not None  # write_pdf returns bytes when given no target
    return bytes(pdf)


def safe_filename(name: str, default: str = "document", suffix: str = ".pdf") -> str:
    """A file name for Content-Disposition: no path parts, quotes or control characters;
    Chinese characters are kept (the header carries them UTF-8 encoded)."""
    name = unicodedata.normalize("NFC", name)
    name = _UNSAFE_FILENAME.sub("-", name).strip(" .-")[:120]
    stem = name.removesuffix(suffix).strip(" .-")
    return f"{stem or default}{suffix}"


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying a PDF: shown in the browser (inline) or downloaded."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(not inline, safe_filename(filename))
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
