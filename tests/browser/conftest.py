"""Playwright driving Debian's chromium against pytest-django's live server."""

import importlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse database access from that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(
    os.environ.get(
        "TEAMADVISOR_SCREENSHOTS",
        Path(__file__).resolve().parents[2] / "artifacts" / "screenshots",
    )
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors (CSP violations among them) and uncaught page errors."""


@pytest.fixture
def new_page(browser, live_server):
    """Make pages in fresh browser contexts; fail on any console error."""
    contexts, problems = [], PageProblems()

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            accept_downloads=True,
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and problems.append(f"{page.url}: {message.text}")
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        return page

    make.problems = problems
    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def consultants_group():
    """The group the data migration makes, with the migration's permissions.

    ``serialized_rollback`` restores it after other browser tests, but not after
    a transactional test without it (such as the simultaneous-starts test of the
    security suite on PostgreSQL): that one's flush leaves no group behind.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("assessments.migrations.0003_consultants_group")
    create_permissions(apps.get_app_config("assessments"), verbosity=0)
    group, _ = Group.objects.get_or_create(name="Consultants")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessments",
            codename__in=migration.CONSULTANT_PERMISSIONS,
        )
    )
    return group
