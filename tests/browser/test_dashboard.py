"""The consultants' dashboard in a browser: axe-core (WCAG 2 A/AA), no
sideways scroll on a desktop, no CSP complaint, and screenshots to look at."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_pages_a11y import WCAG

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password"


@pytest.fixture
def consultant(consultants_group):
    user = User.objects.create_user("carla", password=PASSWORD, is_staff=True)
    user.groups.add(consultants_group)
    # Enough demo assessments for every bar and column to have something.
    call_command("seed_demo", assessments=400, stdout=io.StringIO())
    return user


def _log_in(page) -> None:
    page.goto("/admin/")
    page.fill("#id_username", "carla")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


@pytest.mark.parametrize(
    ("viewport_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)]
)
def test_dashboard_passes_axe_and_is_captured(
    new_page, screenshot_dir, consultant, viewport_name, viewport
):
    page = new_page(viewport=viewport)
    _log_in(page)
    assert page.url.endswith("/admin/")
    assert page.locator("#dashboard").is_visible()
    assert page.locator("svg.dash-svg[role=img]").count() == 4
    assert page.locator(".dash-queue a").count() == 4

    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(
        path=screenshot_dir / f"admin-dashboard-{viewport_name}.png", full_page=True
    )
    if viewport is DESKTOP:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{overflow}px of sideways scroll"
    # Each chart keeps to its column: none wider than the page.
    widths = page.eval_on_selector_all(
        "svg.dash-svg", "svgs => svgs.map(svg => svg.getBoundingClientRect().right)"
    )
    assert max(widths) <= viewport["width"]
    assert new_page.problems == []


def test_queue_link_opens_the_filtered_list(new_page, consultant):
    page = new_page()
    _log_in(page)
    count = page.inner_text(".dash-queue-in_review .dash-count")
    with page.expect_navigation():
        page.click(".dash-queue-in_review a")
    assert "status__exact=in_review" in page.url
    # The list's own count ("N assessments") says the same number.
    listed = re.search(r"([\d,]+) assessments?", page.inner_text(".paginator"))
    assert listed, page.inner_text(".paginator")
    assert listed.group(1) == count
    assert new_page.problems == []
