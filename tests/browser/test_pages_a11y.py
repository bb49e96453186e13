"""Every client page: axe-core (WCAG 2 A/AA) and screenshots, desktop and phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from assessments.models import Assessment
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import draft_assessment, example, submitted_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
}


def _pages() -> list[tuple[str, str, str | None]]:
    """(name, URL, selector of a button to press first or None)."""
    fresh = Assessment.objects.create()
    draft = draft_assessment(**example("small-product-startup"))
    report = submitted_assessment(**example("product-enterprise"))

    def section(assessment, key):
        return reverse("assessments:section", args=[assessment.token, key])

    return [
        ("start", "/", None),
        ("organisation", section(draft, "organisation"), None),
        ("organisation-errors", section(fresh, "organisation"), "button[value=next]"),
        ("goals", section(draft, "goals"), None),
        ("team", section(draft, "team"), None),
        ("pain-points", section(draft, "pain-points"), None),
        ("review", reverse("assessments:review", args=[draft.token]), None),
        ("report", report.get_absolute_url(), None),
    ]


@pytest.mark.parametrize(
    ("viewport_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)]
)
def test_client_pages_pass_axe_and_are_captured(
    new_page, screenshot_dir, viewport_name, viewport
):
    axe = Axe()
    page = new_page(viewport=viewport)
    for name, url, press_first in _pages():
        page.goto(url)
        if press_first:
            page.click(press_first)
            page.wait_for_load_state()
            assert page.is_visible("#error-summary")
        results = axe.run(page, options=WCAG)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
        page.screenshot(
            path=screenshot_dir / f"{name}-{viewport_name}.png", full_page=True
        )
    assert new_page.problems == []


def test_progress_indicator_is_exposed_to_screen_readers(new_page):
    page = new_page()
    draft = draft_assessment()
    page.goto(reverse("assessments:section", args=[draft.token, "team"]))
    progress = page.locator("progress")
    assert progress.get_attribute("aria-labelledby") == "progress-label"
    assert page.inner_text("#progress-label") == "Step 3 of 5: Current team"
    assert page.locator("[aria-current=step]").inner_text() == "3. Current team"
