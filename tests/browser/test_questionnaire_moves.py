"""Moving freely through the questionnaire in a real browser: back from a
half-filled step and return with nothing lost, "Change" from the review back to
the review, the prompt before leaving unsaved changes, and form controls whose
borders can be seen (WCAG 1.4.11). Each state is audited with axe and captured
at desktop and phone widths."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from assessments.models import Assessment
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.keyboard import NEXT, type_into
from tests.browser.test_pages_a11y import WCAG
from tests.factories import draft_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = pytest.mark.parametrize(
    ("viewport_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)]
)
BACK = "button[value=back]"


def _audit_and_capture(page: Page, screenshot_dir, name: str) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)


def _click_and_wait(page: Page, selector: str) -> None:
    """Press a button or link with the keyboard and wait for the next page (on a
    phone, right after a full-page screenshot, a mouse click can go astray)."""
    page.focus(selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _section(assessment: Assessment, key: str) -> str:
    return reverse("assessments:section", args=[assessment.token, key])


@VIEWPORTS
def test_back_from_a_half_filled_step_and_return_with_nothing_lost(
    new_page, screenshot_dir, viewport_name, viewport
):
    assessment = draft_assessment()
    page = new_page(viewport=viewport)
    page.goto(_section(assessment, "team"))
    type_into(page, "id_data_engineer", "3")
    type_into(page, "id_data_scientist", "")
    page.keyboard.press("Backspace")
    type_into(page, "id_mlops_engineer", "-2")
    _audit_and_capture(page, screenshot_dir, f"moves-half-filled-{viewport_name}")

    # Going back is never refused.
    _click_and_wait(page, BACK)
    assert page.url.endswith("/goals/")
    unfinished = page.locator(".steps .unfinished")
    assert unfinished.inner_text() == "3. Current team (not saved yet)"
    _audit_and_capture(page, screenshot_dir, f"moves-back-{viewport_name}")

    # The review says which step waits, and does not block.
    _click_and_wait(page, ".steps a:text('5. Review & submit')")
    assert page.locator("#unsaved-steps a").all_inner_texts() == ["Current team"]
    assert page.is_enabled("main form button[type=submit]")
    _audit_and_capture(page, screenshot_dir, f"moves-review-unsaved-{viewport_name}")

    # The progress bar leads back to the step, shown as it was typed.
    _click_and_wait(page, ".steps a:text('3. Current team')")
    assert page.url.endswith("/team/")
    assert page.is_visible("#draft-notice")
    assert page.input_value("#id_data_engineer") == "3"
    assert page.input_value("#id_data_scientist") == ""
    assert page.input_value("#id_mlops_engineer") == "-2"
    assert not page.is_visible("#error-summary")
    _audit_and_capture(page, screenshot_dir, f"moves-returned-{viewport_name}")

    # Flagged when submitted; each message names its question, once.
    _click_and_wait(page, NEXT)
    assert page.locator("#error-summary li").all_inner_texts() == [
        "Enter the number of data scientists, as a whole number.",
        "The number of MLOps engineers must be 0 or more.",
    ]
    assert page.input_value("#id_data_engineer") == "3"
    _audit_and_capture(page, screenshot_dir, f"moves-flagged-{viewport_name}")

    page.fill("#id_data_scientist", "2")
    page.fill("#id_mlops_engineer", "1")
    _click_and_wait(page, NEXT)
    assert page.url.endswith("/pain-points/")
    assessment.refresh_from_db()
    assert assessment.headcount()["data_engineer"] == 3
    assert assessment.headcount()["data_scientist"] == 2
    assert new_page.problems == []


@VIEWPORTS
def test_change_from_the_review_lands_on_the_review(
    new_page, screenshot_dir, viewport_name, viewport
):
    assessment = draft_assessment()
    page = new_page(viewport=viewport)
    page.goto(reverse("assessments:review", args=[assessment.token]))
    _click_and_wait(page, "a:has-text('Change AI goals')")
    assert page.url.endswith("/goals/?from=review")
    _audit_and_capture(page, screenshot_dir, f"moves-change-{viewport_name}")

    type_into(page, "id_ml_use_cases", "7")
    _click_and_wait(page, "button[value=review]")
    assert page.url.endswith("/review/")
    row = page.locator(
        "dt:has-text('How many ML use cases do you plan for the next year?') + dd"
    )
    assert row.inner_text() == "7"
    _audit_and_capture(page, screenshot_dir, f"moves-changed-{viewport_name}")
    assert new_page.problems == []


def test_leaving_a_page_with_unsaved_changes_asks_first(new_page, screenshot_dir):
    assessment = draft_assessment()
    page = new_page()
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        if len(dialogs) == 1:
            dialog.dismiss()  # stay
        else:
            dialog.accept()  # leave

    page.on("dialog", answer)
    goals = _section(assessment, "goals")

    # Nothing changed: leaving asks nothing.
    page.goto(goals)
    _click_and_wait(page, ".steps a:text('1. Organisation')")
    assert dialogs == []

    page.goto(goals)
    type_into(page, "id_product_teams", "9")
    page.screenshot(path=screenshot_dir / "moves-unsaved-desktop.png", full_page=True)
    page.focus(".steps a:text('1. Organisation')")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/goals/")  # stayed, with what was typed
    assert page.input_value("#id_product_teams") == "9"

    _click_and_wait(page, ".steps a:text('1. Organisation')")
    assert dialogs == ["beforeunload", "beforeunload"]
    assert page.url.endswith("/organisation/")

    # Saving leaves without asking.
    page.goto(goals)
    type_into(page, "id_product_teams", "5")
    _click_and_wait(page, NEXT)
    assert page.url.endswith("/team/")
    assert dialogs == ["beforeunload", "beforeunload"]
    assert new_page.problems == []


# Every form control's border against the background it sits on: the first
# ancestor with a background colour that is not transparent.
BORDERS = """() => [...document.querySelectorAll(
    "main .form-control, main .form-check-input, main .form-select")].map(el => {
  let back = el.parentElement;
  while (back && getComputedStyle(back).backgroundColor === "rgba(0, 0, 0, 0)") {
    back = back.parentElement;
  }
  return {
    id: el.id,
    border: getComputedStyle(el).borderTopColor,
    background: back ? getComputedStyle(back).backgroundColor : "rgb(255, 255, 255)",
  };
})"""


def _luminance(color: str) -> float:
    red, green, blue = (int(part) for part in re.findall(r"\d+", color)[:3])

    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("key", ["organisation", "goals", "team", "pain-points"])
def test_form_control_borders_have_3_to_1_contrast(new_page, key):
    page = new_page()
    page.goto(_section(draft_assessment(), key))
    controls = page.evaluate(BORDERS)
    assert controls, "no form controls found"
    faint = [
        (control["id"], control["border"], round(ratio, 2))
        for control in controls
        if (ratio := _contrast(control["border"], control["background"])) < 3
    ]
    assert faint == []
    assert new_page.problems == []
