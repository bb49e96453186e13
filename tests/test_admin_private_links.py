"""Private links are for clients only: no admin page, redirect or URL filter
gives a staff member the token of an assessment."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from assessments import services
from assessments.models import Assessment, ExportJob
from tests.factories import draft_assessment, submitted_assessment

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assessments_assessment_changelist")


def _staff(username: str, *, consultant: bool) -> Client:
    user = User.objects.create_user(username, password="a-long-pass-1", is_staff=True)
    if consultant:
        user.groups.add(Group.objects.get(name="Consultants"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def consultant_client() -> Client:
    return _staff("carla", consultant=True)


@pytest.fixture
def outsider_client() -> Client:
    """Staff, but in no group: may log in to the admin and see nothing."""
    return _staff("sam", consultant=False)


def _admin_paths(patterns, prefix="") -> list[str]:
    """Every admin URL pattern as a path template, e.g.
    ``assessments/assessment/<path:object_id>/change/``."""
    paths = []
    for entry in patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += _admin_paths(entry.url_patterns, pattern)
        elif isinstance(entry, URLPattern):
            paths.append(pattern)
    return paths


def _fill(pattern: str, values: dict[str, object]) -> str | None:
    """The pattern with each <converter:name> replaced, or None for regex
    patterns (the catch-all) and names we have no value for."""
    if pattern.startswith("^") or "(?P<" in pattern:
        return None
    try:
        return "/admin/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern
        )
    except KeyError:
        return None


def test_no_admin_url_reveals_a_token_to_a_consultant_or_other_staff(
    consultant_client, outsider_client
):
    draft = draft_assessment()
    submitted = submitted_assessment()
    copy = services.assessment_copy(assessment=submitted, address="192.0.2.1")
    services.assessment_submit(assessment=copy)
    job = ExportJob.objects.create(
        author=User.objects.get(username="carla"), assessment_ids=[submitted.pk]
    )
    tokens = [a.token for a in Assessment.objects.all()]
    content_type = ContentType.objects.get_for_model(Assessment)
    checked = 0
    for assessment in (draft, submitted):
        values = {
            "object_id": assessment.pk,
            "other_id": copy.pk,
            "job_id": job.pk,
            "content_type_id": content_type.pk,
            "app_label": "assessments",
            "history_id": assessment.history.latest("history_id").history_id,
            "version_id": assessment.history.latest("history_id").history_id,
            "id": assessment.pk,
        }
        for pattern in _admin_paths(admin.site.get_urls()):
            url = _fill(pattern, values)
            if url is None:
                continue
            for client in (consultant_client, outsider_client):
                response = client.get(url)
                checked += 1
                body = response.content.decode(errors="replace")
                location = response.get("Location", "")
                for token in tokens:
                    assert token not in body, url
                    assert token not in location, url
    assert checked > 50


def test_view_on_site_shortcut_gives_no_private_link(
    consultant_client, outsider_client
):
    assessment = submitted_assessment()
    content_type = ContentType.objects.get_for_model(Assessment)
    shortcut = f"/admin/r/{content_type.pk}/{assessment.pk}/"
    for client in (consultant_client, outsider_client):
        response = client.get(shortcut)
        assert response.status_code == 404
        assert assessment.token not in response.get("Location", "")


@pytest.mark.parametrize(
    "lookup",
    [
        "token",
        "token__exact",
        "token__gte",
        "token__lt",
        "token__startswith",
        "token__istartswith",
        "token__contains",
        "token__regex",
        "token__in",
        "created_from__gte",
    ],
)
def test_the_list_refuses_any_filter_on_the_token(consultant_client, lookup):
    assessment = submitted_assessment()
    value = assessment.token[:3] if lookup != "token__regex" else "^a"
    response = consultant_client.get(CHANGELIST, {"id": assessment.pk, lookup: value})
    assert response.status_code == 400


def test_related_lists_refuse_filters_through_assessments(consultant_client):
    assessment = submitted_assessment()
    organizations = reverse("admin:assessments_organization_changelist")
    response = consultant_client.get(
        organizations, {"assessments__token__gte": assessment.token[:2]}
    )
    assert response.status_code == 400


def test_search_and_ordering_never_touch_the_token(consultant_client):
    assessment = submitted_assessment()
    response = consultant_client.get(CHANGELIST, {"q": assessment.token})
    assert list(response.context["cl"].result_list) == []
    # Ordering takes column numbers of the list only.
    response = consultant_client.get(CHANGELIST, {"o": "token"})
    assert response.status_code in (200, 302)


def test_the_preview_shows_the_plan_without_the_private_link(consultant_client):
    assessment = submitted_assessment()
    url = reverse("admin:assessments_assessment_preview", args=[assessment.pk])
    response = consultant_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Team plan for {assessment.organization.name}" in page
    assert assessment.token not in page
    pdf = consultant_client.get(
        reverse("admin:assessments_assessment_preview_pdf", args=[assessment.pk])
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_preview_is_for_consultants_and_submitted_assessments(
    consultant_client, outsider_client
):
    draft = draft_assessment()
    submitted = submitted_assessment()
    for name in ("preview", "preview_pdf"):
        view = f"admin:assessments_assessment_{name}"
        assert consultant_client.get(reverse(view, args=[draft.pk])).status_code == 404
        assert (
            outsider_client.get(reverse(view, args=[submitted.pk])).status_code == 403
        )
        anonymous = Client().get(reverse(view, args=[submitted.pk]))
        assert anonymous.status_code == 302
