"""Page breaks in the PDF team plan, read from WeasyPrint's own page boxes:
nothing that must stay whole splits across pages, and no heading is left
alone at the foot of a page."""

import json
from pathlib import Path

import pytest

from assessments.advice import parse_answers
from assessments.pdf import laid_out_report
from assessments.report import build_report
from tests.factories import EXAMPLES_DIR

ORGANIZATIONS = Path(__file__).resolve().parent / "advice" / "organizations"
FILES = [
    *sorted(EXAMPLES_DIR.glob("*.json")),
    *(
        ORGANIZATIONS / f"{name}.json"
        for name in ("forty-squad-marketplace", "one-person-ml", "siloed-bank")
    ),
]
HEADINGS = ("h2", "h3", "h4")


def _pages_of(document) -> dict:
    """Each element with the indexes of the pages that hold a box of it."""
    pages: dict = {}
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None:
                pages.setdefault(element, set()).add(index)
    return pages


def _whole(element) -> bool:
    """Elements the stylesheet keeps on one page."""
    classes = (element.get("class") or "").split()
    return element.tag in ("tr", "figure") or bool(
        {"role-card", "risk", "quarter"} & set(classes)
    )


@pytest.fixture(scope="module", params=FILES, ids=lambda path: path.stem)
def pages(request):
    answers = parse_answers(json.loads(request.param.read_text()))
    return _pages_of(laid_out_report(build_report(answers)))


def test_no_row_card_box_or_chart_splits_across_pages(pages):
    # A table's header row repeats on each page it spans, by design.
    headers = {row for e in pages if e.tag == "thead" for row in e}
    split = [
        (element.tag, "".join(element.itertext()).strip()[:40], sorted(on))
        for element, on in pages.items()
        if _whole(element) and element not in headers and len(on) > 1
    ]
    assert split == []


def _next_siblings(pages: dict) -> dict:
    """Each element's following siblings, in document order."""
    (root,) = [element for element in pages if element.tag == "html"]
    following = {}
    for parent in root.iter():
        children = list(parent)
        for index, child in enumerate(children):
            following[child] = children[index + 1 :]
    return following


def test_no_heading_sits_alone_at_a_page_foot(pages):
    following = _next_siblings(pages)
    orphans = []
    for element, on in pages.items():
        if element.tag not in HEADINGS:
            continue
        laid_out = [e for e in following[element] if e in pages]
        if laid_out and min(pages[laid_out[0]]) > max(on):
            orphans.append("".join(element.itertext()).strip())
    assert orphans == []


def test_layout_check_finds_a_box_taller_than_a_page():
    # The checks read real page boxes: a risk box too tall for one page must
    # show up on two.
    from weasyprint import HTML

    body = "".join(f"<p>Line {n}</p>" for n in range(200))
    html = f'<html><body><h2>Risks</h2><article class="risk">{body}</article>'
    pages = _pages_of(HTML(string=html).render())
    (box,) = [element for element in pages if _whole(element)]
    assert len(pages[box]) > 1
