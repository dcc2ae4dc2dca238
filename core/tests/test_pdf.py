"""PDF documents: Chinese text is drawn with the embedded Noto CJK font, not left blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from core.pdf import PDFResourceRefused, _project_files_fetcher, pdf_response, render_pdf

CONTEXT = {
    "authority": "某某县应急管理局",
    "document_title": "责令限期整改指令书",
    "number": "〔2026〕责改 第17号",
    "addressee": "某某化工有限公司",
}


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: run scripts/system-deps test (Debian poppler-utils)")
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with translation.override("zh-hans"):
        pdf = render_pdf("pdf/base.html", CONTEXT)
    path = tmp_path_factory.mktemp("pdf") / "order.pdf"
    path.write_bytes(pdf)
    return path


def test_the_document_is_a_pdf_with_the_noto_cjk_font_embedded(rendered: Path) -> None:
    assert rendered.read_bytes().startswith(b"%PDF-")
    fonts = subprocess.run(
        [poppler("pdffonts"), str(rendered)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Serif-CJK-SC" in line]
    assert cjk, fonts
    # columns: name type encoding emb sub uni …: the font travels with the document
    assert all(line.split()[-5] == "yes" for line in cjk), fonts


def test_the_chinese_heading_is_drawn_on_the_first_page(rendered: Path, tmp_path: Path) -> None:
    subprocess.run(
        [poppler("pdftoppm"), "-r", "60", "-png", "-f", "1", "-l", "1", str(rendered),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    (page_png,) = tmp_path.glob("page*.png")
    page = Image.open(page_png).convert("L")
    width, height = page.size
    # The authority's name, the title and the number sit in the top fifth of an A4 page.
    heading = page.crop((0, 0, width, height // 5))
    inked = sum(heading.histogram()[:160])
    assert inked > 300, f"only {inked} dark pixels where the heading should be"
    # …and the lower half of a one-page order with no body is mostly paper.
    lower = page.crop((0, height * 3 // 4, width, height - height // 12))
    assert sum(lower.histogram()[:160]) < inked


def test_the_download_has_a_safe_file_name_that_keeps_chinese() -> None:
    response = pdf_response(b"%PDF-1.7\n", '../〔2026〕责改 "第17号"\r\n.pdf', inline=False)
    header = response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert header.startswith("attachment;")
    assert "%2F" not in header and "%22" not in header and "%0D" not in header
    assert "%E8%B4%A3%E6%94%B9" in header  # 责改, UTF-8 encoded
    assert header.endswith(".pdf")


def test_a_document_cannot_load_files_outside_the_project_or_from_the_network() -> None:
    fetcher = _project_files_fetcher()
    with pytest.raises(PDFResourceRefused):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://127.0.0.1:9/secret.png")
