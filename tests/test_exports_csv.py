"""The consultants' CSV export: readable by a person, parseable by a script.

Expected values are typed here from the questionnaire's vocabulary and the
answers each test gives, not recomputed with ``assessments.exports``.
"""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import exports, questions, services
from assessments.choices import Status
from assessments.models import Assessment, Organization
from assessments.questions import QUESTIONS, Question
from assessments.selectors import assessment_report
from tests.factories import draft_assessment, example, submitted_assessment
from tests.hostile_inputs import HOSTILE_TEXT

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assessments_assessment_changelist")

HEADER = [
    "Assessment ID",
    "Organisation",
    "Industry",
    "Number of employees",
    "Stage",
    "Stage (key)",
    "Regulated sector",
    "Regulated sector (key)",
    "Contact name",
    "Contact email",
    "Status",
    "Status (key)",
    "Submitted at",
    "Consultant",
    "AI focus",
    "AI focus (key)",
    "ML use cases planned",
    "Product teams using ML",
    "Dedicated ML budget",
    "Dedicated ML budget (key)",
    "Current structure",
    "Current structure (key)",
    "Has an ML lead",
    "Has an ML lead (key)",
    "Data analysts",
    "Data engineers",
    "Data scientists",
    "Research / applied scientists",
    "MLOps engineers",
    "Software developers",
    "Full-stack data scientists",
    "Pain points",
    "Pain points (keys)",
    "Rulebook version",
    "TeamAdvisor's structure",
    "TeamAdvisor's structure (key)",
    "Alternative structure",
    "Alternative structure (key)",
    "Consultant's structure",
    "Consultant's structure (key)",
    "Reason for the override",
    "Comment for the client",
    "Gap: Data analysts",
    "Gap: Data engineers",
    "Gap: Data scientists",
    "Gap: Research / applied scientists",
    "Gap: MLOps engineers",
    "Gap: Software developers",
    "High risks",
    "High risks (keys)",
]

# The cells of every question for ``_helvetia()``, by the question's field.
HELVETIA_ANSWERS = {
    "name": {"Organisation": "Helvetia Mutual"},
    "industry": {"Industry": "insurance"},
    "employees": {"Number of employees": "6000"},
    "stage": {"Stage": "Enterprise", "Stage (key)": "enterprise"},
    "regulated": {"Regulated sector": "Yes", "Regulated sector (key)": "yes"},
    "contact_name": {"Contact name": "Ada Client"},
    "contact_email": {"Contact email": "ada@example.com"},
    "ai_focus": {"AI focus": "Put AI into products", "AI focus (key)": "product"},
    "ml_use_cases": {"ML use cases planned": "24"},
    "product_teams": {"Product teams using ML": "8"},
    "dedicated_ml_budget": {
        "Dedicated ML budget": "Yes",
        "Dedicated ML budget (key)": "yes",
    },
    "current_structure": {
        "Current structure": "Decentralized squads",
        "Current structure (key)": "decentralized",
    },
    "has_ml_lead": {"Has an ML lead": "Yes", "Has an ML lead (key)": "yes"},
    "data_analyst": {"Data analysts": "10"},
    "data_engineer": {"Data engineers": "6"},
    "data_scientist": {"Data scientists": "9"},
    "research_scientist": {"Research / applied scientists": "0"},
    "mlops_engineer": {"MLOps engineers": "2"},
    "software_developer": {"Software developers": "12"},
    "full_stack_data_scientists": {"Full-stack data scientists": "0"},
    "pain_points": {
        "Pain points": "ML work happens in silos; Teams fight over the same people",
        "Pain points (keys)": "silos resource_conflicts",
    },
}

ADVICE_COLUMNS = [
    "Rulebook version",
    "TeamAdvisor's structure",
    "TeamAdvisor's structure (key)",
    "Alternative structure",
    "Alternative structure (key)",
    "Gap: Data analysts",
    "Gap: Data engineers",
    "Gap: Data scientists",
    "Gap: Research / applied scientists",
    "Gap: MLOps engineers",
    "Gap: Software developers",
    "High risks",
    "High risks (keys)",
]


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


def _export(client, assessments) -> tuple[list[str], list[dict[str, str]]]:
    """The admin's CSV action on ``assessments``: the header and the rows."""
    response = client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [a.pk for a in assessments]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    # Streamed: no request builds the whole file before sending it.
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def _rows(client, assessments) -> list[dict[str, str]]:
    return _export(client, assessments)[1]


