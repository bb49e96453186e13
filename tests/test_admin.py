"""The consultants' workspace in the Django admin."""

import csv
import io
import json
import zipfile
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.choices import Status
from assessments.models import Assessment, Organization
from tests.factories import draft_assessment, example, submitted_assessment

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assessments_assessment_changelist")


def _change_url(assessment) -> str:
    return reverse("admin:assessments_assessment_change", args=[assessment.pk])


@pytest.fixture
def consultant():
    user = User.objects.create_user(
        "carla", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


def _review_data(assessment, **changes) -> dict:
    data = {
        "status": assessment.status,
        "assigned_to": assessment.assigned_to_id or "",
        "override_structure": assessment.override_structure,
        "override_reason": assessment.override_reason,
        "client_comment": assessment.client_comment,
        "internal_notes": assessment.internal_notes,
        "_save": "Save",
    }
    return {**data, **changes}


def _results(response) -> list[Assessment]:
    return list(response.context["cl"].result_list)


# Access ----------------------------------------------------------------


def test_consultants_group_has_exactly_the_needed_permissions():
    codenames = set(
        Group.objects.get(name="Consultants").permissions.values_list(
            "codename", flat=True
        )
    )
    assert codenames == {
        "view_assessment",
        "change_assessment",
        "view_organization",
        "view_historicalassessment",
    }


def test_anonymous_and_non_staff_go_to_the_login_page(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(User.objects.create_user("visitor", password="x"))
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permission_gets_403(client):
    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
    assessment = submitted_assessment()
    assert client.get(_change_url(assessment)).status_code == 403


def test_consultant_cannot_add_or_delete(consultant_client):
    assessment = submitted_assessment()
    assert (
        consultant_client.get(reverse("admin:assessments_assessment_add")).status_code
        == 403
    )
    delete = reverse("admin:assessments_assessment_delete", args=[assessment.pk])
    assert consultant_client.post(delete, {"post": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_admin_login_locks_out_after_repeated_failures(client, consultant):
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "carla", "password": "wrong"})
    response = client.post(
        login, {"username": "carla", "password": "a-long-test-password"}
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_works_with_the_right_password(client, consultant):
    response = client.post(
        reverse("admin:login"),
        {"username": "carla", "password": "a-long-test-password", "next": CHANGELIST},
    )
    assert response.status_code == 302
    assert client.get(CHANGELIST).status_code == 200


# The list --------------------------------------------------------------


def test_list_shows_the_review_columns(consultant_client, consultant):
    assessment = submitted_assessment(**example("product-enterprise"))
    assessment.assigned_to = consultant
    assessment.save()
    page = consultant_client.get(CHANGELIST).content.decode()
    for text in [
        "Helvetia Mutual",
        "Enterprise",
        "Put AI into products",
        "Hybrid: core team plus squads",
        "MLOps engineer: 4",
        "Submitted",
        "carla",
    ]:
        assert text in page


def test_list_query_count_does_not_grow_with_assessments(consultant_client, consultant):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert consultant_client.get(CHANGELIST).status_code == 200
        return len(queries)

    _bulk_assessments(20, consultant)
    small = count_queries()
    _bulk_assessments(380, consultant)
    assert count_queries() == small


def _bulk_assessments(count: int, consultant) -> None:
    template = submitted_assessment()
    organization = template.organization
    rows = []
    for index in range(count):
        rows.append(
            Assessment(
                organization=organization,
                status=Status.IN_REVIEW if index % 2 else Status.SUBMITTED,
                submitted_at=timezone.now(),
                rulebook_version=template.rulebook_version,
                recommended_structure=template.recommended_structure,
                largest_gap_role="data_scientist",
                largest_gap=index % 4,
                assigned_to=consultant if index % 3 else None,
            )
        )
    Assessment.objects.bulk_create(rows)


@pytest.fixture
def varied(consultant):
    small = submitted_assessment(**example("small-product-startup"))
    research = submitted_assessment(**example("research-startup"))
    enterprise = submitted_assessment(**example("product-enterprise"))
    draft = draft_assessment(organization={"name": "Drafty Ltd"})
    enterprise.assigned_to = consultant
    enterprise.status = Status.IN_REVIEW
    enterprise.save()
    Assessment.objects.filter(pk=research.pk).update(
        submitted_at=timezone.now() - timedelta(days=400)
    )
    return {
        "small": small,
        "research": research,
        "enterprise": enterprise,
        "draft": draft,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=draft", {"draft"}),
        ("status__exact=in_review", {"enterprise"}),
        ("organization__stage__exact=enterprise", {"enterprise"}),
        ("ai_focus__exact=research", {"research"}),
        ("recommended_structure__exact=decentralized", {"small"}),
        ("consultant=mine", {"enterprise"}),
        ("consultant=none", {"small", "research", "draft"}),
        ("q=Quanta", {"research"}),
        ("q=Drafty", {"draft"}),
    ],
)
def test_each_filter_and_search(consultant_client, varied, query, expected):
    response = consultant_client.get(f"{CHANGELIST}?{query}")
    names = {key for key, a in varied.items() if a in _results(response)}
    assert names == expected


def test_date_filter_past_year(consultant_client, varied):
    since = timezone.now() - timedelta(days=365)
    query = urlencode({"submitted_at__gte": since.isoformat()})
    response = consultant_client.get(f"{CHANGELIST}?{query}")
    assert varied["research"] not in _results(response)
    assert varied["small"] in _results(response)


def test_search_by_contact(consultant_client, varied):
    Organization.objects.filter(pk=varied["small"].organization_id).update(
        contact_name="Zelda Contact"
    )
    response = consultant_client.get(f"{CHANGELIST}?q=Zelda")
    assert _results(response) == [varied["small"]]


def test_default_ordering_is_newest_submission_first(consultant_client, varied):
    results = _results(consultant_client.get(f"{CHANGELIST}?status__exact=submitted"))
    assert results == [varied["small"], varied["research"]]


# Review ----------------------------------------------------------------


def test_detail_page_shows_answers_advice_and_client_links(consultant_client):
    assessment = submitted_assessment(**example("balanced-large-startup"))
    page = consultant_client.get(_change_url(assessment)).content.decode()
    assert "View on site" in page
    assert "Northwind Mobility" in page
    assert "TeamAdvisor recommends: Hybrid: core team plus squads" in page
    assert "S-LARGE-BALANCED" in page
    assert assessment.get_absolute_url() in page
    assert reverse("assessments:report_pdf", args=[assessment.token]) in page
    assert 'name="ml_use_cases"' not in page  # answers are read-only


def test_override_without_reason_is_refused(consultant_client):
    assessment = submitted_assessment()
    data = _review_data(assessment, override_structure="centralized")
    response = consultant_client.post(_change_url(assessment), data)
    assert response.status_code == 200
    assert "Write why you recommend another structure" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.override_structure == ""


def test_override_to_the_same_structure_is_refused(consultant_client):
    assessment = submitted_assessment()  # decentralized
    data = _review_data(
        assessment, override_structure="decentralized", override_reason="Because."
    )
    response = consultant_client.post(_change_url(assessment), data)
    assert "already TeamAdvisor&#x27;s recommendation" in response.content.decode()


def test_override_with_reason_reaches_client_report_and_pdf(consultant_client, client):
    assessment = submitted_assessment()
    data = _review_data(
        assessment,
        status="reviewed",
        override_structure="centralized",
        override_reason="Your two teams share one data platform.",
        client_comment="Call me before hiring.",
        internal_notes="Budget talk went badly; SECRET-NOTE-42.",
    )
    response = consultant_client.post(_change_url(assessment), data)
    assert response.status_code == 302
    client.logout()
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Your consultant recommends: Centralized team." in page
    assert (
        "TeamAdvisor's own suggestion, shown below, was: Decentralized squads." in page
    )
    assert "Your two teams share one data platform." in page
    assert "Call me before hiring." in page
    assert "SECRET-NOTE-42" not in page
    pdf = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Your consultant recommends: Centralized team." in text
    assert "Your two teams share one data platform." in text
    assert "Call me before hiring." in text
    assert "SECRET-NOTE-42" not in text


def test_consultant_cannot_change_the_answers(consultant_client):
    assessment = submitted_assessment()
    data = _review_data(assessment, ml_use_cases="99", data_scientist="50")
    consultant_client.post(_change_url(assessment), data)
    assessment.refresh_from_db()
    assert assessment.ml_use_cases == 3
    assert assessment.data_scientist == 1


def test_status_cannot_go_back_to_draft(consultant_client):
    assessment = submitted_assessment()
    response = consultant_client.post(
        _change_url(assessment), _review_data(assessment, status="draft")
    )
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


def test_assignment_offers_only_consultants(consultant_client, consultant):
    User.objects.create_user("outsider", password="x", is_staff=True)
    assessment = submitted_assessment()
    page = consultant_client.get(_change_url(assessment)).content.decode()
    assert ">carla<" in page
    assert "outsider" not in page


def test_history_records_who_changed_what(consultant_client):
    assessment = submitted_assessment()
    consultant_client.post(
        _change_url(assessment),
        _review_data(assessment, status="in_review", internal_notes="Called them."),
    )
    page = consultant_client.get(_change_url(assessment)).content.decode()
    history = page.split("No changes recorded yet")[0] if "No changes" in page else page
    assert "carla" in history
    assert "status: submitted → in_review" in history
    assert "internal_notes: — → Called them." in history


# Exports ---------------------------------------------------------------


def _action(client, action: str, assessments) -> object:
    return client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [a.pk for a in assessments],
        },
    )


