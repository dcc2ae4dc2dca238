"""Reading PDFs in tests with Debian's poppler-utils (scripts/system-deps installs them): the
text, and a page drawn as an image, as a reader would see them."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image


def pdf_text(content: bytes) -> str:
    """The document's text without any whitespace: pdftotext breaks long lines and Chinese has
    no spaces, so compare without the breaks."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", pdf.name, "-"], capture_output=True, check=True
        )
    return "".join(result.stdout.decode("utf-8").split())


def pdf_page_image(content: bytes, page: int = 1, dpi: int = 60) -> Image.Image:
    """One page drawn by pdftoppm, as RGB."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
             str(source), str(Path(folder) / "page")],
            check=True,
        )  # fmt: skip
        (png,) = Path(folder).glob("page*.png")
        with Image.open(png) as image:
            return image.convert("RGB")


def pdf_fonts(content: bytes) -> str:
    """pdffonts' table of the fonts the document uses (and whether they are embedded)."""
    return subprocess.run(
        ["pdffonts", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
