"""Drive a page with the keyboard only, as a person without a mouse would."""

from playwright.sync_api import Page

MAX_TABS = 80
# The questionnaire's "Save and continue" button.
NEXT = "button[value=next]"


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until ``selector`` has the focus; fail if it is never reached."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_into(page: Page, field_id: str, text: str) -> None:
    tab_to(page, f"#{field_id}")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into a radio group, then move with the arrow keys to ``value``."""
    values = page.eval_on_selector_all(
        f"input[type=radio][name={name}]", "inputs => inputs.map(i => i.value)"
    )
    tab_to(page, f"input[type=radio][name={name}]")
    current = page.evaluate("() => document.activeElement.value")
    steps = values.index(value) - values.index(current)
    key = "ArrowDown" if steps > 0 else "ArrowUp"
    for _ in range(abs(steps)):
        page.keyboard.press(key)
    page.keyboard.press("Space")  # selects the focused radio if none was chosen
    assert page.is_checked(f"input[name={name}][value={value}]")


def tick(page: Page, name: str, value: str) -> None:
    tab_to(page, f"input[name={name}][value={value}]")
    page.keyboard.press("Space")
    assert page.is_checked(f"input[name={name}][value={value}]")


def press(page: Page, selector: str) -> None:
    """Tab to a button or link and press Enter; wait for the next page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")
