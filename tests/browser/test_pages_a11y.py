"""Every client page: axe-core (WCAG 2 A/AA) and screenshots, desktop and phone.

Pages with errors shown are audited too: each questionnaire section refusing
its answers, the review page listing answers that break a rule, the 404 page
and the page that refuses too many new assessments.
"""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from assessments.models import Assessment, Organization
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.keyboard import NEXT
from tests.factories import (
    NOT_FOUND_URL,
    draft_assessment,
    example,
    submitted_assessment,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
}
FAILED_LOAD = "Failed to load resource: the server responded with a status of"


def _press_next(page: Page) -> None:
    with page.expect_navigation():
        page.click(NEXT)


def _too_many_people(page: Page) -> None:
    """Six headcounts that add up to more than the employees: a form-wide error."""
    page.fill("#id_software_developer", "1000000")
    _press_next(page)


def _more_full_stack_than_data_scientists(page: Page) -> None:
    """An error on one field, worded by the answers file's rule."""
    page.fill("#id_full_stack_data_scientists", "1000")
    _press_next(page)


def _unknown_pain_point(page: Page) -> None:
    """The pain points section has no error a person can make with its
    checkboxes (ticking none is an answer); only a tampered request, such as an
    unknown key, gets one. Tamper with a checkbox to show that page."""
    page.eval_on_selector(
        "input[name=pain_points]",
        "box => { box.value = 'boredom'; box.checked = true; }",
    )
    _press_next(page)


def _pages() -> list[tuple[str, str, Callable | None]]:
    """(name, URL, what to do on the page before the audit, or None)."""
    fresh = Assessment.objects.create()
    draft = draft_assessment(**example("small-product-startup"))
    report = submitted_assessment(**example("product-enterprise"))
    # Only the organisation saved: the goals page opens with nothing answered.
    goals_unanswered = draft_assessment()
    Assessment.objects.filter(pk=goals_unanswered.pk).update(
        sections_saved=1, ai_focus="", ml_use_cases=None, product_teams=None
    )
    # Up to the goals saved: the team page opens with no headcounts.
    team_unanswered = draft_assessment()
    Assessment.objects.filter(pk=team_unanswered.pk).update(
        sections_saved=2, **{role: None for role in team_unanswered.headcount()}
    )
    # Every section saved, but the answers break rules of §6 (employees lowered
    # below the team in another tab; a use-case count lost).
    broken = draft_assessment()
    Organization.objects.filter(pk=broken.organization_id).update(employees=5)
    Assessment.objects.filter(pk=broken.pk).update(ml_use_cases=None)

    def section(assessment, key):
        return reverse("assessments:section", args=[assessment.token, key])

    return [
        ("start", "/", None),
        ("organisation", section(draft, "organisation"), None),
        ("organisation-errors", section(fresh, "organisation"), _press_next),
        ("goals", section(draft, "goals"), None),
        ("goals-errors", section(goals_unanswered, "goals"), _press_next),
        ("team", section(draft, "team"), None),
        ("team-errors", section(team_unanswered, "team"), _press_next),
        ("team-total-errors", section(draft, "team"), _too_many_people),
        (
            "team-full-stack-errors",
            section(draft, "team"),
            _more_full_stack_than_data_scientists,
        ),
        ("pain-points", section(draft, "pain-points"), None),
        ("pain-points-errors", section(draft, "pain-points"), _unknown_pain_point),
        ("review", reverse("assessments:review", args=[draft.token]), None),
        ("review-errors", reverse("assessments:review", args=[broken.token]), None),
        ("report", report.get_absolute_url(), None),
        ("not-found", NOT_FOUND_URL, None),
    ]


@pytest.mark.parametrize(
    ("viewport_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)]
)
def test_client_pages_pass_axe_and_are_captured(
    new_page, live_server, screenshot_dir, settings, viewport_name, viewport
):
    axe = Axe()
    page = new_page(viewport=viewport)

    def audit(name: str) -> None:
        results = axe.run(page, options=WCAG)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
        page.screenshot(
            path=screenshot_dir / f"{name}-{viewport_name}.png", full_page=True
        )

    for name, url, prepare in _pages():
        response = page.goto(url)
        if prepare:
            prepare(page)
        if name.endswith("-errors"):
            assert page.is_visible("#error-summary"), name
            assert page.title().startswith("Error: "), name
        if name == "not-found":
            assert response.status == 404
        audit(name)

    # Too many new assessments from one address: the start button is refused.
    settings.TEAMADVISOR_STARTS_PER_HOUR = 0
    page.goto("/")
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 429
    audit("too-many-starts")

    # Chromium logs the error status of those two pages; nothing else may fail.
    expected = [
        f"{live_server.url}{NOT_FOUND_URL}: {FAILED_LOAD} 404 (Not Found)",
        f"{live_server.url}/: {FAILED_LOAD} 429 (Too Many Requests)",
    ]
    assert new_page.problems == expected


def test_progress_indicator_is_exposed_to_screen_readers(new_page):
    page = new_page()
    draft = draft_assessment()
    page.goto(reverse("assessments:section", args=[draft.token, "team"]))
    # The title is what a screen reader reads first on each new page.
    assert page.title() == "Current team – Step 3 of 5 · TeamAdvisor"
    progress = page.locator("progress")
    assert progress.get_attribute("aria-labelledby") == "progress-label"
    assert page.inner_text("#progress-label") == "Step 3 of 5: Current team"
    assert page.locator("[aria-current=step]").inner_text() == "3. Current team"
