"""The table of questions, and what is computed from it.

A question added to the table must reach the answers file, the forms, the
report, the CSV and the history exclusions without being listed anywhere else.
"""

import csv
import io
import random

import pytest

from assessments import exports, questions, services
from assessments.advice import parse_answers
from assessments.answers_file import assessment_to_answers, build_from_answers
from assessments.flow import (
    SECTIONS,
    answer_rows,
    question_for_path,
    saved_values,
    section_by_key,
    section_for_path,
)
from assessments.management.commands import seed_demo
from assessments.models import Assessment, Organization
from assessments.questions import QUESTIONS, Question
from assessments.report import build_report
from tests.factories import answers_dict

MODELS = {"organization": Organization, "assessment": Assessment}
# A question as someone might add it; see ``with_new_question``.
NEW = Question(
    field="ml_budget_share",
    owner="assessment",
    path="ml_budget_share",
    section="goals",
    label="What share of the IT budget goes to ML?",
    help="In per cent, roughly.",
    kind="count",
    noun="the share of the IT budget that goes to ML",
)


def _leaf_paths(data: dict, prefix: str = "") -> list[str]:
    paths = []
    for key, value in data.items():
        if isinstance(value, dict):
            paths += _leaf_paths(value, f"{prefix}{key}.")
        else:
            paths.append(f"{prefix}{key}")
    return paths


def _rows(sections) -> list[tuple[str, str]]:
    return [row for _section, rows in sections for row in rows]


def test_paths_are_the_answers_file_paths_in_its_order():
    answers = parse_answers(answers_dict())
    paths = [q.path for q in questions.answers_file_questions()]
    assert paths == _leaf_paths(answers.to_dict())


def test_only_the_contact_details_are_outside_the_answers_file():
    outside = [(q.owner, q.field) for q in QUESTIONS if q.path is None]
    assert outside == [
        ("organization", "contact_name"),
        ("organization", "contact_email"),
    ]


def test_the_sections_ask_every_question_in_table_order():
    assert [q for section in SECTIONS for q in section.questions] == list(QUESTIONS)


def test_every_question_is_stored_in_a_field_of_its_owner():
    for question in QUESTIONS:
        field = MODELS[question.owner]._meta.get_field(question.field)
        assert field.concrete, question.field


def test_model_fields_are_questions_or_known_non_answers():
    """A new column is either a question or named here as something else."""
    not_answers = {
        "organization": {"id", "is_demo", "created_at"},
        "assessment": {
            "id",
            "token",
            "organization",
            "status",
            "sections_saved",
            "created_from",
            "copied_from",
            "lineage",
            "rulebook_version",
            "recommended_structure",
            "largest_gap_role",
            "largest_gap",
            "plan_facts",
            "assigned_to",
            "override_structure",
            "override_reason",
            "client_comment",
            "internal_notes",
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_at",
        },
    }
    for owner, model in MODELS.items():
        columns = {f.name for f in model._meta.concrete_fields}
        assert columns - set(questions.answer_fields(owner)) == not_answers[owner]


def test_each_form_asks_its_sections_questions_with_their_words():
    for section in SECTIONS:
        asked = [
            (name, field.label, field.help_text)
            for name, field in section.form_class.base_fields.items()
        ]
        assert asked == [(q.field, q.label, q.help) for q in section.questions]


def test_history_leaves_out_every_answer():
    history_columns = {f.name for f in Assessment.history.model._meta.fields}
    assert history_columns.isdisjoint(questions.answer_fields("assessment"))
    assert {"override_structure", "internal_notes"} <= history_columns
    # The organisation keeps no history at all.
    assert not hasattr(Organization, "history")


def test_every_count_of_the_assessment_has_a_maximum_constraint():
    names = [c.name for c in Assessment._meta.constraints if c.name.endswith("_max")]
    counts = questions.answer_fields("assessment", kind="count")
    assert names == [f"assessment_{field}_max" for field in counts]


