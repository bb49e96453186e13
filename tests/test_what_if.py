"""The what-if explorer: the plan recomputed for other answers, never saved."""

import dataclasses
import re

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from assessments import questions
from assessments.advice import (
    Headcount,
    advice_under,
    load_rulebook,
)
from assessments.advice.domain import ROLE_NOUNS
from assessments.answers_file import assessment_to_answers
from assessments.forms import GoalsForm, OrganizationForm, TeamForm
from assessments.models import Assessment
from assessments.pdf import report_pdf_html
from assessments.selectors import assessment_report
from assessments.what_if import EXPLORED_QUESTIONS
from tests.factories import (
    NOT_FOUND_URL,
    draft_assessment,
    example,
    submitted_assessment,
)
from tests.hostile_inputs import HOSTILE_NUMBERS, HOSTILE_TEXT

pytestmark = pytest.mark.django_db

# A new answer for each explored question, all valid together with the
# factories' base answers (40 employees).
NEW_VALUES = {
    "stage": "enterprise",
    "ai_focus": "research",
    "ml_use_cases": "7",
    "product_teams": "5",
    "data_analyst": "2",
    "data_engineer": "3",
    "data_scientist": "4",
    "research_scientist": "1",
    "mlops_engineer": "2",
    "software_developer": "9",
    "full_stack_data_scientists": "0",
}


def _url(assessment: Assessment) -> str:
    return reverse("assessments:what_if", args=[assessment.token])


def _get(client, assessment: Assessment, query: dict | None = None, *, fragment=False):
    headers = {"TeamAdvisor-Fragment": "what-if"} if fragment else {}
    response = client.get(_url(assessment), query or {}, headers=headers)
    assert response.status_code == 200
    return response


def _element(page: str, element_id: str) -> str:
    """The inner HTML of the element with ``element_id`` (no nesting of its tag)."""
    match = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert match, f"no #{element_id}"
    return match.group(2).strip()


def _hire_rows(page: str, quarter: int) -> list[tuple[str, int, str]]:
    block = page.split(f'id="what-if-quarter-{quarter}"')[1].split("</div>")[0]
    return [
        (role, int(count), seniority)
        for role, count, seniority in re.findall(
            r'<tr><th scope="row">(.*?)</th><td class="num">(\d+)</td>'
            r"<td>(.*?)</td></tr>",
            block,
        )
    ]


def _engine_hires(version: str, answers, quarter: int) -> list[tuple[str, int, str]]:
    """Quarter ``quarter``'s hires as the engine plans them, in the table's words."""
    combined = load_rulebook(version).rule("combined")["label"]
    rows = []
    for hire in advice_under(version, answers).hires:
        if hire.quarter == quarter:
            role = combined if len(hire.roles) > 1 else ROLE_NOUNS[hire.roles[0]][0]
            seniority = "Senior" if hire.seniority == "senior" else "Mid-level"
            rows.append((capfirst(role), hire.count, seniority))
    return rows


# What the page shows -----------------------------------------------------


def test_what_if_without_a_query_shows_the_submitted_answers_and_plan(client):
    assessment = submitted_assessment(**example("product-enterprise"))
    page = _get(client, assessment).content.decode()
    report = assessment_report(assessment)
    assert _element(page, "what-if-structure") == report.advice.structure.label
    assert _element(page, "what-if-comparison") == (
        "The same structure as in your plan."
    )
    answers = report.answers
    assert (
        'value="enterprise" class="form-check-input" id="id_stage_2" required checked'
        in page
    )
    assert f'name="ml_use_cases" value="{answers.ml_use_cases}"' in page
    for quarter in (1, 2):
        assert _hire_rows(page, quarter) == _engine_hires(
            assessment.rulebook_version, answers, quarter
        )


def test_what_if_says_it_saves_nothing_and_leaves_the_pdf_alone(client):
    page = _get(client, submitted_assessment()).content.decode()
    note = page.split('<p class="what-if-note alert alert-info">')[1].split("</p>")[0]
    assert note.startswith(
        "This is an exploration: nothing you change here is saved. Your team "
        "plan and its PDF stay as they are."
    )