def test_csv_export_has_answers_advice_and_neutralised_formulas(consultant_client):
    hostile = submitted_assessment(
        organization={
            "name": '=HYPERLINK("http://evil")',
            "industry": "+cmd|' /C calc'!A0",
        }
    )
    normal = submitted_assessment(**example("product-enterprise"))
    response = _action(consultant_client, "export_csv", [hostile, normal])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    by_name = {row["organisation"]: row for row in rows}
    evil = by_name['\'=HYPERLINK("http://evil")']
    assert evil["industry"] == "'+cmd|' /C calc'!A0"
    enterprise = by_name["Helvetia Mutual"]
    assert enterprise["structure"] == "hybrid"
    assert enterprise["alternative"] == "centralized_product"
    assert enterprise["headcount_software_developer"] == "300"
    assert int(enterprise["gap_mlops_engineer"]) > 0
    assert "siloing" in enterprise["high_risks"].split()


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_spreadsheet_safe_neutralises_each_formula_start(start):
    from assessments.exports import spreadsheet_safe

    assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_safe("plain") == "plain"
    assert spreadsheet_safe(-3) == -3


def test_json_export_round_trips_through_teamplan(consultant_client, tmp_path):
    assessments = [
        submitted_assessment(**example(name))
        for name in ("research-startup", "product-enterprise")
    ]
    response = _action(consultant_client, "export_answers", assessments)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(archive.namelist()) == 2
    structures = set()
    for name in archive.namelist():
        path = tmp_path / name
        path.write_bytes(archive.read(name))
        out = io.StringIO()
        call_command("teamplan", str(path), stdout=out)
        structures.add(json.loads(out.getvalue())["structure"]["key"])
    assert structures == {"centralized", "hybrid"}