def _helvetia() -> Assessment:
    assessment = submitted_assessment(**example("product-enterprise"))
    Organization.objects.filter(pk=assessment.organization_id).update(
        contact_name="Ada Client", contact_email="ada@example.com"
    )
    return assessment


# The header ------------------------------------------------------------


def test_header_row_is_in_the_questionnaires_words(consultant_client):
    header, rows = _export(consultant_client, [submitted_assessment()])
    assert header == HEADER
    assert len(rows) == 1


def test_an_empty_selection_still_has_the_header():
    text = exports.assessments_csv(Assessment.objects.none())
    assert list(csv.reader(io.StringIO(text, newline=""))) == [HEADER]


def test_every_question_has_its_columns_holding_its_answer(consultant_client):
    # A question added to questions.py without a column here fails this test.
    assert set(HELVETIA_ANSWERS) == {q.field for q in QUESTIONS}
    header, [row] = _export(consultant_client, [_helvetia()])
    left = dict(row)
    for question in QUESTIONS:
        for column, expected in HELVETIA_ANSWERS[question.field].items():
            assert left.pop(column) == expected, column
    # What is left is the assessment's id, review and advice: no answer.
    assert list(left) == [
        "Assessment ID",
        "Status",
        "Status (key)",
        "Submitted at",
        "Consultant",
        *ADVICE_COLUMNS[:5],
        "Consultant's structure",
        "Consultant's structure (key)",
        "Reason for the override",
        "Comment for the client",
        *ADVICE_COLUMNS[5:],
    ]


# A question as someone might add it: coded, so it gets a label and a key.
NEW = Question(
    field="ml_budget_band",
    owner="assessment",
    path="ml_budget_band",
    section="goals",
    label="How much of the IT budget goes to ML?",
    help="Roughly.",
    kind="choice",
    noun="the share of the IT budget that goes to ML",
    choices=(("small", "Under 5%"), ("large", "5% or more")),
)


def test_a_new_question_gets_its_columns_without_touching_the_export(monkeypatch):
    monkeypatch.setattr(questions, "QUESTIONS", (*QUESTIONS, NEW))
    assessment = draft_assessment()
    assessment.ml_budget_band = "large"  # the column its migration would add
    header, row = csv.reader(io.StringIO(exports.assessments_csv([assessment])))
    cells = dict(zip(header, row, strict=True))
    at = header.index("Pain points (keys)") + 1
    assert header[at : at + 2] == [
        "How much of the IT budget goes to ML?",
        "How much of the IT budget goes to ML? (key)",
    ]
    assert cells["How much of the IT budget goes to ML?"] == "5% or more"
    assert cells["How much of the IT budget goes to ML? (key)"] == "large"


# Labels and keys -------------------------------------------------------


def test_a_reviewed_assessment_in_labels_and_keys(consultant_client):
    consultant = User.objects.create_user(
        "dan", first_name="Dan", last_name="Okafor", is_staff=True
    )
    assessment = submitted_assessment()  # Acme Analytics, a small startup
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.IN_REVIEW,
        submitted_at=datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=UTC),
        assigned_to=consultant,
        override_structure="hybrid",
        override_reason="They plan three product teams next year.",
        client_comment="Start with the data engineer.",
    )
    [row] = _rows(consultant_client, [assessment])
    assert row["Assessment ID"] == str(assessment.pk)
    assert (row["Status"], row["Status (key)"]) == ("In review", "in_review")
    assert row["Submitted at"] == "2025-03-14T09:26:53+00:00"
    assert row["Consultant"] == "Dan Okafor"
    assert (row["Stage"], row["Stage (key)"]) == ("Small startup", "small_startup")
    assert (row["Regulated sector"], row["Regulated sector (key)"]) == ("No", "no")
    assert (row["Current structure"], row["Current structure (key)"]) == (
        "No ML team yet",
        "none",
    )
    # Labels and keys in the same order, so one reads the other.
    assert row["Pain points"] == "ML work happens in silos; ML roles are hard to fill"
    assert row["Pain points (keys)"] == "silos hiring_difficulty"
    assert row["TeamAdvisor's structure"] == "Decentralized squads"
    assert row["TeamAdvisor's structure (key)"] == "decentralized"
    assert row["Alternative structure"] == "Centralized team"
    assert row["Alternative structure (key)"] == "centralized"
    assert row["Consultant's structure"] == "Hybrid: core team plus squads"
    assert row["Consultant's structure (key)"] == "hybrid"
    assert row["Reason for the override"] == "They plan three product teams next year."
    assert row["Comment for the client"] == "Start with the data engineer."