def test_what_if_asks_the_explored_questions_in_the_questionnaires_words(client):
    # A question added to the explorer needs a value in NEW_VALUES to be tested.
    assert [q.field for q in EXPLORED_QUESTIONS] == list(NEW_VALUES)
    page = _get(client, submitted_assessment()).content.decode()
    for question in EXPLORED_QUESTIONS:
        if question.kind == "choice":
            label = _element(page, f"id_{question.field}_group").split("</legend>")[0]
            assert label == f'<legend class="form-label fs-6">{escape(question.label)}'
        else:
            assert (
                f'<label class="form-label" for="id_{question.field}">'
                f"{escape(question.label)}</label>"
            ) in page
        assert _element(page, f"id_{question.field}_helptext") == escape(question.help)


@pytest.mark.parametrize("field", list(NEW_VALUES))
def test_what_if_puts_each_answer_in_place_of_the_submitted_one(client, field):
    assessment = submitted_assessment()
    submitted = assessment_report(assessment).answers
    response = _get(client, assessment, {field: NEW_VALUES[field]})
    question = next(q for q in EXPLORED_QUESTIONS if q.field == field)
    value = NEW_VALUES[field]
    expected = submitted.to_dict()
    questions.set_at(
        expected, question.path, int(value) if question.kind == "count" else value
    )
    assert response.context["exploration"].answers.to_dict() == expected


def test_what_if_shows_the_structure_and_hires_of_the_changed_answers(client):
    assessment = submitted_assessment(**example("small-product-startup"))
    report = assessment_report(assessment)
    query = {"stage": "enterprise", "product_teams": "12", "ml_use_cases": "20"}
    page = _get(client, assessment, query).content.decode()

    answers = dataclasses.replace(
        report.answers,
        organization=dataclasses.replace(
            report.answers.organization, stage="enterprise"
        ),
        product_teams=12,
        ml_use_cases=20,
    )
    advice = advice_under(assessment.rulebook_version, answers)
    assert advice.structure.key != report.advice.structure.key
    assert _element(page, "what-if-structure") == advice.structure.label
    assert _element(page, "what-if-comparison") == (
        f"<strong>A different structure.</strong> Your plan: "
        f"{report.advice.structure.label}."
    )
    for quarter in (1, 2):
        assert _hire_rows(page, quarter) == _engine_hires(
            assessment.rulebook_version, answers, quarter
        )
    assert _hire_rows(page, 1)  # the check above compared something
    assert 'id="what-if-quarter-3"' not in page


def test_what_if_says_why_it_counts_fewer_teams_than_typed(client):
    # §3: the advice speaks of the teams that will carry ML work, no more than
    # the use cases; with 12 teams typed, "3 product teams" needs its reason.
    assessment = submitted_assessment(**example("small-product-startup"))
    query = {"stage": "enterprise", "product_teams": "12", "ml_use_cases": "3"}
    page = _get(client, assessment, query).content.decode()
    assert "3 product teams" in _element(page, "what-if-result")
    assert _element(page, "what-if-squads") == (
        "The plan counts ML work in 3 of your 12 product teams, as many as the "
        "use cases you plan: a team without a use case has no ML work to carry. "
        "Plan more use cases to spread ML to more teams."
    )
    none = {**query, "ml_use_cases": "0"}
    assert _element(
        _get(client, assessment, none).content.decode(), "what-if-squads"
    ) == (
        "With no ML use case planned yet, the plan counts ML work in 1 of your "
        "12 product teams."
    )
    # As many use cases as teams, or more: every team counts, nothing to say.
    enough = {**query, "ml_use_cases": "12"}
    assert (
        'id="what-if-squads"' not in _get(client, assessment, enough).content.decode()
    )


