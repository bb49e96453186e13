"""The report gallery: six organisations' team plans as a person sees them.

The four shared examples, a 40-squad marketplace and a one-person ML staff are
submitted and their reports opened at desktop (1280 px) and phone (390 px)
widths; their PDFs are downloaded and every page drawn to PNG. Everything
lands in ``artifacts/report/`` (override with ``TEAMADVISOR_REPORT_GALLERY``):
``<org>-desktop.png``, ``<org>-phone.png`` and ``<org>-pdf-page-<n>.png``.

On the screen: no word breaks across lines inside a table header, cell or
caption; a phone scrolls neither the page nor a table sideways; no chart
label is smaller than 9 CSS px; axe-core finds nothing, the SVGs included.
In the PDF: no table-header word is split across lines. Page breaks (rows,
cards, boxes and charts kept whole, no heading alone at a page foot) are
checked on the same organisations by ``tests/test_pdf_layout.py``.
"""

import io
import json
import os
from pathlib import Path

import pypdfium2
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page
from pypdf import PdfReader

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_pages_a11y import WCAG
from tests.factories import EXAMPLES_DIR, submitted_assessment
from tests.test_pdf_layout import FILES as PDF_LAYOUT_FILES
from tests.test_pdf_layout import ORGANIZATIONS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GALLERY_DIR = Path(
    os.environ.get(
        "TEAMADVISOR_REPORT_GALLERY",
        Path(__file__).resolve().parents[2] / "artifacts" / "report",
    )
)
GALLERY = {
    **{path.stem: path for path in sorted(EXAMPLES_DIR.glob("*.json"))},
    "forty-squad-marketplace": ORGANIZATIONS / "forty-squad-marketplace.json",
    "one-person-ml": ORGANIZATIONS / "one-person-ml.json",
}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
PDF_DPI = 100
SMALLEST_CHART_TEXT_PX = 9
HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": "-"})

