"""The consultants' workspace in the Django admin."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.advice import parse_answers
from assessments.choices import AiFocus, Stage, Status, Structure
from assessments.management.commands.seed_demo import demo_profile
from assessments.models import Assessment, ExportJob, Organization
from assessments.selectors import assessment_report
from tests.factories import (
    draft_assessment,
    example,
    review_data,
    submitted_assessment,
)
from tests.pdf_helpers import pdf_text
from tests.test_export_jobs import _readonly

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


def _results(response) -> list[Assessment]:
    return list(response.context["cl"].result_list)


class _TableRows(HTMLParser):
    """The rows of the element with a given id: each a list of (class, text)."""

    VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id = element_id
        self.depth = 0  # > 0 inside the element
        self.found = False
        self.text: list[str] = []
        self.rows: list[list[tuple[str, str]]] = []
        self.cell: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if not self.depth:
            if attrs.get("id") == self.element_id:
                self.depth, self.found = 1, True
            return
        if tag not in self.VOID:
            self.depth += 1
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.cell = (attrs.get("class") or "", [])
        elif tag == "li" and self.cell:
            self.cell[1].append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)  # void: no end tag to wait for

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell:
            css, parts = self.cell
            self.rows[-1].append((css, "".join(parts)))
            self.cell = None
        self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self.cell:
                self.cell[1].append(data)


def _element(page: str, element_id: str) -> _TableRows:
    parser = _TableRows(element_id)
    parser.feed(page)
    parser.close()
    assert parser.found, f"no #{element_id} on the page"
    return parser


def _squash(text: str) -> str:
    return " ".join(text.split())


def _result_rows(page: str) -> list[dict[str, str]]:
    """The changelist's result rows only: {column: text} per assessment."""
    rows = []
    for row in _element(page, "result_list").rows:
        cells = {
            css.split()[0].removeprefix("field-"): _squash(text)
            for css, text in row
            if css.startswith("field-")
        }
        if cells:  # the header row has column-… cells only
            rows.append(cells)
    return rows


def _history_rows(page: str) -> list[dict]:
    """The review history on the detail page, newest first."""
    rows = []
    for row in _element(page, "review-history").rows:
        if len(row) != 3 or not row[0][1].strip() or row[0][1] == "When":
            continue
        (_, when), (_, who), (_, change) = row
        lines = [_squash(line) for line in change.split("\n") if line.strip()]
        rows.append({"when": when.strip(), "who": who.strip(), "changes": lines})
    return rows


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
        # Cost assumptions (tests/test_cost_assumptions.py): no delete there.
        "view_costassumptions",
        "add_costassumptions",
        "change_costassumptions",
        "view_historicalcostassumptions",
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
    # Only the result table counts: stage, focus and status labels are also
    # filter choices in the sidebar, and the username is in the page header.
    assessment = submitted_assessment(**example("product-enterprise"))
    assessment.assigned_to = consultant
    assessment.save()
    [row] = _result_rows(consultant_client.get(CHANGELIST).content.decode())
    assert row["organisation"] == "Helvetia Mutual"
    assert row["stage_and_focus"] == (
        f"{Stage.ENTERPRISE.label} · {AiFocus.PRODUCT.label}"
    )
    assert row["structure"] == Structure(assessment.recommended_structure).label
    assert row["largest_gap_display"] == "MLOps engineer: 4"
    assert row["status"] == Status.SUBMITTED.label
    assert row["assigned_to"] == "carla"
    # The day only: a short column, so the list fits 1280 px.
    assert (
        row["submitted_on"] == timezone.localdate(assessment.submitted_at).isoformat()
    )


def test_list_structure_column_shows_override_and_suggestion(consultant_client):
    assessment = submitted_assessment()
    ours = Structure(assessment.recommended_structure)
    other = next(choice for choice in Structure if choice != ours)
    assessment.override_structure = other
    assessment.override_reason = "One shared platform."
    assessment.save()
    page = consultant_client.get(CHANGELIST).content.decode()
    [row] = _result_rows(page)
    # TeamAdvisor's own choice is in the cell's tooltip: the column stays short.
    assert row["structure"] == f"{other.label} (consultant)"
    assert f'<span title="TeamAdvisor: {ours.label}">(consultant)</span>' in page