def test_pdf_export_is_a_zip_of_team_plans(consultant_client):
    done = submitted_assessment(**example("research-startup"))
    draft = draft_assessment()
    response = _action(consultant_client, "export_pdfs", [done, draft])
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names == [f"{done.pk}-quanta-vision.pdf"]
    assert archive.read(names[0]).startswith(b"%PDF")


# Demo data and accounts ------------------------------------------------


def test_seed_demo_covers_every_stage_focus_and_status_and_is_idempotent():
    call_command("seed_demo", assessments=60, stdout=io.StringIO())
    demo = Assessment.objects.filter(organization__is_demo=True)
    assert demo.count() == 60
    assert set(demo.values_list("organization__stage", flat=True)) == {
        "small_startup",
        "large_startup",
        "enterprise",
    }
    assert set(demo.values_list("ai_focus", flat=True)) == {
        "product",
        "research",
        "balanced",
    }
    assert set(demo.values_list("status", flat=True)) == set(Status.values)
    call_command("seed_demo", assessments=60, stdout=io.StringIO())
    assert demo.count() == 60
    call_command("seed_demo", assessments=70, stdout=io.StringIO())
    assert demo.count() == 70
    submitted = demo.exclude(status=Status.DRAFT)
    assert not submitted.filter(recommended_structure="").exists()