def test_advice_columns_are_the_plans(consultant_client):
    assessment = _helvetia()
    [row] = _rows(consultant_client, [assessment])
    advice = assessment_report(assessment).advice
    assert row["Rulebook version"] == assessment.rulebook_version != ""
    assert row["TeamAdvisor's structure (key)"] == advice.structure.key == "hybrid"
    assert row["TeamAdvisor's structure"] == "Hybrid: core team plus squads"
    assert row["Alternative structure (key)"] == advice.structure.alternative
    gaps = {role.key: str(role.gap) for role in advice.roles}
    assert row["Gap: MLOps engineers"] == gaps["mlops_engineer"] != "0"
    assert row["Gap: Data analysts"] == gaps["data_analyst"]
    assert row["Gap: Software developers"] == gaps["software_developer"]
    high = [risk for risk in advice.risks if risk.level == "high"]
    assert row["High risks (keys)"].split() == [risk.key for risk in high]
    assert row["High risks"].split("; ") == [risk.label for risk in high]
    assert "siloing" in row["High risks (keys)"].split()
    # No override, no consultant: empty cells, not "None" or "—".
    assert row["Consultant"] == ""
    assert row["Consultant's structure"] == row["Consultant's structure (key)"] == ""
    assert row["Reason for the override"] == row["Comment for the client"] == ""


def test_consultant_is_named_by_full_name_else_username(consultant_client):
    named = User.objects.create_user("dan", first_name="Dan", last_name="Okafor")
    plain = User.objects.create_user("erin")
    surname = User.objects.create_user("fay", last_name="Fairfax")
    users = [named, plain, surname, None]
    assessments = [submitted_assessment() for _ in users]
    for assessment, user in zip(assessments, users, strict=True):
        Assessment.objects.filter(pk=assessment.pk).update(assigned_to=user)
    rows = _rows(consultant_client, assessments)
    consultants = {row["Assessment ID"]: row["Consultant"] for row in rows}
    assert consultants == {
        str(assessments[0].pk): "Dan Okafor",
        str(assessments[1].pk): "erin",
        str(assessments[2].pk): "Fairfax",
        str(assessments[3].pk): "",
    }


def test_yes_no_and_not_sure(consultant_client):
    regulated = draft_assessment(
        organization={"name": "Regulated Ltd", "regulated": True}, has_ml_lead=True
    )
    unsure = draft_assessment(organization={"name": "Unsure Ltd"}, has_ml_lead=None)
    no_lead = draft_assessment(organization={"name": "No Lead Ltd"}, has_ml_lead=False)
    rows = _rows(consultant_client, [regulated, unsure, no_lead])
    columns = {
        row["Organisation"]: (
            row["Regulated sector"],
            row["Regulated sector (key)"],
            row["Has an ML lead"],
            row["Has an ML lead (key)"],
        )
        for row in rows
    }
    assert columns == {
        "Regulated Ltd": ("Yes", "yes", "Yes", "yes"),
        # A client's "Not sure" is stored as null.
        "Unsure Ltd": ("No", "no", "Not sure", "not_sure"),
        "No Lead Ltd": ("No", "no", "No", "no"),
    }


def test_no_pain_points_is_an_empty_cell(consultant_client):
    [row] = _rows(consultant_client, [submitted_assessment(pain_points=[])])
    assert row["Pain points"] == row["Pain points (keys)"] == ""


def test_keys_of_an_older_vocabulary_are_their_own_labels(consultant_client):
    assessment = submitted_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(
        pain_points=["silos", "retired_pain"],
        plan_facts={
            **assessment.plan_facts,
            "alternative": "retired_structure",
            "high_risks": [["retired_risk", "A risk no longer listed"]],
        },
    )
    [row] = _rows(consultant_client, [assessment])
    assert row["Pain points"] == "ML work happens in silos; retired_pain"
    assert row["Pain points (keys)"] == "silos retired_pain"
    assert row["Alternative structure"] == "retired_structure"
    assert row["Alternative structure (key)"] == "retired_structure"
    assert row["High risks"] == "A risk no longer listed"
    assert row["High risks (keys)"] == "retired_risk"


