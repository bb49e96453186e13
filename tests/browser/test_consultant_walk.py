"""A consultant's round in a real browser at 1280 px: the dashboard, the
queue, assign to me, the review, the comparison with the organisation's
earlier assessment and the CSV export. Each page is audited with axe-core and
captured; the list must fit without scrolling sideways."""

import csv
import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page

from assessments import services
from assessments.models import Assessment, Organization
from tests.browser.test_pages_a11y import WCAG
from tests.factories import example, submitted_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _audit(page: Page, problems: list, name: str) -> None:
    """axe-core's audit, after checking the page itself logged no error.

    On the admin's review page axe sets a style attribute while it measures,
    which the Content Security Policy blocks and Chromium logs: that report is
    the audit's, not the page's, so it is dropped.
    """
    assert problems == [], name
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    problems.clear()


def _sideways_overflow(page: Page) -> dict:
    """How far the page and the list's table reach past their boxes, in px."""
    return page.evaluate(
        """() => {
          const results = document.querySelector('#changelist .results');
          return {
            page: document.documentElement.scrollWidth - window.innerWidth,
            list: results ? results.scrollWidth - results.clientWidth : 0,
          };
        }"""
    )


def _grown_copy(assessment: Assessment) -> Assessment:
    copy = services.assessment_copy(assessment=assessment, address="192.0.2.1")
    Organization.objects.filter(pk=copy.organization_id).update(
        stage="enterprise", employees=1200
    )
    copy.organization.refresh_from_db()
    services.assessment_submit(assessment=copy)
    return copy


def test_a_consultants_round(new_page, screenshot_dir, consultants_group):
    consultant = User.objects.create_user(
        "carla", password="a-long-test-password", is_staff=True
    )
    consultant.groups.add(consultants_group)
    earlier = submitted_assessment(**example("small-product-startup"))
    later = _grown_copy(earlier)
    submitted_assessment(**example("product-enterprise"))
    submitted_assessment(**example("research-startup"))

    page = new_page()
    page.goto("/admin/")
    page.fill("#id_username", "carla")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.click("input[type=submit]")

    # The dashboard is the admin's home; its queue leads to the list.
    assert page.locator(".dash-queue-unassigned .dash-count").inner_text() == "4"
    _audit(page, new_page.problems, "dashboard")
    page.screenshot(path=screenshot_dir / "walk-dashboard-1280.png", full_page=True)
    with page.expect_navigation():
        page.click(".dash-queue-unassigned a")
    assert page.locator("#result_list tbody tr").count() == 4
    page.screenshot(path=screenshot_dir / "walk-list-1280.png", full_page=True)
    assert _sideways_overflow(page) == {"page": 0, "list": 0}
    _audit(page, new_page.problems, "assessment list")

    # Assign to me from the review page, in one click.
    with page.expect_navigation():
        page.get_by_role("link", name=later.organization.name).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Assign to me and start the review").click()
    assert "assigned to you" in page.inner_text(".messagelist")
    later.refresh_from_db()
    assert later.assigned_to == consultant
    assert page.locator("input[name=_save]").count() == 2  # top and foot
    _audit(page, new_page.problems, "review page")
    page.screenshot(path=screenshot_dir / "walk-review-1280.png", full_page=True)

    # The organisation's earlier assessment, side by side.
    with page.expect_navigation():
        page.get_by_role("link", name="Compare with this one").click()
    changed = page.locator("tr.changed th[scope=row]").all_inner_texts()
    assert any("Which describes your organisation best?" in text for text in changed)
    _audit(page, new_page.problems, "compare page")
    page.screenshot(path=screenshot_dir / "walk-compare-1280.png", full_page=True)

    # Export the queue as CSV: labels a person reads, keys beside them.
    page.goto("/admin/assessments/assessment/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_download() as download:
        page.click("button[name=index]")
    text = download.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 4
    by_id = {int(row["Assessment ID"]): row for row in rows}
    assert by_id[later.pk]["Consultant"] == "carla"
    assert by_id[later.pk]["Stage"] == "Enterprise"
    assert by_id[later.pk]["Stage (key)"] == "enterprise"
    assert new_page.problems == []
