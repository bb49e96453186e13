"""Spec section 12 in every medium: the client's part of the plan (web page,
text and PDF; the appendix aside) shows no internal key, and says each thing
once."""

import html
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import EXAMPLES_DIR, example, submitted_assessment
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db

ORGANIZATIONS = Path(__file__).resolve().parent / "advice" / "organizations"
# A key is snake_case: "small_startup", "ml_use_cases", "centralized_product".
INTERNAL_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")
FILES = [
    *sorted(EXAMPLES_DIR.glob("*.json")),
    *(
        ORGANIZATIONS / f"{name}.json"
        for name in (
            "one-person-ml",
            "forty-squad-marketplace",
            "zero-use-case-enterprise",
            "siloed-bank",
        )
    ),
]


def _answers(path: Path) -> dict:
    if path.parent == EXAMPLES_DIR:
        return example(path.stem)
    return json.loads(path.read_text())


def _visible(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_web_report_shows_no_internal_key_before_the_appendix(client, path):
    assessment = submitted_assessment(**_answers(path))
    page = client.get(assessment.get_absolute_url()).content.decode()
    body = page.split("<h1>")[1].split('id="appendix-title"')[0]
    assert INTERNAL_KEY.findall(_visible(body)) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_text_report_shows_no_internal_key_before_the_trace(path):
    out = io.StringIO()
    call_command("teamplan", str(path), "--format", "text", stdout=out)
    client_part = out.getvalue().split("HOW WE REACHED THIS")[0]
    assert INTERNAL_KEY.findall(client_part) == []
    assert not re.search(r"\b1 (teams|use cases|hires)\b|\(s\)", client_part)


def test_pdf_shows_no_internal_key_before_the_appendix(client):
    assessment = submitted_assessment(**example("product-enterprise"))
    pdf = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    text = pdf_text(pdf.getvalue())
    client_part = text.split("Appendix: how we reached this")[0]
    assert "Quarter 1" in client_part  # the roadmap is in the client's part
    assert INTERNAL_KEY.findall(client_part) == []


def test_web_report_states_the_summary_and_each_mitigation_once(client):
    assessment = submitted_assessment(**example("balanced-large-startup"))
    page = client.get(assessment.get_absolute_url()).content.decode()
    body = _visible(page.split('id="appendix-title"')[0])
    summary = page.split('class="structure-summary">')[1].split("</p>")[0]
    assert body.count(html.unescape(summary)) == 1
    risks = page.split('id="risks-title"')[1].split("</section>")[0]
    for mitigation in re.findall(r"<strong>What to do:</strong> ([^<]+)</p>", risks):
        # Once under the risk, at most once more among the three first actions.
        assert body.count(html.unescape(mitigation)) <= 2