def test_what_if_names_the_consultants_structure_as_the_plans(client):
    assessment = submitted_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(
        override_structure="centralized", override_reason="One platform team."
    )
    page = _get(client, assessment, {"stage": "enterprise"}).content.decode()
    comparison = _element(page, "what-if-comparison")
    assert comparison == (
        "<strong>A different structure.</strong> Your plan: Centralized team, "
        "your consultant's choice."
    )


def test_what_if_changes_the_team(client):
    assessment = submitted_assessment()
    response = _get(
        client, assessment, {"data_scientist": "6", "full_stack_data_scientists": "3"}
    )
    headcount = response.context["exploration"].answers.headcount
    assert headcount == Headcount(
        data_analyst=0,
        data_engineer=1,
        data_scientist=6,
        research_scientist=0,
        mlops_engineer=0,
        software_developer=6,
    )
    assert response.context["exploration"].answers.full_stack_data_scientists == 3


# Validation as in the questionnaire --------------------------------------


def _field_error(page: str, field: str) -> str:
    return _element(page, f"id_{field}_error")


def _questionnaire_step(section: str, data: dict[str, str]):
    """The questionnaire's form for ``section`` of a submitted assessment
    (factories' answers: 40 employees), given ``data``."""
    assessment = submitted_assessment()
    if section == "organisation":
        return OrganizationForm(data, instance=assessment.organization)
    return {"goals": GoalsForm, "team": TeamForm}[section](data, instance=assessment)


def _questionnaire_errors(field: str, value: str) -> str:
    """What the questionnaire step asking ``field`` says of ``value``, as HTML."""
    section = next(q.section for q in EXPLORED_QUESTIONS if q.field == field)
    return escape(" ".join(_questionnaire_step(section, {field: value}).errors[field]))


def test_what_if_refuses_a_non_number_next_to_the_field(client):
    page = _get(
        client, submitted_assessment(), {"ml_use_cases": "three"}
    ).content.decode()
    message = _questionnaire_errors("ml_use_cases", "three")
    assert _field_error(page, "ml_use_cases") == message
    assert 'aria-describedby="id_ml_use_cases_helptext id_ml_use_cases_error"' in page
    assert 'aria-invalid="true"' in page.split('id="id_ml_use_cases"')[0][-300:]
    # Beside the field and in the list that replaces the plan, nowhere else.
    assert page.count(message) == 2
    assert 'id="what-if-structure"' not in page
    assert "<title>Error: What if?" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ml_use_cases", "-1"),
        ("product_teams", "1000001"),
        ("data_engineer", "1.5"),
        ("mlops_engineer", ""),
        ("stage", "megacorp"),
        ("ai_focus", ""),
    ],
)
def test_what_if_says_what_the_questionnaire_says(client, field, value):
    page = _get(client, submitted_assessment(), {field: value}).content.decode()
    assert _field_error(page, field) == _questionnaire_errors(field, value)


def test_what_if_refuses_more_full_stack_than_data_scientists(client):
    query = {"data_scientist": "1", "full_stack_data_scientists": "2"}
    page = _get(client, submitted_assessment(), query).content.decode()
    expected = _questionnaire_step("team", query).errors["full_stack_data_scientists"]
    assert _field_error(page, "full_stack_data_scientists") == escape(expected[0])


def test_what_if_refuses_a_team_larger_than_the_company_above_the_team(client):
    query = {"software_developer": "100"}
    page = _get(client, submitted_assessment(), query).content.decode()
    team = {q.field: str(v) for q, v in _base_team().items()} | query
    expected = _questionnaire_step("team", team).non_field_errors()
    assert _element(page, "what-if-error-team") == f"<p>{escape(expected[0])}</p>"
    assert len(expected) == 1
    fieldset = '<fieldset class="mb-4" id="what-if-team"'
    assert f'{fieldset} aria-describedby="what-if-error-team">' in page


def _base_team():
    """The team step's answers of the factories' assessment, by question."""
    answers = assessment_report(submitted_assessment()).answers.to_dict()
    return {
        q: questions.value_at(answers, q.path)
        for q in EXPLORED_QUESTIONS
        if q.section == "team"
    }