# Words a line break splits inside table headers, cells and captions: each
# word (hyphenated compounds may break after their hyphen) must lie on one
# line, which a Range over it shows as client rects sharing one line.
BROKEN_WORDS_JS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll(
      'main th, main td, main caption')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\-\\u2010-\\u2014]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (rects.some(r => Math.abs(r.top - rects[0].top) > r.height / 2)) {
          const where = cell.textContent.trim().replace(/\\s+/g, ' ');
          broken.push(`${cell.tagName}: "${match[0]}" in "${where.slice(0, 60)}"`);
        }
      }
    }
  }
  return broken;
}"""

# Tables wider than the box that holds them: read only by scrolling sideways.
WIDE_TABLES_JS = """() => [...document.querySelectorAll('main table')]
  .filter(table => table.getBoundingClientRect().width
                   > table.parentElement.clientWidth + 1)
  .map(table => (table.id || table.className) + ': '
       + Math.round(table.getBoundingClientRect().width) + ' px in '
       + table.parentElement.clientWidth + ' px')"""

# Each SVG text's size on screen: its font size times its SVG's scale.
SVG_TEXT_SIZES_JS = """() => [...document.querySelectorAll('main svg text')]
  .filter(text => text.getClientRects().length > 0)
  .map(text => {
    const m = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    return [text.textContent.trim(), Math.round(size * 100) / 100];
  })"""


@pytest.fixture(scope="module")
def gallery_dir() -> Path:
    GALLERY_DIR.mkdir(parents=True, exist_ok=True)
    return GALLERY_DIR


@pytest.fixture(params=sorted(GALLERY))
def org(request) -> str:
    return request.param


@pytest.fixture
def assessment(org):
    return submitted_assessment(**json.loads(GALLERY[org].read_text()))


def test_pdf_layout_checks_every_gallery_organisation():
    assert set(GALLERY.values()) <= set(PDF_LAYOUT_FILES)


@pytest.mark.parametrize("viewport_name", sorted(VIEWPORTS))
def test_report_reads_whole_words_and_passes_axe(
    new_page, gallery_dir, org, assessment, viewport_name
):
    page = new_page(viewport=VIEWPORTS[viewport_name])
    page.goto(assessment.get_absolute_url())
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    _save_png(shot, gallery_dir / f"{org}-{viewport_name}.png")

    assert page.evaluate(BROKEN_WORDS_JS) == []
    if viewport_name == "phone":
        overflow = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        assert overflow[0] <= overflow[1], "the page scrolls sideways"
        assert page.evaluate(WIDE_TABLES_JS) == []
    sizes = page.evaluate(SVG_TEXT_SIZES_JS)
    assert sizes, "the report has no chart text"
    assert [(text, size) for text, size in sizes if size < SMALLEST_CHART_TEXT_PX] == []

    _assert_axe_passes_svgs_included(page)
    assert new_page.problems == []


def _assert_axe_passes_svgs_included(page: Page) -> None:
    """axe-core on the whole page, which must have audited every SVG."""
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    svgs = page.locator("main svg[role=img]").count()
    assert svgs >= 1
    audited = [
        node
        for rule in results.response["passes"]
        if rule["id"] == "svg-img-alt"
        for node in rule["nodes"]
    ]
    assert len(audited) == svgs, "axe left SVGs out"


def test_pdf_pages_are_drawn_and_table_headers_keep_whole_words(
    new_page, gallery_dir, org, assessment
):
    page = new_page()
    page.goto(assessment.get_absolute_url())
    headers = page.eval_on_selector_all(
        "main th, main caption", "cells => cells.map(cell => cell.textContent)"
    )
    response = page.request.get(
        reverse("assessments:report_pdf", args=[assessment.token])
    )
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    data = response.body()

    for stale in gallery_dir.glob(f"{org}-pdf-page-*.png"):
        stale.unlink()
    document = pypdfium2.PdfDocument(data)
    try:
        for number, pdf_page in enumerate(document, start=1):
            image = pdf_page.render(scale=PDF_DPI / 72).to_pil()
            _save_png(image, gallery_dir / f"{org}-pdf-page-{number}.png")
            pdf_page.close()
    finally:
        document.close()
    assert number >= 2

    assert _split_words(data, _words(headers)) == []


def _save_png(image: Image.Image, path: Path) -> None:
    """A 256-colour PNG: a third of the size, no visible difference on pages
    of text in a handful of colours."""
    palette = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)


def _words(texts) -> set[str]:
    """The words of ``texts``, without surrounding punctuation, lowercase."""
    words = (
        word.strip(".,:;!?()“”\"'‘’").lower().translate(HYPHENS)
        for text in texts
        for word in text.split()
    )
    return {word for word in words if len(word) > 1}


def _split_words(pdf: bytes, words: set[str]) -> list[str]:
    """Words of ``words`` that the PDF splits across two lines.

    WeasyPrint writes each line of each box as its own text run: a run that
    ends with the start of a word, followed by a run on a lower line that
    starts with the rest of it, is a word split across lines (hyphenated by
    the layout or broken without a hyphen). Breaking after a hyphen the word
    already has ("on-" / "call") is fine.
    """
    split = []
    for number, pdf_page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        runs: list[tuple[str, float]] = []

        def visit(text, cm, tm, _font, _size, runs=runs):
            # pypdf ends a run with the line break it infers; the hyphens a
            # layout adds are U+2010 (or soft hyphens).
            text = text.rstrip("\r\n").translate(HYPHENS)
            if text.strip():  # y on the page, upwards: tm then cm
                runs.append((text, tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

        pdf_page.extract_text(visitor_text=visit)
        for (before, y_before), (after, y_after) in zip(runs, runs[1:], strict=False):
            if y_after >= y_before or before[-1].isspace() or after[0].isspace():
                continue  # same line, or a break between words
            tail = before.split()[-1].lower().lstrip("(“\"'‘")
            head = after.split()[0].lower().rstrip(".,:;!?)”\"'’")
            if _splits_a_word(tail, head, words):
                split.append(f"page {number}: {tail}|{head}")
    return split


def _splits_a_word(tail: str, head: str, words: set[str]) -> bool:
    """Whether a line ending in ``tail`` and the next starting with ``head``
    split one of ``words``."""
    if tail.endswith("-"):
        # "on-" / "call" keeps the word's own hyphen; "to-" / "day" adds one.
        return tail + head not in words and tail.removesuffix("-") + head in words
    return tail + head in words


def test_word_check_sees_a_word_broken_inside_a_table_cell(new_page):
    page = new_page(viewport=PHONE)
    page.set_content(
        "<style>th { width: 3em; overflow-wrap: anywhere; }</style>"
        "<main><table><tr><th>Headcount today</th><td>Optional</td></tr></table>"
        "</main>"
    )
    assert page.evaluate(BROKEN_WORDS_JS) == ['TH: "Headcount" in "Headcount today"']


@pytest.mark.parametrize(
    ("style", "split"),
    [("overflow-wrap: anywhere", "head|count"), ("hyphens: auto", "head-|count")],
)
def test_pdf_word_check_sees_a_header_word_split_across_lines(style, split):
    from weasyprint import HTML

    html = (
        f"<html lang=en><style>th {{ width: 14mm; {style} }}</style>"
        "<table><tr><th>Headcount</th><td>Data people</td></tr></table>"
    )
    pdf = HTML(string=html).write_pdf()
    words = _words(["Headcount"])
    assert [found.split(": ")[1] for found in _split_words(pdf, words)] == [split]


def test_a_break_after_a_words_own_hyphen_is_no_split():
    words = _words(["On-call rota", "Today"])
    assert not _splits_a_word("on-", "call", words)
    assert _splits_a_word("to-", "day", words)
    assert _splits_a_word("to", "day", words)
    assert not _splits_a_word("the", "rota", words)