def test_list_sorts_by_the_structure_the_client_is_told(consultant_client):
    overridden = submitted_assessment()  # decentralized
    overridden.override_structure = "centralized"
    overridden.override_reason = "One shared platform."
    overridden.save()
    plain = submitted_assessment()
    response = consultant_client.get(CHANGELIST)
    column = response.context["cl"].list_display.index("structure")
    ascending = _results(consultant_client.get(f"{CHANGELIST}?o={column}"))
    assert ascending == [overridden, plain]  # centralized < decentralized
    descending = _results(consultant_client.get(f"{CHANGELIST}?o=-{column}"))
    assert descending == [plain, overridden]


def test_draft_row_shows_no_advice(consultant_client):
    draft_assessment()
    [row] = _result_rows(consultant_client.get(CHANGELIST).content.decode())
    assert row["status"] == Status.DRAFT.label
    assert row["structure"] == "—"
    assert row["largest_gap_display"] == "—"
    assert row["assigned_to"] == "-"  # the admin's own empty value
    assert row["submitted_on"] == "—"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status__exact=in_review&consultant=mine",
        "?structure=decentralized&organization__stage__exact=small_startup",
    ],
    ids=["unfiltered", "status-and-mine", "structure-and-stage"],
)
def test_list_query_count_does_not_grow_with_assessments(
    consultant_client, consultant, query
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = consultant_client.get(CHANGELIST + query)
        assert response.status_code == 200
        assert _results(response)  # the filter matched some rows
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
        ("structure=decentralized", {"small"}),
        ("structure=centralized", {"research"}),
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


def test_structure_filter_uses_the_consultants_override(consultant_client, varied):
    enterprise = varied["enterprise"]
    ours = enterprise.recommended_structure
    other = next(key for key in Structure.values if key != ours)
    enterprise.override_structure = other
    enterprise.override_reason = "They are merging their product teams."
    enterprise.save()

    def names(structure: str) -> set[str]:
        response = consultant_client.get(f"{CHANGELIST}?structure={structure}")
        return {key for key, a in varied.items() if a in _results(response)}

    assert "enterprise" in names(other)
    assert "enterprise" not in names(ours)
    # Every submitted assessment is under exactly one structure; drafts none.
    found = [name for key in Structure.values for name in names(key)]
    assert sorted(found) == ["enterprise", "research", "small"]


def test_structure_filter_offers_every_structure(consultant_client):
    response = consultant_client.get(CHANGELIST)
    [spec] = [f for f in response.context["cl"].filter_specs if f.title == "structure"]
    assert [key for key, _label in spec.lookup_choices] == Structure.values


def test_default_ordering_is_newest_submission_first(consultant_client, varied):
    results = _results(consultant_client.get(f"{CHANGELIST}?status__exact=submitted"))
    assert results == [varied["small"], varied["research"]]


def test_default_ordering_puts_drafts_after_submissions(consultant_client, varied):
    # PostgreSQL sorts NULLs (a draft's submission date) first when descending
    # unless told otherwise; the list and its index say NULLS LAST.
    later_draft = draft_assessment(organization={"name": "Second Draft"})
    results = _results(consultant_client.get(CHANGELIST))
    assert results == [
        varied["enterprise"],
        varied["small"],
        varied["research"],
        later_draft,
        varied["draft"],
    ]


def test_date_hierarchy_drills_down_year_month_day(consultant_client):
    dates = {
        "march-5": datetime(2024, 3, 5, 12, tzinfo=UTC),
        "march-20": datetime(2024, 3, 20, 12, tzinfo=UTC),
        "july": datetime(2024, 7, 1, 12, tzinfo=UTC),
        "next-year": datetime(2025, 1, 10, 12, tzinfo=UTC),
    }
    made = {}
    for name, when in dates.items():
        assessment = submitted_assessment()
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when)
        made[name] = assessment
    draft_assessment()

    def names(query: str) -> set[str]:
        response = consultant_client.get(f"{CHANGELIST}?{query}")
        assert response.status_code == 200
        return {key for key, a in made.items() if a in _results(response)}

    top = consultant_client.get(CHANGELIST).content.decode()
    assert "submitted_at__year=2024" in top
    assert "submitted_at__year=2025" in top
    year = "submitted_at__year=2024"
    assert names(year) == {"march-5", "march-20", "july"}
    month = f"{year}&submitted_at__month=3"
    assert names(month) == {"march-5", "march-20"}
    assert names(f"{month}&submitted_at__day=5") == {"march-5"}


