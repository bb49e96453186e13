"""Client pages rendered once and served again (assessments/render_cache.py),
and the stored PDF sent from storage.

Each reuse test also changes what the page shows, to prove a page is never
served once it no longer matches the assessment, the URL or the visitor.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import render_cache
from assessments.models import (
    Assessment,
    CostAssumptions,
    Organization,
    SectionDraft,
)
from assessments.selectors import assessment_report
from tests.factories import review_data, submitted_assessment
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db

PLAN = "assessments/_plan.html"
FIELD = "bootstrap5/field.html"  # crispy-forms' template for each field
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _without_csrf(response) -> str:
    """The page without its CSRF tokens, which change with every response."""
    return CSRF_INPUT.sub("", response.content.decode())


def _rendered(response) -> list[str]:
    return [template.name for template in response.templates]


def _organisation_saved(client, post_data) -> str:
    """Start an assessment, save its first step; return that step's URL."""
    url = client.post(reverse("assessments:start")).url
    client.post(url, {**post_data["organisation"], "action": "next"})
    return url


def test_report_is_rendered_once_while_nothing_it_shows_changes(client):
    assessment = submitted_assessment()
    first = client.get(assessment.get_absolute_url())
    second = client.get(assessment.get_absolute_url())
    assert PLAN in _rendered(first)
    assert _rendered(second) == []  # served as rendered for the first
    assert _without_csrf(first) == _without_csrf(second)
    assert "Team plan for Acme Analytics" in second.content.decode()


def test_a_cached_page_carries_each_visitors_own_csrf_token():
    assessment = submitted_assessment()
    url = assessment.get_absolute_url()
    Client().get(url)  # another visitor renders the page first
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    assert _rendered(page) == []
    (token,) = CSRF_INPUT.findall(page.content.decode())
    assert "csrf-slot" not in page.content.decode()
    copy = visitor.post(
        reverse("assessments:copy", args=[assessment.token]),
        {"csrfmiddlewaretoken": token},
    )
    assert copy.status_code == 302  # accepted: the token is this visitor's
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/")  # a CSRF cookie of its own
    refused = stranger.post(
        reverse("assessments:copy", args=[assessment.token]),
        {"csrfmiddlewaretoken": token},
    )
    assert refused.status_code == 403


def test_report_follows_a_consultants_override(client, admin_client):
    assessment = submitted_assessment()
    client.get(assessment.get_absolute_url())  # now cached
    admin_client.post(
        reverse("admin:assessments_assessment_change", args=[assessment.pk]),
        review_data(
            assessment,
            override_structure="centralized",
            override_reason="One platform team first: it is what you can staff.",
            client_comment="We spoke on Tuesday.",
        ),
    )
    assessment.refresh_from_db()
    assert assessment.override_structure == "centralized"
    page = client.get(assessment.get_absolute_url())
    assert PLAN in _rendered(page)  # rendered anew
    text = page.content.decode()
    assert "One platform team first: it is what you can staff." in text
    assert "We spoke on Tuesday." in text


def test_report_of_one_assessment_never_shows_in_another(client):
    first = submitted_assessment(organization={"name": "First Ltd"})
    second = submitted_assessment(organization={"name": "Second Ltd"})
    client.get(first.get_absolute_url())
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Team plan for Second Ltd" in page
    assert "First Ltd" not in page


def test_the_private_link_names_the_host_the_page_was_asked_from(client):
    assessment = submitted_assessment()
    client.get(assessment.get_absolute_url(), HTTP_HOST="localhost")
    page = client.get(assessment.get_absolute_url(), HTTP_HOST="127.0.0.1")
    assert f"http://127.0.0.1{assessment.get_absolute_url()}" in page.content.decode()


def test_section_is_rendered_once_while_its_answers_stay(client, post_data):
    url = _organisation_saved(client, post_data)
    first = client.get(url)
    second = client.get(url)
    assert FIELD in _rendered(first)
    assert _rendered(second) == []
    assert _without_csrf(first) == _without_csrf(second)
    assert 'value="Acme Analytics"' in second.content.decode()


def test_section_shows_newly_saved_answers(client, post_data):
    url = _organisation_saved(client, post_data)
    client.get(url)  # cached with the first name
    client.post(url, {**post_data["organisation"], "name": "Renamed & Co"})
    page = client.get(url).content.decode()
    assert 'value="Renamed &amp; Co"' in page
    assert 'value="Acme Analytics"' not in page


def test_section_opened_from_the_review_is_its_own_page(client, post_data):
    assessment = submitted_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(status="draft")
    url = reverse("assessments:section", args=[assessment.token, "goals"])
    plain = client.get(url).content.decode()
    from_review = client.get(f"{url}?from=review").content.decode()
    assert "Save and return to the review" not in plain
    assert "Save and return to the review" in from_review


