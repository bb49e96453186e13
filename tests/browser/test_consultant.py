"""A consultant overrides the recommendation in the admin; the client sees it."""

import pytest
from django.contrib.auth.models import User

from tests.factories import example, submitted_assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_consultant_override_reaches_the_client(
    new_page, screenshot_dir, consultants_group
):
    consultant = User.objects.create_user(
        "carla", password="a-long-test-password", is_staff=True
    )
    consultant.groups.add(consultants_group)
    assessment = submitted_assessment(**example("small-product-startup"))

    admin = new_page()
    admin.goto("/admin/")
    admin.fill("#id_username", "carla")
    admin.fill("#id_password", "a-long-test-password")
    with admin.expect_navigation():
        admin.click("input[type=submit]")
    admin.goto("/admin/assessments/assessment/?q=Lumen")
    admin.screenshot(path=screenshot_dir / "admin-list-desktop.png", full_page=True)
    with admin.expect_navigation():
        admin.click("text=Lumen Retail Labs")
    admin.select_option("#id_status", "reviewed")
    admin.select_option("#id_override_structure", "centralized")
    admin.fill("#id_override_reason", "Your two squads share one small data team.")
    admin.fill("#id_client_comment", "Happy to talk it through.")
    admin.fill("#id_internal_notes", "Internal: budget unclear.")
    admin.screenshot(path=screenshot_dir / "admin-review-desktop.png", full_page=True)
    with admin.expect_navigation():
        admin.click("input[name=_save]")
    assert "was changed successfully" in admin.inner_text(".messagelist")

    client = new_page()
    client.goto(assessment.get_absolute_url())
    assert client.inner_text(".recommended-structure") == "Centralized team"
    assert client.inner_text(".teamadvisor-structure") == "Decentralized squads"
    assert client.inner_text(".structure-summary").startswith(
        "Your consultant recommends one central ML team"
    )
    assert "Your two squads share one small data team." in client.inner_text("main")
    assert "Happy to talk it through." in client.inner_text("main")
    assert "Internal: budget unclear." not in client.content()
    assert new_page.problems == []