def test_report_shows_every_answers_file_question_with_its_answer():
    answers = parse_answers(
        answers_dict(organization={"regulated": True}, has_ml_lead=None)
    )
    rows = _rows(build_report(answers).answer_rows)
    labels = [q.label for q in questions.answers_file_questions()]
    assert [label for label, _answer in rows] == labels
    shown = dict(rows)
    assert [
        shown[questions.by_path(path).label]
        for path in (
            "organization.industry",
            "organization.stage",
            "organization.regulated",
            "dedicated_ml_budget",
            "has_ml_lead",
            "headcount.data_analyst",
            "pain_points",
        )
    ] == [
        "retail",
        "Small startup",
        "Yes",
        "No",
        "Not sure",
        "0",
        "ML work happens in silos, ML roles are hard to fill",
    ]


@pytest.mark.django_db
def test_saved_rows_show_every_question_with_the_contact_details():
    assessment = services.assessment_create_from_answers(
        answers=parse_answers(answers_dict()),
        contact_name="Ada Client",
        contact_email="ada@example.com",
    )
    rows = _rows(answer_rows(saved_values(assessment)))
    assert [label for label, _answer in rows] == [q.label for q in QUESTIONS]
    assert rows[5:7] == [
        ("Your name", "Ada Client"),
        ("Your email address", "ada@example.com"),
    ]


@pytest.mark.django_db
def test_a_section_not_saved_yet_shows_no_answers():
    """Before the goals step, its defaults ("none", False) are no answers."""
    assessment = Assessment.objects.create()
    rows = _rows(answer_rows(saved_values(assessment)))
    assert {answer for _label, answer in rows} == {"—"}


@pytest.fixture
def with_new_question(monkeypatch):
    """The table with one more question, at the end of the goals step."""
    monkeypatch.setattr(questions, "QUESTIONS", (*QUESTIONS, NEW))


@pytest.mark.usefixtures("with_new_question")
def test_a_new_question_joins_the_lists_models_py_reads():
    # The lists models.py reads for its history exclusions and constraints.
    assert questions.answer_fields("assessment")[-1] == NEW.field
    assert questions.answer_fields("assessment", kind="count")[-1] == NEW.field


@pytest.mark.usefixtures("with_new_question")
def test_a_new_question_is_asked_and_placed_by_its_path():
    _index, goals = section_by_key("goals")
    assert goals.answer_paths[NEW.field] == NEW.path
    assert goals.questions[-1] == NEW
    assert question_for_path(NEW.path) == NEW.label
    assert section_for_path(NEW.path) == goals


@pytest.mark.usefixtures("with_new_question")
def test_a_new_question_reaches_the_report_rows():
    data = {**parse_answers(answers_dict()).to_dict(), NEW.path: 12}
    sections = dict(answer_rows(questions.answers_file_values(data)))
    _index, goals = section_by_key("goals")
    assert sections[goals][-1] == (NEW.label, "12")


@pytest.mark.usefixtures("with_new_question")
def test_a_new_question_reaches_the_answers_file_csv_and_saved_rows():
    _organization, assessment = build_from_answers(parse_answers(answers_dict()))
    assessment.ml_budget_share = 12  # the column its migration would add
    assessment.sections_saved = len(SECTIONS)
    assert assessment_to_answers(assessment)[NEW.path] == 12
    header, row = csv.reader(io.StringIO(exports.assessments_csv([assessment])))
    assert dict(zip(header, row, strict=True))[NEW.label] == "12"
    assert header.index(NEW.label) == header.index("Pain points (keys)") + 1
    sections = dict(answer_rows(saved_values(assessment)))
    _index, goals = section_by_key("goals")
    assert sections[goals][-1] == (NEW.label, "12")


@pytest.mark.usefixtures("with_new_question")
def test_a_new_question_gets_demo_answers():
    answers = seed_demo._answers(random.Random(1), 0)
    assert isinstance(answers[NEW.path], int)