def test_create_consultant_makes_a_staff_user_in_the_group(monkeypatch):
    monkeypatch.setenv("CONSULTANT_PASSWORD", "correct-horse-battery")
    call_command(
        "create_consultant", "dora", email="dora@example.com", stdout=io.StringIO()
    )
    user = User.objects.get(username="dora")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name="Consultants").exists()
    assert user.check_password("correct-horse-battery")


def test_create_consultant_refuses_a_weak_password(monkeypatch):
    from django.core.management import CommandError

    monkeypatch.setenv("CONSULTANT_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_consultant", "dora", stdout=io.StringIO())
    assert not User.objects.filter(username="dora").exists()


def test_permission_codenames_exist():
    assert Permission.objects.filter(codename="view_historicalassessment").exists()


def test_history_page_of_an_assessment_opens(consultant_client):
    assessment = submitted_assessment()
    url = reverse("admin:assessments_assessment_history", args=[assessment.pk])
    assert consultant_client.get(url).status_code == 200


def test_reverting_to_an_old_version_is_refused(consultant_client):
    assessment = submitted_assessment()
    record = assessment.history.earliest("history_date")  # still a draft then
    url = reverse(
        "admin:assessments_assessment_simple_history",
        args=[assessment.pk, record.history_id],
    )
    assert consultant_client.get(url).status_code == 200  # looking is fine
    response = consultant_client.post(url, _review_data(record.instance))
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


def test_draft_review_shows_no_private_link_and_no_override(consultant_client):
    draft = draft_assessment()
    page = consultant_client.get(_change_url(draft)).content.decode()
    assert draft.token not in page
    assert "View on site" not in page
    assert 'name="override_structure"' not in page
    assert 'name="internal_notes"' in page  # notes and assignment stay open


def test_nobody_edits_organisation_answers_in_the_admin(consultant_client):
    assessment = submitted_assessment()
    url = reverse(
        "admin:assessments_organization_change", args=[assessment.organization_id]
    )
    response = consultant_client.post(
        url, {"name": "Hacked", "employees": "1", "stage": "enterprise"}
    )
    assert response.status_code == 403
    assessment.organization.refresh_from_db()
    assert assessment.organization.name == "Acme Analytics"


def test_largest_gap_ignores_roles_covered_part_time(consultant_client):
    # Small startup with a full-stack data scientist: MLOps gap 2 is covered.
    assessment = submitted_assessment(**example("small-product-startup"))
    assert (assessment.largest_gap_role, assessment.largest_gap) == (
        "data_scientist",
        1,
    )


def test_unfiltered_list_on_postgresql_is_not_counted_row_by_row(
    consultant_client, consultant, monkeypatch
):
    _bulk_assessments(30, consultant)
    monkeypatch.setattr("assessments.admin.ESTIMATE_ABOVE", 0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assessments_assessment")
    with CaptureQueriesContext(connection) as queries:
        consultant_client.get(CHANGELIST)
    counted = any("COUNT(*)" in q["sql"] for q in queries.captured_queries)
    assert counted == (connection.vendor != "postgresql")
    with CaptureQueriesContext(connection) as queries:
        consultant_client.get(f"{CHANGELIST}?status__exact=submitted")
    assert any("COUNT(*)" in q["sql"] for q in queries.captured_queries)
