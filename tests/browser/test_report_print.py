"""The web report printed from the browser: the plan, without the page's
buttons and without the private link."""

import pytest

from tests.factories import example, submitted_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HIDDEN_IN_PRINT = (".report-actions", ".private-link", ".site-header", "footer")


def test_printed_report_hides_buttons_and_private_link(new_page, screenshot_dir):
    assessment = submitted_assessment(**example("balanced-large-startup"))
    page = new_page()
    page.goto(assessment.get_absolute_url())
    for selector in HIDDEN_IN_PRINT:
        assert page.locator(selector).is_visible(), selector  # on screen
    page.emulate_media(media="print")
    for selector in HIDDEN_IN_PRINT:
        assert not page.locator(selector).is_visible(), selector
    assert page.locator("#summary-title").is_visible()
    assert assessment.token not in page.locator("body").inner_text()
    page.screenshot(path=screenshot_dir / "report-print.png", full_page=True)
    assert new_page.problems == []