@pytest.mark.parametrize(
    "value",
    HOSTILE_TEXT + HOSTILE_NUMBERS,
    ids=[f"{i}-{v[:20]!r}" for i, v in enumerate(HOSTILE_TEXT + HOSTILE_NUMBERS)],
)
def test_what_if_never_fails_on_hostile_input(client, value):
    """Every explored field gets the value at once: refused, shown escaped."""
    assessment = submitted_assessment()
    response = _get(client, assessment, dict.fromkeys(NEW_VALUES, value))
    page = response.content.decode()
    # No value fits a stage, so the plan is never recomputed.
    assert response.context["exploration"].advice is None
    if re.search(r"[<>\"'&]", value):
        assert value not in page


# Nothing is written ------------------------------------------------------


def test_what_if_writes_nothing(client):
    assessment = submitted_assessment()
    pdf = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    stored = default_storage.listdir(f"team-plans/{assessment.token}")[1]
    before = Assessment.objects.get(pk=assessment.pk)
    history = assessment.history.count()

    with CaptureQueriesContext(connection) as queries:
        _get(client, assessment, NEW_VALUES)
        _get(client, assessment, {"software_developer": "1000", "stage": "x"})
        _get(client, assessment, NEW_VALUES, fragment=True)

    sql = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
    assert set(sql) <= {"SELECT", "SAVEPOINT", "RELEASE"}
    after = Assessment.objects.get(pk=assessment.pk)
    assert after.updated_at == before.updated_at
    assert assessment_to_answers(after) == assessment_to_answers(before)
    assert assessment.history.count() == history
    assert default_storage.listdir(f"team-plans/{assessment.token}")[1] == stored
    again = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    assert again.getvalue() == pdf.getvalue()


def test_what_if_asks_the_database_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    assessment = submitted_assessment()
    # The assessment, then the questionnaire forms' check of each database
    # constraint on an explored answer (11), each in a savepoint here, inside
    # the test's transaction: one query each in production.
    with django_assert_num_queries(1 + 11 * 3):
        _get(client, assessment, NEW_VALUES)


# Scope and headers -------------------------------------------------------


def test_what_if_of_an_unknown_link_is_not_found(client):
    assert client.get(f"{NOT_FOUND_URL}what-if/").status_code == 404


def test_what_if_of_a_first_edition_plan_is_not_found(client):
    assessment = submitted_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(rulebook_version="2026.2")
    assert client.get(_url(assessment)).status_code == 404
    report = client.get(assessment.get_absolute_url()).content.decode()
    assert _url(assessment) not in report


def test_what_if_of_a_draft_leads_back_to_the_questionnaire(client):
    draft = draft_assessment()
    response = client.get(_url(draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:review", args=[draft.token])


def test_what_if_is_never_cached_by_others(client):
    response = _get(client, submitted_assessment())
    assert response["Cache-Control"] == "private, no-store"
    assert response["Vary"] == "TeamAdvisor-Fragment"


def test_what_if_answers_its_script_with_the_panel_alone(client):
    response = _get(
        client,
        submitted_assessment(),
        {"stage": "enterprise"},
        fragment=True,
    )
    page = response.content.decode()
    assert page.startswith('<div class="row g-4 what-if-panel">')
    assert "<html" not in page and 'id="what-if-result"' in page
    assert 'id="what-if-form"' in page


def test_report_links_to_the_what_if_explorer_but_the_pdf_does_not(client):
    assessment = submitted_assessment()
    page = client.get(assessment.get_absolute_url()).content.decode()
    actions = page.split('<div class="report-actions')[1].split("</div>")[0]
    assert (
        f'<a class="btn btn-outline-primary what-if-link" href="{_url(assessment)}">'
        "What if? Try other answers</a>"
    ) in actions
    assert "what-if" not in report_pdf_html(assessment_report(assessment))