def test_a_role_missing_from_older_facts_has_an_empty_gap(consultant_client):
    assessment = submitted_assessment()
    gaps = {**assessment.plan_facts["gaps"]}
    del gaps["data_analyst"]
    Assessment.objects.filter(pk=assessment.pk).update(
        plan_facts={**assessment.plan_facts, "gaps": gaps}
    )
    [row] = _rows(consultant_client, [assessment])
    assert row["Gap: Data analysts"] == ""
    assert row["Gap: Data engineers"] == str(gaps["data_engineer"])


# Drafts ----------------------------------------------------------------


def test_a_draft_exports_its_answers_and_empty_advice(consultant_client):
    draft = draft_assessment()
    [row] = _rows(consultant_client, [draft])
    assert (row["Status"], row["Status (key)"]) == ("Draft", "draft")
    assert row["Submitted at"] == ""
    assert row["Organisation"] == "Acme Analytics"
    assert row["AI focus"] == "Put AI into products"
    assert row["Software developers"] == "6"
    assert {column: row[column] for column in ADVICE_COLUMNS} == dict.fromkeys(
        ADVICE_COLUMNS, ""
    )


def test_a_draft_shows_no_answers_for_steps_not_saved_yet(consultant_client):
    """Defaults ("none", False, null) of an unsaved step are no answers."""
    draft = draft_assessment()
    Assessment.objects.filter(pk=draft.pk).update(sections_saved=1)
    [row] = _rows(consultant_client, [draft])
    assert row["Organisation"] == "Acme Analytics"
    assert (row["Regulated sector"], row["Regulated sector (key)"]) == ("No", "no")
    later = [
        "AI focus",
        "AI focus (key)",
        "ML use cases planned",
        "Dedicated ML budget",
        "Dedicated ML budget (key)",
        "Current structure",
        "Current structure (key)",
        "Has an ML lead",
        "Has an ML lead (key)",
        "Data analysts",
        "Full-stack data scientists",
        "Pain points",
        "Pain points (keys)",
    ]
    assert {column: row[column] for column in later} == dict.fromkeys(later, "")


def test_a_draft_without_an_organisation_has_no_answers(consultant_client):
    draft = Assessment.objects.create()  # the client has not saved a step yet
    [row] = _rows(consultant_client, [draft])
    status = {
        "Assessment ID": str(draft.pk),
        "Status": "Draft",
        "Status (key)": "draft",
    }
    assert row == {**dict.fromkeys(HEADER, ""), **status}


def test_a_draft_and_a_submission_share_one_export(consultant_client):
    draft = draft_assessment(organization={"name": "Draft Ltd"})
    done = submitted_assessment(organization={"name": "Done Ltd"})
    rows = _rows(consultant_client, [draft, done])
    structures = {row["Organisation"]: row["TeamAdvisor's structure"] for row in rows}
    assert structures == {"Draft Ltd": "", "Done Ltd": "Decentralized squads"}


# What never leaves the admin -------------------------------------------


def test_internal_notes_are_never_exported(consultant_client):
    secret = "Notes-7f3a: the CFO is sceptical, do not quote"
    assessment = submitted_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(
        internal_notes=secret, client_comment="Visible comment"
    )
    draft = draft_assessment()
    Assessment.objects.filter(pk=draft.pk).update(internal_notes=secret)
    response = consultant_client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [assessment.pk, draft.pk]},
    )
    text = b"".join(response.streaming_content).decode()
    assert "Visible comment" in text
    assert "Notes-7f3a" not in text
    assert "sceptical" not in text
    header = next(csv.reader(io.StringIO(text)))
    assert not [column for column in header if "note" in column.lower()]


# Formulas and hostile text ---------------------------------------------

# Unicode spaces count as whitespace too (no-break, ideographic).
FORMULA_STARTS = [
    *("=", "+", "-", "@", "\t=", "\r=", " =", "\n=", "  \t@"),
    *("\u00a0=", "\u3000+"),
]


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_each_formula_start_is_neutralised(consultant_client, start):
    assessment = submitted_assessment()
    name = f'{start}HYPERLINK("http://evil","x")'
    # Straight into the row: the questionnaire may refuse some of these names,
    # the export must be safe whatever the database holds.
    Organization.objects.filter(pk=assessment.organization_id).update(
        name=name, contact_name=f"{start}1+1"
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        override_structure="hybrid",
        override_reason=f"{start}cmd|' /C calc'!A0",
        client_comment=f"{start}SUM(1,1)",
    )
    [row] = _rows(consultant_client, [assessment])
    assert row["Organisation"] == "'" + name
    assert row["Contact name"] == f"'{start}1+1"
    assert row["Reason for the override"] == f"'{start}cmd|' /C calc'!A0"
    assert row["Comment for the client"] == f"'{start}SUM(1,1)"


