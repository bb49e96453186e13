"""A client's whole journey in a real browser, keyboard only."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.flow import SECTIONS
from assessments.models import Assessment
from tests.browser.keyboard import (
    MAX_TABS,
    NEXT,
    choose_radio,
    press,
    tab_to,
    tick,
    type_into,
)
from tests.factories import draft_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The focused element, and whether it shows where the focus is: an outline
# that is drawn (a style other than none, a width above 0) or a box shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return null;
  }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  return {
    element: `${el.tagName.toLowerCase()}#${el.id}[name=${el.getAttribute("name")}]`
      + `[href=${el.getAttribute("href")}] "${(el.innerText || "").slice(0, 40)}"`,
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name"),
    visible: outline || shadow,
  };
}"""


def _focus_is_visible(page) -> bool:
    focused = page.evaluate(FOCUSED)
    return bool(focused and focused["visible"])


def _tab_through(page) -> list[dict]:
    """Every element the Tab key reaches, from the top of the page to its end."""
    page.evaluate("() => document.activeElement?.blur()")
    reached, seen = [], set()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["element"] in seen:
            break  # past the last element: back to the browser or the top
        seen.add(focused["element"])
        reached.append(focused)
    return reached


@pytest.mark.parametrize("key", [*(section.key for section in SECTIONS), "review"])
def test_every_element_reached_by_tab_shows_visible_focus(new_page, key):
    draft = draft_assessment()
    if key == "review":
        url = reverse("assessments:review", args=[draft.token])
    else:
        url = reverse("assessments:section", args=[draft.token, key])
    page = new_page()
    page.goto(url)
    reached = _tab_through(page)

    hidden = [item["element"] for item in reached if not item["visible"]]
    assert hidden == [], f"no visible focus on {hidden}"
    tags = {item["tag"] for item in reached}
    assert {"a", "button"} <= tags, tags
    # Every question of the section is reached (a radio group once).
    fields = set(
        page.eval_on_selector_all(
            "main form [name]:not([type=hidden])", "els => els.map(e => e.name)"
        )
    ) - {"action"}
    assert fields <= {item["name"] for item in reached}, fields
    assert new_page.problems == []


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
    choose_radio(page, "regulated", "no")
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
    choose_radio(page, "has_ml_lead", "no")
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

    tab_to(page, "a.btn-primary[href$='.pdf']")  # the PDF by its revision
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