# Review ----------------------------------------------------------------


def test_detail_page_shows_answers_advice_and_preview_links(consultant_client):
    assessment = submitted_assessment(**example("balanced-large-startup"))
    page = consultant_client.get(_change_url(assessment)).content.decode()
    assert "Northwind Mobility" in page
    assert "TeamAdvisor recommends: Hybrid: core team plus squads" in page
    assert "S-LARGE-BALANCED" in page
    preview = reverse("admin:assessments_assessment_preview", args=[assessment.pk])
    assert f"href='{preview}'" in page
    assert f"href='{preview}team-plan.pdf'" in page
    # The client's private link is theirs alone: not on the consultant's page.
    assert "View on site" not in page
    assert assessment.token not in page
    assert 'name="ml_use_cases"' not in page  # answers are read-only


def test_override_without_reason_is_refused(consultant_client):
    assessment = submitted_assessment()
    data = review_data(assessment, override_structure="centralized")
    response = consultant_client.post(_change_url(assessment), data)
    assert response.status_code == 200
    assert "Write why you recommend another structure" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.override_structure == ""


def test_override_to_the_same_structure_is_refused(consultant_client):
    assessment = submitted_assessment()  # decentralized
    data = review_data(
        assessment, override_structure="decentralized", override_reason="Because."
    )
    response = consultant_client.post(_change_url(assessment), data)
    assert "already TeamAdvisor&#x27;s recommendation" in response.content.decode()