def test_section_with_errors_is_rendered_each_time_and_its_draft_shown(
    client, post_data
):
    url = _organisation_saved(client, post_data)
    client.get(url)
    refused = client.post(url, {**post_data["organisation"], "employees": "-3"})
    assert FIELD in _rendered(refused)  # a refused step is never cached
    assert "is-invalid" in refused.content.decode()
    draft = client.get(url).content.decode()
    assert 'value="-3"' in draft  # shown as typed, not the saved answers
    assert 'id="draft-notice"' in draft


def test_a_new_steps_empty_fields_are_rendered_once_for_every_client(client):
    first = client.get(client.post(reverse("assessments:start")).url)
    second = client.get(client.post(reverse("assessments:start")).url)
    assert FIELD in _rendered(first)
    assert "assessments/section.html" in _rendered(second)  # another page...
    assert FIELD not in _rendered(second)  # ...with the same empty fields


def test_the_rendered_cache_is_one_per_process():
    # What is rendered depends on code no key names; a shared cache would
    # keep it across a deploy (see assessments/render_cache.py).
    backend = settings.CACHES["rendered"]["BACKEND"]
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_stored_pdf_is_sent_from_storage(client):
    assessment = submitted_assessment()
    url = reverse("assessments:report_pdf", args=[assessment.token])
    client.get(url)  # stored now, if not at submit
    response = client.get(url)
    assert isinstance(response, FileResponse)  # streamed, not read into memory
    folder = f"team-plans/{assessment.token}"
    (name,) = default_storage.listdir(folder)[1]
    with default_storage.open(f"{folder}/{name}", "rb") as stored:
        assert response.getvalue() == stored.read()
    assert int(response["Content-Length"]) == default_storage.size(f"{folder}/{name}")


# What a page shows, read in one query ------------------------------------------


def test_the_state_query_names_the_models_tables():
    tables = set(re.findall(r"(?:FROM|JOIN) (\w+)", render_cache.STATE_SQL))
    assert tables == {
        model._meta.db_table
        for model in (
            Assessment,
            Organization,
            SectionDraft,
            CostAssumptions,
            get_user_model(),
        )
    }


def test_the_state_changes_with_everything_a_page_shows(admin_user):
    assessment = submitted_assessment()
    other = submitted_assessment()
    token = assessment.token
    seen = [render_cache.stored_state(token)]

    def changed() -> bool:
        seen.append(render_cache.stored_state(token))
        return seen[-1] != seen[-2]

    Assessment.objects.filter(pk=other.pk).update(client_comment="Elsewhere")
    assert not changed()  # another assessment's rows are not this page's
    Organization.objects.filter(pk=assessment.organization_id).update(
        contact_email="new@example.com"
    )
    assert changed()
    SectionDraft.objects.create(assessment=assessment, section="goals", data={})
    assert changed()
    Assessment.objects.filter(pk=assessment.pk).update(assigned_to=admin_user)
    assert changed()
    get_user_model().objects.filter(pk=admin_user.pk).update(first_name="Ada")
    assert changed()  # the consultant's name is on the plan
    CostAssumptions.objects.create(currency="EUR", yearly_cost={}, active=True)
    assert changed()
    Assessment.objects.filter(pk=assessment.pk).update(copied_from=other)
    assert changed()
    Assessment.objects.filter(pk=other.pk).update(submitted_at=timezone.now())
    assert changed()  # a copy's pages name its origin's date
    assert render_cache.stored_state("no-such-token") is None


def test_a_page_is_not_kept_if_its_rows_changed_while_it_rendered(client, monkeypatch):
    assessment = submitted_assessment()
    real = render_cache.render_to_string

    def render_while_renamed(*args, **kwargs):
        html = real(*args, **kwargs)
        Organization.objects.filter(pk=assessment.organization_id).update(
            name="Renamed meanwhile"
        )
        return html

    monkeypatch.setattr(render_cache, "render_to_string", render_while_renamed)
    client.get(assessment.get_absolute_url())
    monkeypatch.undo()
    page = client.get(assessment.get_absolute_url())
    assert PLAN in _rendered(page)  # the first was not kept
    assert "Team plan for Renamed meanwhile" in page.content.decode()


def test_a_stored_pdf_is_found_again_with_one_query(client, django_assert_num_queries):
    assessment = submitted_assessment()
    url = reverse("assessments:report_pdf", args=[assessment.token])
    first = client.get(url).getvalue()
    with django_assert_num_queries(1):  # what the plan shows, nothing else
        again = client.get(url)
    assert again.getvalue() == first
    assert again["Content-Disposition"] == (
        'attachment; filename="team-plan-acme-analytics.pdf"'
    )


