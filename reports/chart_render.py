"""Charts drawn on the server, as SVG and PNG, for reports and downloads.

The SVG comes from the very echarts.min.js the pages load (static/vendor/echarts), run in Node
by reports/echarts_ssr.js, so a report shows the chart the dashboard shows. PNG is that SVG
drawn by CairoSVG. Node (Debian's `nodejs`) and the Noto CJK fonts come from
scripts/system-deps; without Node, drawing raises ChartRenderError with what to install.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.pdf import safe_filename
from reports.charts import Chart

logger = logging.getLogger(__name__)

SSR_SCRIPT = Path(__file__).with_name("echarts_ssr.js")
ECHARTS_STATIC_PATH = "vendor/echarts/echarts.min.js"
# A page of a report is about 800 CSS px wide; PNGs are drawn at twice that for print.
EXPORT_WIDTH = 800
PNG_SCALE = 2.0
NODE_TIMEOUT_S = 30
EXPORT_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


class ChartRenderError(RuntimeError):
    """A chart could not be drawn on the server (Node missing, timed out or failed)."""


def render_svg(
    charts: Sequence[Chart],
    *,
    width: int = EXPORT_WIDTH,
    height: int | None = None,
    timeout: float = NODE_TIMEOUT_S,
) -> list[str]:
    """SVG documents of the charts, in order, drawn by one Node process. Each chart is
    `width` px wide and `height` px high (default: its own height on the page)."""
    if not charts:
        return []
    batch = [{"option": c.option, "width": width, "height": height or c.height} for c in charts]
    output = _run_node(json.dumps(batch, cls=DjangoJSONEncoder).encode(), timeout)
    try:
        svgs = json.loads(output)
    except ValueError as error:
        raise ChartRenderError(f"Node returned no JSON: {output[:200]!r}") from error
    if not (isinstance(svgs, list) and len(svgs) == len(charts)):
        raise ChartRenderError(f"Node returned {type(svgs).__name__}, not {len(charts)} SVGs")
    return [str(svg) for svg in svgs]


def render_png(
    chart: Chart,
    *,
    width: int = EXPORT_WIDTH,
    height: int | None = None,
    scale: float = PNG_SCALE,
) -> bytes:
    """A PNG of the chart on white, `width`×`height` px times `scale` (sharp when printed)."""
    # Loaded on first use: CairoSVG and libcairo are needed only for PNG exports, not by every
    # process that imports the charts.
    import cairosvg

    svg = render_svg([chart], width=width, height=height)[0]
    try:
        png = cairosvg.svg2png(bytestring=svg.encode(), scale=scale, background_color="white")
    except Exception as error:  # CairoSVG raises parser and cairo errors of many kinds
        raise ChartRenderError(f"CairoSVG could not draw chart {chart.id!r}: {error}") from error
    if not png:
        raise ChartRenderError(f"CairoSVG drew nothing for chart {chart.id!r}")
    return bytes(png)


def chart_download_response(chart: Chart, fmt: str, *, filename: str | None = None) -> HttpResponse:
    """The chart as a downloaded SVG or PNG file named after its title (or `filename`).
    An unknown format is a 404; a server that cannot draw charts answers 503 and logs why."""
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise Http404(f"Charts download as {' or '.join(EXPORT_FORMATS)}, not {fmt!r}")
    try:
        body = render_png(chart) if fmt == "png" else render_svg([chart])[0].encode()
    except ChartRenderError:
        logger.exception("Chart %s could not be drawn as %s", chart.id, fmt)
        message = _("The chart could not be drawn on the server. Please tell the administrator.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=EXPORT_FORMATS[fmt])
    name = safe_filename(filename or chart.title, default=chart.id, suffix=f".{fmt}")
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def node_executable() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise ChartRenderError(
            "Node.js is not installed, so charts cannot be drawn on the server: "
            "install Debian's `nodejs` (scripts/system-deps run does it)"
        )
    return node


def echarts_file() -> str:
    found = finders.find(ECHARTS_STATIC_PATH)
    if not found:
        raise ChartRenderError(f"The static file {ECHARTS_STATIC_PATH} is missing")
    return str(found[0] if isinstance(found, list) else found)


def _run_node(stdin: bytes, timeout: float) -> bytes:
    command = [node_executable(), str(SSR_SCRIPT), echarts_file()]
    # Only PATH is passed on: NODE_OPTIONS and the like from the web server's environment
    # have no say in how charts are drawn.
    env = {"PATH": os.environ.get("PATH", "")}
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ChartRenderError(f"Drawing charts took longer than {timeout:g} s") from error
    except OSError as error:
        raise ChartRenderError(f"Node.js could not be started: {error}") from error
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip() or f"exit status {done.returncode}"
        raise ChartRenderError(detail)
    return done.stdout
