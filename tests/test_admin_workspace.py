"""The consultants' workspace, second round: assign to me, the review page's
order, an organisation's assessments over time and their comparison."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.choices import Status
from assessments.models import Assessment, Organization
from tests.factories import draft_assessment, example, submitted_assessment
from tests.hostile_inputs import HOSTILE_TEXT

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assessments_assessment_changelist")


def _consultant(username: str) -> User:
    user = User.objects.create_user(username, password="a-long-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


@pytest.fixture
def consultant() -> User:
    return _consultant("carla")


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


def _change_url(assessment) -> str:
    return reverse("admin:assessments_assessment_change", args=[assessment.pk])


def _assign_url(assessment) -> str:
    return reverse("admin:assessments_assessment_assign_to_me", args=[assessment.pk])


def _compare_url(one, other) -> str:
    return reverse("admin:assessments_assessment_compare", args=[one.pk, other.pk])


def _copy(assessment, **organization) -> Assessment:
    """A submitted copy of ``assessment``, its organisation row changed."""
    copy = services.assessment_copy(assessment=assessment, address="192.0.2.1")
    if organization:
        Organization.objects.filter(pk=copy.organization_id).update(**organization)
        copy.organization.refresh_from_db()
    services.assessment_submit(assessment=copy)
    return copy


# Assign to me ------------------------------------------------------------


def test_assign_to_me_is_one_click_on_the_review_page(consultant_client, consultant):
    assessment = submitted_assessment()
    page = consultant_client.get(_change_url(assessment)).content.decode()
    assert f'action="{_assign_url(assessment)}"' in page
    assert "Assign to me and start the review" in page

    response = consultant_client.post(_assign_url(assessment))
    assert response.status_code == 302
    assert response["Location"] == _change_url(assessment)
    assessment.refresh_from_db()
    assert assessment.assigned_to == consultant
    assert assessment.status == Status.IN_REVIEW  # the client's plan says so
    # Recorded in the review history, by the consultant.
    latest = assessment.history.latest("history_id")
    assert (latest.history_user, latest.assigned_to_id) == (consultant, consultant.pk)
    # Once it is theirs, the button is gone.
    page = consultant_client.get(_change_url(assessment)).content.decode()
    assert _assign_url(assessment) not in page


def test_assign_to_me_takes_over_from_another_consultant_and_keeps_the_status(
    consultant_client, consultant
):
    assessment = submitted_assessment()
    services.assessment_assign_to(assessment=assessment, consultant=_consultant("bob"))
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.REVIEWED)
    consultant_client.post(_assign_url(assessment))
    assessment.refresh_from_db()
    assert (assessment.assigned_to, assessment.status) == (consultant, Status.REVIEWED)


def test_assign_to_me_of_a_draft_leaves_it_a_draft(consultant_client, consultant):
    draft = draft_assessment()
    consultant_client.post(_assign_url(draft))
    draft.refresh_from_db()
    assert (draft.assigned_to, draft.status) == (consultant, Status.DRAFT)


def test_assign_to_me_needs_post_csrf_and_the_change_permission(consultant):
    assessment = submitted_assessment()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(consultant)
    assert strict.get(_assign_url(assessment)).status_code == 405
    assert strict.post(_assign_url(assessment)).status_code == 403  # no token
    viewer = User.objects.create_user("vera", password="a-long-pass-1", is_staff=True)
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert viewer_client.post(_assign_url(assessment)).status_code == 403
    anonymous = Client().post(_assign_url(assessment))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))
    assessment.refresh_from_db()
    assert assessment.assigned_to is None


def test_assign_to_me_as_a_list_action(consultant_client, consultant):
    mine = submitted_assessment()
    services.assessment_assign_to(assessment=mine, consultant=consultant)
    others = [submitted_assessment(), submitted_assessment()]
    response = consultant_client.post(
        CHANGELIST,
        {
            "action": "assign_to_me",
            "_selected_action": [mine.pk, *(a.pk for a in others)],
        },
        follow=True,
    )
    assert "2 assessments assigned to you." in response.content.decode()
    assert set(Assessment.objects.filter(assigned_to=consultant)) == {mine, *others}
    assert set(Assessment.objects.values_list("status", flat=True)) == {
        Status.IN_REVIEW
    }


# The review page ---------------------------------------------------------


def test_review_page_shows_the_summary_and_concerns_before_the_review_form(
    consultant_client,
):
    assessment = submitted_assessment(pain_points=["silos", "hiring_difficulty"])
    page = consultant_client.get(_change_url(assessment)).content.decode()
    headings = re.findall(r'<h2 id="fieldset-[^"]*"[^>]*>([^<]+)</h2>', page)
    assert headings == [
        "Client",
        "Summary and the client&#x27;s concerns",
        "Review",
        "Advice",
        "Answers",
        "History",
    ]
    summary = page.split("Summary and the client&#x27;s concerns")[1].split(
        'id="fieldset-0-2-heading"'
    )[0]
    assert "ML work happens in silos: answered by the high risk" in summary
    assert "ML roles are hard to fill: answered by" in summary
    assert "First hires:" in summary
    # Save at the top and at the foot.
    assert page.count('name="_save"') == 2


def test_summary_of_a_draft_has_no_advice(consultant_client):
    page = consultant_client.get(_change_url(draft_assessment())).content.decode()
    assert page.count("No advice before the client submits.") == 2  # summary, advice


# Over time -----------------------------------------------------------------


def test_a_copy_and_its_origin_list_each_other_in_time_order(consultant_client):
    first = submitted_assessment(**example("small-product-startup"))
    second = _copy(first, employees=60)
    unrelated = submitted_assessment()
    page = consultant_client.get(_change_url(second)).content.decode()
    table = page.split('class="ta-over-time"')[1].split("</table>")[0]
    links = re.findall(r'href="(/admin/assessments/assessment/\d+/[^"]*)"', table)
    assert links == [_change_url(first), _compare_url(second, first)]
    assert "(this one)" in table
    assert _change_url(unrelated) not in table
    page = consultant_client.get(_change_url(unrelated)).content.decode()
    assert "The first assessment of this organisation." in page


def test_an_organisations_page_lists_its_assessments_with_structure_and_status(
    consultant_client,
):
    first = submitted_assessment(**example("small-product-startup"))
    second = _copy(first, stage="enterprise", employees=1200)
    third = services.assessment_copy(assessment=second, address="192.0.2.1")  # draft
    url = reverse("admin:assessments_organization_change", args=[first.organization_id])
    page = consultant_client.get(url).content.decode()
    table = page.split('class="ta-over-time"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    assert [c[3] for c in cells] == ["Submitted", "Submitted", "Draft"]
    assert cells[2][0] == "not yet"
    second.refresh_from_db()
    assert cells[1][2] == second.get_recommended_structure_display()
    assert _compare_url(second, first) in cells[1][4]
    assert "href" not in cells[0][4] and "href" not in cells[2][4]
    assert _change_url(third) in cells[2][1]


def test_compare_shows_both_assessments_side_by_side(consultant_client):
    first = submitted_assessment(**example("small-product-startup"))
    second = _copy(first, stage="enterprise", employees=1200)
    response = consultant_client.get(_compare_url(second, first))
    assert response.status_code == 200
    page = response.content.decode()
    changed = re.findall(r'<tr class="changed">\s*<th scope="row">([^<]+) <span', page)
    assert "Which describes your organisation best?" in changed
    assert "Number of employees" in changed
    assert "Recommended structure" in changed
    # What a consultant sees besides the client: each role's need and gap.
    assert "Data scientist: needed (gap)" in page
    assert "TeamAdvisor&#x27;s structure" in page
    # Either order of the ids gives the earlier one on the left.
    again = consultant_client.get(_compare_url(first, second)).content.decode()
    assert re.findall(r'<tr class="changed">', again) == re.findall(
        r'<tr class="changed">', page
    )


def test_compare_refuses_other_organisations_drafts_and_strangers(consultant_client):
    first = submitted_assessment()
    other = submitted_assessment()
    draft = services.assessment_copy(assessment=first, address="192.0.2.1")
    assert consultant_client.get(_compare_url(first, other)).status_code == 404
    assert consultant_client.get(_compare_url(first, draft)).status_code == 404
    assert consultant_client.get(_compare_url(first, first)).status_code == 404
    anonymous = Client().get(_compare_url(first, draft))
    assert anonymous.status_code == 302


@pytest.mark.parametrize("name", HOSTILE_TEXT[:4])
def test_over_time_and_compare_escape_organisation_names(consultant_client, name):
    first = submitted_assessment(organization={"name": name})
    second = _copy(first, employees=41)
    for url in (
        _change_url(second),
        _compare_url(first, second),
        reverse("admin:assessments_organization_change", args=[first.organization_id]),
    ):
        page = consultant_client.get(url).content.decode()
        assert name not in page


def test_assign_to_me_is_for_consultants_only(consultant):
    # Staff given the change permission directly, outside the Consultants
    # group: the review form would not offer them as a consultant, and
    # neither does assign to me.
    user = User.objects.create_user("olga", password="a-long-pass-1", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="change_assessment"),
        Permission.objects.get(codename="view_assessment"),
    )
    client = Client()
    client.force_login(user)
    assessment = submitted_assessment()
    assert client.post(_assign_url(assessment)).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "assign_to_me", "_selected_action": [assessment.pk]}
    )
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.assigned_to is None