def test_a_consultants_name_is_neutralised_too(consultant_client):
    user = User.objects.create_user("mallory", first_name="=1+1", last_name="x")
    assessment = submitted_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(assigned_to=user)
    [row] = _rows(consultant_client, [assessment])
    assert row["Consultant"] == "'=1+1 x"


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        # A formula character inside the text is harmless: left alone.
        ("Jean-Luc Consulting", "Jean-Luc Consulting"),
        ("ana@example.com", "ana@example.com"),
        ("R+D Labs", "R+D Labs"),
        ("A=B Ltd", "A=B Ltd"),
        # At the start it is neutralised even when it looks harmless: "-5" and
        # "-5+cmd|..." start the same way.
        ("-5 Degrees Ltd", "'-5 Degrees Ltd"),
        ("-", "'-"),
        ("\tplain", "'\tplain"),
        ("plain\n=second line", "plain\n=second line"),
        # A zero-width space is no whitespace: what follows it is not first.
        ("\u200b=1", "\u200b=1"),
    ],
)
def test_ordinary_text_is_left_alone(consultant_client, value, exported):
    assessment = submitted_assessment()
    Organization.objects.filter(pk=assessment.organization_id).update(industry=value)
    Assessment.objects.filter(pk=assessment.pk).update(client_comment=value)
    [row] = _rows(consultant_client, [assessment])
    assert row["Industry"] == exported
    assert row["Comment for the client"] == exported
    assert row["Number of employees"] == "40"  # numbers are never prefixed


# The entries of HOSTILE_TEXT a spreadsheet would run as formulas.
HOSTILE_FORMULAS = {
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
}


def test_the_hostile_formulas_are_hostile_inputs():
    assert set(HOSTILE_TEXT) >= HOSTILE_FORMULAS


@pytest.fixture
def long_csv_fields():
    """Let the test's CSV reader take the megabyte of HOSTILE_TEXT in a cell."""
    default = csv.field_size_limit(2_000_000)
    yield
    csv.field_size_limit(default)


@pytest.mark.usefixtures("long_csv_fields")
@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=lambda text: repr(text[:30]))
def test_hostile_text_comes_back_as_typed_or_neutralised(consultant_client, text):
    if "\x00" in text and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL stores no NUL character; the forms refuse it")
    assessment = submitted_assessment()
    # The organisation's columns are 200 and 100 characters wide: the first
    # 100 of the megabyte (markup, no formula) go there. A submitted plan has
    # a name (its advice is read again for the CSV), so a blank one is not.
    short = text[:100]
    name = short if short.strip() else "Acme Analytics"
    Organization.objects.filter(pk=assessment.organization_id).update(
        name=name, industry=short
    )
    # An override needs a reason; the reason may be blank only without one.
    Assessment.objects.filter(pk=assessment.pk).update(
        override_structure="hybrid" if text.strip() else "",
        override_reason=text,
        client_comment=text,
    )
    [row] = _rows(consultant_client, [assessment])
    assert row["Reason for the override"] == _neutralised(text)
    assert row["Comment for the client"] == _neutralised(text)
    assert row["Organisation"] == _neutralised(name)
    assert row["Industry"] == _neutralised(short)


def _neutralised(text: str) -> str:
    return "'" + text if text in HOSTILE_FORMULAS else text


# Queries ---------------------------------------------------------------


def _assessments(count: int) -> list[Assessment]:
    """Submitted and draft assessments, each organisation its own, half of
    them assigned (to different consultants), some overridden."""
    made = []
    for index in range(count):
        if index % 4 == 3:
            made.append(draft_assessment())
            continue
        assessment = submitted_assessment()
        consultant = (
            User.objects.create_user(f"user-{assessment.pk}", first_name=f"C{index}")
            if index % 2
            else None
        )
        Assessment.objects.filter(pk=assessment.pk).update(
            assigned_to=consultant,
            override_structure="hybrid" if index % 3 == 0 else "",
            override_reason="A reason." if index % 3 == 0 else "",
            client_comment=f"Comment {index}",
        )
        made.append(assessment)
    return made


def test_admin_export_query_count_is_flat(consultant_client):
    def count_queries(assessments) -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = _rows(consultant_client, assessments)
        assert len(rows) == len(assessments)
        return len(queries)

    two = count_queries(_assessments(2))
    assert count_queries(_assessments(20)) == two


