"""The what-if explorer in a real browser, without and with JavaScript.

Without it the explorer is a GET form whose answer is a new page (and a URL
to share); with it the plan follows the answers as they are typed, with no
page load, the focus left where it is and the update announced politely.
Each state is audited with axe-core and captured at both widths.
"""

import dataclasses
import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from assessments.advice import advice_under
from assessments.selectors import assessment_report
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_pages_a11y import WCAG
from tests.factories import example, submitted_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = [("desktop", DESKTOP), ("phone", PHONE)]


def _expected_structure(assessment) -> str:
    """The structure for the answers the tests change: an enterprise with 12
    product teams."""
    answers = assessment_report(assessment).answers
    answers = dataclasses.replace(
        answers,
        organization=dataclasses.replace(answers.organization, stage="enterprise"),
        product_teams=12,
    )
    return advice_under(assessment.rulebook_version, answers).structure.label


def _audit(page: Page, name: str) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def _capture(page: Page, screenshot_dir, name: str) -> None:
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)


def _eventually(page: Page, condition: str, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _audit_url(new_page, viewport, url: str, name: str) -> None:
    """axe-core runs as JavaScript: a page seen without it is audited as the
    same URL in a browser that has it (the server sends the same HTML)."""
    page = new_page(viewport=viewport)
    page.goto(url)
    _audit(page, name)
    page.close()


def test_what_if_without_javascript_is_a_form_with_its_own_url(
    new_page, screenshot_dir
):
    assessment = submitted_assessment(**example("small-product-startup"))
    for viewport_name, viewport in VIEWPORTS:
        _explore_without_javascript(
            new_page, screenshot_dir, assessment, viewport_name, viewport
        )
    assert new_page.problems == []


def _explore_without_javascript(
    new_page, screenshot_dir, assessment, viewport_name, viewport
) -> None:
    plan = assessment_report(assessment).advice.structure.label
    expected = _expected_structure(assessment)
    assert expected != plan
    url = reverse("assessments:what_if", args=[assessment.token])

    page = new_page(viewport=viewport, java_script_enabled=False)
    page.goto(assessment.get_absolute_url())
    with page.expect_navigation():
        page.click("a.what-if-link")
    assert page.url.endswith(url)
    assert page.inner_text("#what-if-structure") == plan
    _capture(page, screenshot_dir, f"what-if-no-js-start-{viewport_name}")
    _audit_url(new_page, viewport, page.url, "start")

    page.check("#id_stage_2")  # Enterprise
    page.fill("#id_product_teams", "12")
    with page.expect_navigation():
        page.click("#what-if-form button[type=submit]")
    assert "stage=enterprise" in page.url and "product_teams=12" in page.url
    assert page.inner_text("#what-if-structure") == expected
    assert page.inner_text("#what-if-comparison") == (
        f"A different structure. Your plan: {plan}."
    )
    # The new page opens at the plan, not at the top of the form.
    assert page.url.endswith("#what-if-result")
    # The browser scrolls to the fragment after the load event, smoothly
    # (Bootstrap's scroll-behavior): wait until the result's top is in view.
    # Polled from here: with JavaScript off, Playwright's own polling in the
    # page evaluates once only.
    assert _eventually(
        page,
        """() => {
          const top = document.getElementById("what-if-result")
            .getBoundingClientRect().top;
          return top >= 0 && top < window.innerHeight;
        }""",
    )
    changed_url = page.url
    _capture(page, screenshot_dir, f"what-if-no-js-changed-{viewport_name}")
    _audit_url(new_page, viewport, changed_url, "changed")

    page.fill("#id_product_teams", "-3")
    with page.expect_navigation():
        page.click("#what-if-form button[type=submit]")
    assert page.title().startswith("Error: ")
    assert page.is_visible("#id_product_teams_error")
    assert page.get_attribute("#id_product_teams", "aria-invalid") == "true"
    assert page.is_visible("#what-if-refused")
    assert not page.is_visible("#what-if-structure")
    _capture(page, screenshot_dir, f"what-if-no-js-error-{viewport_name}")
    _audit_url(new_page, viewport, page.url, "error")

    # The URL is the exploration: opened afresh, it shows the same plan.
    other = new_page(viewport=viewport, java_script_enabled=False)
    other.goto(changed_url)
    assert other.inner_text("#what-if-structure") == expected


def _type_and_wait(page: Page, field_id: str, text: str, status: str) -> None:
    """Type ``text`` over the field's value, then wait until the page has been
    updated for it: the address bar has the value and the status says
    ``status``."""
    page.click(f"#{field_id}")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.wait_for_function(
        """([name, value, status]) =>
          new URL(location.href).searchParams.get(name) === value
          && document.getElementById("what-if-status").textContent.startsWith(status)
        """,
        arg=[field_id.removeprefix("id_"), text, status],
    )


def test_what_if_with_javascript_updates_as_the_client_types(new_page, screenshot_dir):
    assessment = submitted_assessment(**example("small-product-startup"))
    for viewport_name, viewport in VIEWPORTS:
        _explore_with_javascript(
            new_page, screenshot_dir, assessment, viewport_name, viewport
        )
    assert new_page.problems == []


def _explore_with_javascript(
    new_page, screenshot_dir, assessment, viewport_name, viewport
) -> None:
    plan = assessment_report(assessment).advice.structure.label
    expected = _expected_structure(assessment)
    page = new_page(viewport=viewport)
    page.goto(reverse("assessments:what_if", args=[assessment.token]))
    # Survives only as long as no new page loads.
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.check("#id_stage_2")  # Enterprise
    _type_and_wait(
        page, "id_product_teams", "12", f"Updated: {expected}, not the plan's {plan}."
    )
    assert page.inner_text("#what-if-structure") == expected
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert page.evaluate("() => document.activeElement.id") == "id_product_teams"
    assert page.get_attribute("#what-if-status", "role") == "status"
    # The address bar holds the exploration, to share.
    assert re.search(r"[?&]stage=enterprise(&|$)", page.url)
    if viewport is PHONE:  # the plan is below the form: its update stays in view
        status = page.locator("#what-if-status").bounding_box()
        assert status["y"] + status["height"] == pytest.approx(PHONE["height"], abs=1)
    _audit(page, "changed")
    _capture(page, screenshot_dir, f"what-if-js-changed-{viewport_name}")

    _type_and_wait(page, "id_product_teams", "-3", "Not updated: 1 answer to correct.")
    assert page.is_visible("#id_product_teams_error")
    assert page.get_attribute("#id_product_teams", "aria-invalid") == "true"
    assert page.get_attribute("#id_product_teams", "aria-describedby") == (
        "id_product_teams_helptext id_product_teams_error"
    )
    assert page.title().startswith("Error: ")
    assert page.evaluate("() => document.activeElement.id") == "id_product_teams"
    assert page.evaluate("() => window.stillTheSamePage") is True
    _audit(page, "error")
    _capture(page, screenshot_dir, f"what-if-js-error-{viewport_name}")

    _type_and_wait(page, "id_product_teams", "12", f"Updated: {expected}")
    assert not page.is_visible("#id_product_teams_error")
    assert page.get_attribute("#id_product_teams", "aria-invalid") is None
    assert not page.title().startswith("Error: ")
