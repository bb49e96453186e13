"""A copy in a real browser: the client starts a new assessment from a
submitted plan, is told it is a copy, changes what changed, submits and
compares the two plans. Each page is audited with axe-core and captured at
both widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from assessments.models import Assessment
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_pages_a11y import WCAG
from tests.factories import example, submitted_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _audit(page: Page, name: str) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def _no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )


def test_copy_says_what_it_is_and_compares_with_the_earlier_plan(
    new_page, screenshot_dir
):
    earlier = submitted_assessment(**example("small-product-startup"))
    page = new_page(viewport=DESKTOP)
    page.goto(earlier.get_absolute_url())
    assert page.locator(".compare-link").count() == 0
    with page.expect_navigation():
        page.get_by_role(
            "button", name="Start a new assessment from these answers"
        ).click()

    notice = page.locator(".copy-notice")
    date = earlier.submitted_at.strftime("%-d %B %Y")
    assert f"copy of your assessment of {date}" in notice.inner_text()
    _audit(page, "copy review page")
    page.screenshot(path=screenshot_dir / "copy-review-desktop.png", full_page=True)

    # Change the number of product teams, come back to the review, submit.
    with page.expect_navigation():
        page.locator("#answers-goals a", has_text="Change").click()
    assert page.locator(".copy-notice").is_visible()
    page.get_by_label("How many product teams will build or use ML features?").fill("9")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and return to the review").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit and get my team plan").click()

    copy = Assessment.objects.get(copied_from=earlier)
    assert page.url.endswith(copy.get_absolute_url())
    with page.expect_navigation():
        page.locator(".compare-link").click()
    changed = page.locator("tr.changed th[scope=row]").all_inner_texts()
    assert any(
        "How many product teams will build or use ML features?" in text
        for text in changed
    )
    # Marked by a word as well as a colour.
    assert page.locator("tr.changed .changed-mark").count() == len(changed)
    assert earlier.token not in page.content()
    _audit(page, "compare page")
    page.screenshot(path=screenshot_dir / "compare-desktop.png", full_page=True)

    phone = new_page(viewport=PHONE)
    phone.goto(page.url)
    assert _no_sideways_scroll(phone)
    _audit(phone, "compare page on a phone")
    phone.screenshot(path=screenshot_dir / "compare-phone.png", full_page=True)
    assert new_page.problems == []