def test_override_with_reason_reaches_client_report_and_pdf(consultant_client, client):
    assessment = submitted_assessment()
    data = review_data(
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
    ours = Structure(assessment.recommended_structure).label
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert '<dd class="recommended-structure">Centralized team</dd>' in page
    assert f'<dd class="teamadvisor-structure">{ours}</dd>' in page
    # The whole plan is the consultant's: a centralized team's transition.
    transition = page.split('id="transition-title"')[1].split("</section>")[0]
    assert "From today's “No ML team yet” to “Centralized team”." in transition
    assert "Your two teams share one data platform." in page
    assert "Call me before hiring." in page
    assert "SECRET-NOTE-42" not in page
    pdf = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    text = _squash(pdf_text(pdf.getvalue()))
    assert "Your consultant recommends one central ML team" in text
    assert "Why your consultant chose differently:" in text
    assert "Your two teams share one data platform." in text
    assert "Call me before hiring." in text
    assert "SECRET-NOTE-42" not in text


def test_consultant_cannot_change_the_answers(consultant_client):
    assessment = submitted_assessment()
    data = review_data(assessment, ml_use_cases="99", data_scientist="50")
    response = consultant_client.post(_change_url(assessment), data)
    # The review is saved; the answer fields are not part of the form.
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.ml_use_cases == 3
    assert assessment.data_scientist == 1


def test_status_cannot_go_back_to_draft(consultant_client):
    assessment = submitted_assessment()
    response = consultant_client.post(
        _change_url(assessment), review_data(assessment, status="draft")
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


def _second_consultant() -> User:
    user = User.objects.create_user("dan", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


def test_history_records_who_changed_what(client, consultant):
    assessment = submitted_assessment()
    client.force_login(consultant)
    response = client.post(
        _change_url(assessment),
        review_data(
            assessment,
            status="in_review",
            assigned_to=consultant.pk,
            internal_notes="Called them.",
        ),
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    other = Structure(
        next(key for key in Structure.values if key != assessment.recommended_structure)
    )
    client.force_login(_second_consultant())
    response = client.post(
        _change_url(assessment),
        review_data(
            assessment,
            override_structure=other.value,
            override_reason="One shared data platform.",
            client_comment="Call me first.",
        ),
    )
    assert response.status_code == 302

    # Who changed what is read in the history block only: the page header
    # names the user looking at it.
    client.force_login(consultant)
    page = client.get(_change_url(assessment)).content.decode()
    override, review, submit, created = _history_rows(page)
    assert override["who"] == "dan"
    assert override["changes"] == [
        f"Consultant's structure: — → {other.label}",
        "Reason for the override: — → One shared data platform.",
        "Comment for the client: — → Call me first.",
    ]
    assert review["who"] == "carla"
    assert review["changes"] == [
        "Status: Submitted → In review",
        "Consultant: — → carla",
        "Internal notes: — → Called them.",
    ]
    assert submit["who"] == "client"
    assert submit["changes"] == ["Status: Draft → Submitted"]
    assert created["changes"] == ["Status: — → Draft"]


def test_history_shows_unassigning_and_a_deleted_consultant(consultant_client):
    dan = _second_consultant()
    assessment = submitted_assessment()
    url = _change_url(assessment)
    consultant_client.post(url, review_data(assessment, assigned_to=dan.pk))
    assessment.refresh_from_db()
    consultant_client.post(url, review_data(assessment, assigned_to=""))
    page = consultant_client.get(url).content.decode()
    unassigned, assigned, *_ = _history_rows(page)
    assert unassigned["changes"] == ["Consultant: dan → —"]
    assert assigned["changes"] == ["Consultant: — → dan"]
    dan_id = dan.pk
    dan.delete()
    page = consultant_client.get(url).content.decode()
    unassigned, assigned, *_ = _history_rows(page)
    assert assigned["changes"] == [f"Consultant: — → Deleted user (pk={dan_id})"]


def test_history_shows_long_notes_in_full(consultant_client):
    assessment = submitted_assessment()
    notes = "Called them on Monday. " + "x" * 4000 + " Agreed the plan."
    url = _change_url(assessment)
    consultant_client.post(url, review_data(assessment, internal_notes=notes))
    page = consultant_client.get(url).content.decode()
    newest = _history_rows(page)[0]
    assert newest["changes"] == [f"Internal notes: — → {notes}"]


# Exports ---------------------------------------------------------------


def _action(client, action: str, assessments) -> object:
    return client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [a.pk for a in assessments],
        },
    )


def _answers_export(client, assessments, capture) -> tuple[ExportJob, zipfile.ZipFile]:
    """Run the answers export action and its job (a background task, run at
    once here when the request commits): the job and its ZIP."""
    with capture(execute=True):
        _action(client, "export_answers", assessments)
    job = ExportJob.objects.get()
    url = reverse("admin:assessments_exportjob_download", args=[job.pk])
    content = b"".join(client.get(url).streaming_content)
    return job, zipfile.ZipFile(io.BytesIO(content))


def test_json_export_round_trips_through_teamplan(
    consultant_client, tmp_path, django_capture_on_commit_callbacks
):
    names = ("research-startup", "product-enterprise", "balanced-large-startup")
    assessments = {submitted_assessment(**example(name)): name for name in names}
    _job, archive = _answers_export(
        consultant_client, list(assessments), django_capture_on_commit_callbacks
    )
    assert len(archive.namelist()) == len(names)
    for assessment, name in assessments.items():
        prefix = f"{assessment.pk}-"
        [filename] = [f for f in archive.namelist() if f.startswith(prefix)]
        path = tmp_path / filename
        path.write_bytes(archive.read(filename))
        exported = json.loads(path.read_text())
        original = parse_answers(example(name))
        assert parse_answers(exported) == original
        # The same answers file, pain points in the engine's canonical order.
        assert exported == json.loads(json.dumps(original.to_dict()))
        out = io.StringIO()
        call_command("teamplan", str(path), stdout=out)
        advice = assessment_report(assessment).advice.to_dict()
        assert json.loads(out.getvalue()) == json.loads(json.dumps(advice))


def test_json_export_skips_drafts_and_says_so_on_the_exports_page(
    consultant_client, django_capture_on_commit_callbacks
):
    done = submitted_assessment(**example("research-startup"))
    drafts = [draft_assessment(), draft_assessment()]
    job, archive = _answers_export(
        consultant_client, [done, *drafts], django_capture_on_commit_callbacks
    )
    assert archive.namelist() == [f"{done.pk}-quanta-vision.json"]
    page = consultant_client.get(
        reverse("admin:assessments_exportjob_change", args=[job.pk])
    ).content.decode()
    assert _readonly(page, "result") == (
        "Download the ZIP (1 answers file). Skipped 2 drafts: a draft has no "
        "answers file until the client submits it."
    )


def test_json_export_of_drafts_only_is_refused(consultant_client):
    response = _action(consultant_client, "export_answers", [draft_assessment()])
    assert response.status_code == 302  # back to the list, with a message
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Drafts have no answers file yet."]


# Demo data and accounts ------------------------------------------------


@pytest.mark.parametrize("count", [4, 5, 7])
def test_seed_demo_covers_everything_with_few_assessments(count):
    call_command("seed_demo", assessments=count, stdout=io.StringIO())
    demo = Assessment.objects.filter(organization__is_demo=True)
    assert demo.count() == count
    assert set(demo.values_list("organization__stage", flat=True)) == set(Stage.values)
    assert set(demo.values_list("ai_focus", flat=True)) == set(AiFocus.values)
    assert set(demo.values_list("status", flat=True)) == set(Status.values)
    # Bulk-created: demo rows have no history.
    assert not Assessment.history.filter(id__in=demo.values("id")).exists()


def test_seed_demo_profiles_cover_everything_from_four_on():
    for count in range(4, 80):
        profiles = [demo_profile(index) for index in range(count)]
        assert {stage for stage, _, _ in profiles} == set(Stage.values)
        assert {focus for _, focus, _ in profiles} == set(AiFocus.values)
        assert {status for _, _, status in profiles} == set(Status.values)
    every = {demo_profile(index) for index in range(72)}
    assert len(every) == len(Stage) * len(AiFocus) * len(Status)


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


def _history_url(assessment) -> str:
    return reverse("admin:assessments_assessment_history", args=[assessment.pk])


def test_history_page_lists_who_changed_what(consultant_client):
    assessment = submitted_assessment()
    consultant_client.post(
        _change_url(assessment), review_data(assessment, status="in_review")
    )
    response = consultant_client.get(_history_url(assessment))
    assert response.status_code == 200
    table = _element(response.content.decode(), "change-history")
    rows = [[_squash(text) for _css, text in row] for row in table.rows[1:]]
    by_carla = [row for row in rows if "carla" in row]
    assert len(by_carla) == 1
    assert "Status: Submitted → In review" in by_carla[0][-1]


def test_history_needs_the_history_view_permission(client):
    # view_assessment alone opens the list and detail page, not the history:
    # SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS makes the history model's
    # own view permission count.
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_assessment"))
    client.force_login(user)
    assessment = submitted_assessment()
    assert client.get(_history_url(assessment)).status_code == 403
    record = assessment.history.earliest("history_date")
    version = reverse(
        "admin:assessments_assessment_simple_history",
        args=[assessment.pk, record.history_id],
    )
    assert client.get(version).status_code == 403
    page = client.get(_change_url(assessment)).content.decode()
    assert 'id="review-history"' not in page

    user.user_permissions.add(
        Permission.objects.get(codename="view_historicalassessment")
    )
    client.force_login(User.objects.get(pk=user.pk))  # fresh permission cache
    assert client.get(_history_url(assessment)).status_code == 200
    page = client.get(_change_url(assessment)).content.decode()
    assert 'id="review-history"' in page


def test_consultant_opens_an_organisations_contact_details(consultant_client):
    # What view_organization is for: the organisations list, searchable by
    # contact, and each organisation's read-only page.
    assessment = submitted_assessment()
    Organization.objects.filter(pk=assessment.organization_id).update(
        contact_email="ada@example.com"
    )
    listing = reverse("admin:assessments_organization_changelist")
    response = consultant_client.get(f"{listing}?q=ada@example.com")
    assert list(response.context["cl"].result_list) == [assessment.organization]
    url = reverse(
        "admin:assessments_organization_change", args=[assessment.organization_id]
    )
    response = consultant_client.get(url)
    assert response.status_code == 200
    assert "ada@example.com" in response.content.decode()


def test_reverting_to_an_old_version_is_refused(consultant_client):
    assessment = submitted_assessment()
    record = assessment.history.earliest("history_date")  # still a draft then
    url = reverse(
        "admin:assessments_assessment_simple_history",
        args=[assessment.pk, record.history_id],
    )
    assert consultant_client.get(url).status_code == 200  # looking is fine
    response = consultant_client.post(url, review_data(record.instance))
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
    monkeypatch.setattr("assessments.admin.assessments.ESTIMATE_ABOVE", 0)
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
