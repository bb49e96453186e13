"""Benchmark the team plan: engine, HTML page, PDF render, first and cached PDF
downloads, PDF size.

Run: .venv/bin/python bench/report_bench.py [--repeat N]
Uses a throw-away SQLite database and media folder; prints one row per example.
"""

import argparse
import io
import json
import statistics
import time

from throwaway import ROOT, setup_django  # noqa: E402 (beside this script)

setup_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from assessments.advice import advise, parse_answers  # noqa: E402
from assessments.pdf import render_report_pdf  # noqa: E402
from assessments.selectors import assessment_report  # noqa: E402
from tests.factories import EXAMPLES_DIR, submitted_assessment  # noqa: E402

ORGANIZATIONS = ROOT / "tests" / "advice" / "organizations"
# The shared examples, then the extremes the report must still lay out well.
REPORTS = [
    *sorted(EXAMPLES_DIR.glob("*.json")),
    ORGANIZATIONS / "one-person-ml.json",
    ORGANIZATIONS / "forty-squad-marketplace.json",
]


def engine_timings(repeat: int) -> None:
    """The engine's time per plan, section 10's re-runs included."""
    files = sorted(EXAMPLES_DIR.glob("*.json")) + sorted(ORGANIZATIONS.glob("*.json"))
    print(f"{'answers file':<36} {'engine median':>14}")
    for path in files:
        answers = parse_answers(json.loads(path.read_text()))
        advise(answers)  # warm the rulebook cache
        ms = _median_ms(lambda answers=answers: advise(answers), repeat * 5)
        print(f"{path.stem:<36} {ms:>11.2f} ms")
    # The largest answers the spec allows: a million use cases and teams.
    largest = json.loads((EXAMPLES_DIR / "research-startup.json").read_text())
    largest["organization"].update(employees=1_000_000, stage="enterprise")
    largest.update(ml_use_cases=1_000_000, product_teams=1_000_000)
    answers = parse_answers(largest)
    ms = _median_ms(lambda: advise(answers), repeat)
    print(f"{'largest counts (1,000,000 use cases)':<36} {ms:>11.2f} ms")
    print()


def _median_ms(action, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    engine_timings(args.repeat)
    call_command("migrate", verbosity=0)
    client = Client()
    client.get("/")  # warm up imports and template loading

    print(
        f"{'plan':<24} {'HTML':>8} {'PDF render':>11} {'÷HTML':>6} "
        f"{'1st download':>13} {'÷HTML':>6} {'cached':>8} {'size':>7} {'pages':>5}"
    )
    for path in REPORTS:
        # Submitting queues the PDF render; the tests' settings run tasks at
        # once, as a worker would shortly after the submission.
        assessment = submitted_assessment(**json.loads(path.read_text()))
        page_url = assessment.get_absolute_url()
        pdf_url = reverse("assessments:report_pdf", args=[assessment.token])

        html_ms = _median_ms(lambda url=page_url: client.get(url), args.repeat)
        render_ms = _median_ms(
            lambda a=assessment: render_report_pdf(assessment_report(a)), 3
        )
        start = time.perf_counter()
        pdf = client.get(pdf_url).content
        first_ms = (time.perf_counter() - start) * 1000
        cached_ms = _median_ms(lambda url=pdf_url: client.get(url), args.repeat)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{path.stem:<24} {html_ms:>5.1f} ms {render_ms:>8.0f} ms "
            f"{render_ms / html_ms:>5.0f}x {first_ms:>10.1f} ms "
            f"{first_ms / html_ms:>5.1f}x {cached_ms:>5.1f} ms "
            f"{len(pdf) / 1024:>4.0f} kB {pages:>5}"
        )


if __name__ == "__main__":
    main()