def test_rows_advised_before_facts_were_kept_cost_no_query_more():
    """Working out a row's plan reads nothing the export's query left out."""

    def count_queries(count: int) -> int:
        selected = [submitted_assessment() for _ in range(count)]
        ids = [a.pk for a in selected]
        Assessment.objects.filter(pk__in=ids).update(plan_facts={})
        with CaptureQueriesContext(connection) as queries:
            text = exports.assessments_csv(Assessment.objects.filter(pk__in=ids))
        _header, *rows = csv.reader(io.StringIO(text, newline=""))
        assert len(rows) == count
        return len(queries)

    assert count_queries(2) == 1
    assert count_queries(6) == 1


def test_a_queryset_exports_as_its_whole_rows_do():
    """The export reads only some columns of a queryset; rows loaded whole
    (a list of assessments) give the same file."""
    _assessments(8)
    _helvetia()
    draft = draft_assessment()
    Assessment.objects.filter(pk=draft.pk).update(sections_saved=2)
    Assessment.objects.create()
    selected = Assessment.objects.order_by("pk")
    whole = list(selected.select_related("organization", "assigned_to"))
    assert exports.assessments_csv(selected) == exports.assessments_csv(whole)


def test_rows_keep_the_querysets_order_across_chunks(monkeypatch):
    monkeypatch.setattr(exports, "CSV_CHUNK", 2)
    made = _assessments(5)
    selected = Assessment.objects.order_by("-pk")
    _header, *rows = csv.reader(io.StringIO(exports.assessments_csv(selected)))
    assert [int(row[0]) for row in rows] == sorted((a.pk for a in made), reverse=True)
    # Each row as it is when exported alone.
    for row in rows:
        alone = exports.assessments_csv(Assessment.objects.filter(pk=row[0]))
        assert list(csv.reader(io.StringIO(alone)))[1] == row


def test_export_of_a_plain_queryset_query_count_is_flat():
    """Called without the admin's select_related, one query all the same."""
    first = _assessments(2)

    def count_queries(assessments) -> int:
        selected = Assessment.objects.filter(pk__in=[a.pk for a in assessments])
        with CaptureQueriesContext(connection) as queries:
            text = exports.assessments_csv(selected)
        _header, *rows = csv.reader(io.StringIO(text, newline=""))
        assert len(rows) == len(assessments)
        return len(queries)

    assert count_queries(first) == 1
    assert count_queries(_assessments(20)) == 1


# The plan's facts are kept on the assessment: no engine per exported row.


def _facts_of(assessment: Assessment) -> dict:
    advice = assessment_report(assessment, costs=None).advice
    return {
        "alternative": advice.structure.alternative,
        "gaps": {role.key: role.gap for role in advice.roles},
        "high_risks": [[r.key, r.label] for r in advice.risks if r.level == "high"],
    }


def test_submitting_keeps_the_plans_facts():
    assessment = _helvetia()
    assert assessment.plan_facts == _facts_of(assessment)
    assert assessment.plan_facts["gaps"]["mlops_engineer"] == 4
    assert draft_assessment().plan_facts == {}


def test_an_override_keeps_the_facts_of_the_consultants_plan(consultant_client):
    assessment = _helvetia()
    before = assessment.plan_facts
    assessment.override_structure = "centralized"
    assessment.override_reason = "One shared platform team first."
    services.assessment_save_review(assessment=assessment, by=None)
    assessment.refresh_from_db()
    assert assessment.plan_facts == _facts_of(assessment)
    assert assessment.plan_facts != before  # another structure, other gaps


def test_export_reads_the_kept_facts_and_runs_no_engine(consultant_client, monkeypatch):
    kept = _helvetia()
    expected = _rows(consultant_client, [kept])

    def no_engine(*args, **kwargs):
        raise AssertionError("the export ran the engine")

    monkeypatch.setattr(exports, "assessment_report", no_engine)
    assert _rows(consultant_client, [kept]) == expected


def test_rows_advised_before_facts_were_kept_are_worked_out(consultant_client):
    assessment = _helvetia()
    expected = _rows(consultant_client, [assessment])
    Assessment.objects.filter(pk=assessment.pk).update(plan_facts={})
    assert _rows(consultant_client, [assessment]) == expected
    assert expected[0]["Gap: MLOps engineers"] == "4"