def test_a_pdf_removed_from_storage_is_rendered_again(client):
    assessment = submitted_assessment()
    url = reverse("assessments:report_pdf", args=[assessment.token])
    client.get(url)  # its name is now kept
    folder = f"team-plans/{assessment.token}"
    for name in default_storage.listdir(folder)[1]:
        default_storage.delete(f"{folder}/{name}")
    response = client.get(url)
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF")


def test_unknown_links_are_not_found(client):
    for url in ("/a/" + "x" * 43 + "/", "/a/" + "x" * 43 + "/team-plan.pdf"):
        assert client.get(url).status_code == 404
    assert client.get("/a/" + "x" * 43 + "/goals/").status_code == 404


# The PDF by its revision, as the report links to it -----------------------------


def _pdf_link(client, assessment) -> str:
    page = client.get(assessment.get_absolute_url()).content.decode()
    (link,) = re.findall(r'href="([^"]+\.pdf)"', page)
    return link


def test_the_report_links_to_its_pdf_by_revision(client):
    assessment = submitted_assessment(organization={"name": "Acme & Söhne"})
    revision = assessment_report(assessment).revision
    assert _pdf_link(client, assessment) == reverse(
        "assessments:stored_pdf",
        args=[assessment.token, revision, "team-plan-acme-sohne"],
    )


def test_a_stored_revision_is_sent_without_a_query(client, django_assert_num_queries):
    assessment = submitted_assessment()
    current = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    link = _pdf_link(client, assessment)
    with django_assert_num_queries(0):
        response = client.get(link)
    assert isinstance(response, FileResponse)
    assert response.getvalue() == current.getvalue()
    assert response["Content-Disposition"] == current["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_a_revision_no_longer_stored_leads_to_the_current_pdf(client, admin_client):
    assessment = submitted_assessment()
    client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    old_link = _pdf_link(client, assessment)
    admin_client.post(
        reverse("admin:assessments_assessment_change", args=[assessment.pk]),
        review_data(assessment, client_comment="A new comment, a new revision."),
    )
    current = reverse("assessments:report_pdf", args=[assessment.token])
    assert "A new comment" in pdf_text(client.get(current).getvalue())
    response = client.get(old_link)  # its file was replaced by the new revision's
    assert response.status_code == 302 and response.url == current
    assert _pdf_link(client, assessment) != old_link


def test_a_made_up_revision_or_link_finds_no_pdf(client):
    assessment = submitted_assessment()
    made_up = reverse(
        "assessments:stored_pdf", args=[assessment.token, "0" * 32, "team-plan-x"]
    )
    assert client.get(made_up).status_code == 302
    unknown = reverse("assessments:stored_pdf", args=["x" * 43, "0" * 32, "team-plan"])
    assert client.get(unknown, follow=True).status_code == 404
    for bad in ("../../etc/passwd", "0" * 31, "G" * 32):
        url = f"/a/{assessment.token}/plans/{bad}/team-plan.pdf"
        assert client.get(url).status_code == 404


def test_a_deleted_assessments_pdfs_go_with_it(
    client, django_capture_on_commit_callbacks
):
    assessment = submitted_assessment()
    client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    link = _pdf_link(client, assessment)
    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assessment.delete()
    assert default_storage.listdir(f"team-plans/{assessment.token}")[1] == []
    assert client.get(link, follow=True).status_code == 404


def test_pages_with_made_up_query_strings_are_never_kept(client):
    assessment = submitted_assessment()
    url = assessment.get_absolute_url()
    for _ in range(2):
        assert PLAN in _rendered(client.get(f"{url}?utm_source=mail"))
    client.get(url)
    assert _rendered(client.get(url)) == []  # the plain page is kept


def test_a_kept_step_is_not_served_once_the_assessment_is_submitted(client):
    assessment = submitted_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(status="draft")
    url = reverse("assessments:section", args=[assessment.token, "goals"])
    assert client.get(url).status_code == 200  # kept
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    response = client.get(url)
    assert response.status_code == 302 and response.url == assessment.get_absolute_url()


def _on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the prepared statement is PostgreSQL's")


@pytest.mark.django_db(transaction=True)
def test_a_lost_prepared_statement_is_prepared_again(client):
    _on_postgresql()
    assessment = submitted_assessment()
    assert render_cache.stored_state(assessment.token) is not None  # prepared
    with connection.cursor() as cursor:  # as a pooler resetting sessions would
        cursor.execute("DEALLOCATE teamadvisor_page_state")
    assert client.get(assessment.get_absolute_url()).status_code == 200


def test_without_prepared_statements_the_state_is_the_same(settings):
    _on_postgresql()
    assessment = submitted_assessment()
    prepared = render_cache.stored_state(assessment.token)
    settings.TEAMADVISOR_PREPARED_STATEMENTS = False
    assert render_cache.stored_state(assessment.token) == prepared
