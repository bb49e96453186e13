"""A client's whole journey in a real browser, keyboard only."""

import io
import re

import pytest
from pypdf import PdfReader

from assessments.models import Assessment
from tests.browser.keyboard import choose_radio, press, tab_to, tick, type_into

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEXT = "button[value=next]"


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle !== 'none'"
    )


def test_keyboard_only_journey_with_resume_error_and_pdf(new_page, tmp_path):
    page = new_page()
    page.goto("/")
    press(page, "main form button[type=submit]")
    assert re.search(r"/a/[\w-]{43}/organisation/$", page.url)
    private_link = page.url.removesuffix("organisation/")

    type_into(page, "id_name", "Northwind Mobility")
    type_into(page, "id_industry", "transport")
    type_into(page, "id_employees", "320")
    choose_radio(page, "stage", "large_startup")
    type_into(page, "id_contact_name", "Nora North")
    type_into(page, "id_contact_email", "nora@example.com")
    tab_to(page, NEXT)
    assert _focus_is_visible(page)
    press(page, NEXT)

    assert page.url.endswith("/goals/")
    assert "Step 2 of 5: AI goals" in page.inner_text("nav.progress-steps")
    choose_radio(page, "ai_focus", "balanced")
    type_into(page, "id_ml_use_cases", "9")
    type_into(page, "id_product_teams", "4")
    choose_radio(page, "dedicated_ml_budget", "yes")
    choose_radio(page, "current_structure", "centralized")
    press(page, NEXT)
    assert page.url.endswith("/team/")

    # Leave, and come back later in another browser with only the private link.
    page = new_page()
    page.goto(private_link)
    assert page.url.endswith("/team/")
    for role, count in [
        ("data_analyst", "2"),
        ("data_engineer", "2"),
        ("data_scientist", "4"),
        ("research_scientist", "1"),
        ("mlops_engineer", "1"),
        ("software_developer", "400"),  # more people than employees
        ("full_stack_data_scientists", "0"),
    ]:
        type_into(page, f"id_{role}", count)
    press(page, NEXT)

    # Refused: the summary has the focus, its link leads to the field, and
    # nothing typed was lost.
    assert page.url.endswith("/team/")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert "more than the 320 employees" in page.inner_text("#error-summary")
    tab_to(page, "#error-summary a")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "id_data_analyst"
    assert page.input_value("#id_data_scientist") == "4"
    type_into(page, "id_software_developer", "40")
    press(page, NEXT)

    assert page.url.endswith("/pain-points/")
    tick(page, "pain_points", "too_many_requests")
    tick(page, "pain_points", "silos")
    press(page, NEXT)

    assert page.url.endswith("/review/")
    review = page.inner_text("main")
    assert "Northwind Mobility" in review and "ML work happens in silos" in review
    press(page, "main form button[type=submit]")

    assert page.url == private_link
    assert page.inner_text("h1") == "Team plan for Northwind Mobility"
    assert page.inner_text(".recommended-structure") == "Hybrid: core team plus squads"
    assert Assessment.objects.get().status == "submitted"

    tab_to(page, "a.btn-primary[href$='team-plan.pdf']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = tmp_path / "plan.pdf"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Northwind Mobility" in text
    assert "Hybrid: core team plus squads" in text

    assert new_page.problems == []
