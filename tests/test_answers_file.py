"""Assessment rows <-> answers file (advice-spec §6): nothing lost either way."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services
from assessments.advice import AnswersInvalid, is_first_edition, parse_answers
from assessments.answers_file import (
    assessment_answers,
    assessment_to_answers,
)
from assessments.choices import Status
from assessments.models import Assessment
from tests.factories import EXAMPLES_DIR, answers_dict, draft_assessment, example

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES_DIR.glob("*.json")))
def test_example_round_trips_through_the_database(name):
    answers = parse_answers(example(name))
    assessment = services.assessment_create_from_answers(answers=answers)
    reloaded = Assessment.objects.get(pk=assessment.pk)
    assert assessment_answers(reloaded) == answers
    assert assessment_to_answers(reloaded) == answers.to_dict()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
        min_size=1,
        max_size=200,
    ).filter(lambda s: s.strip() == s and s),
    employees=st.integers(min_value=20, max_value=1_000_000),
    counts=st.lists(st.integers(min_value=0, max_value=3), min_size=6, max_size=6),
    pain_points=st.sets(
        st.sampled_from(["silos", "slow_delivery", "hiring_difficulty"])
    ),
    budget=st.booleans(),
    regulated=st.booleans(),
    ml_lead=st.sampled_from([True, False, None]),
)
def test_any_valid_answers_round_trip(
    name, employees, counts, pain_points, budget, regulated, ml_lead
):
    roles = [
        "data_analyst",
        "data_engineer",
        "data_scientist",
        "research_scientist",
        "mlops_engineer",
        "software_developer",
    ]
    data = answers_dict(
        organization={"name": name, "employees": employees, "regulated": regulated},
        headcount=dict(zip(roles, counts, strict=True)),
        pain_points=sorted(pain_points),
        dedicated_ml_budget=budget,
        has_ml_lead=ml_lead,
        full_stack_data_scientists=0,
    )
    answers = parse_answers(data)
    assessment = services.assessment_create_from_answers(answers=answers)
    assert assessment_answers(Assessment.objects.get(pk=assessment.pk)) == answers


def test_incomplete_draft_names_the_missing_fields():
    draft = Assessment.objects.create()
    with pytest.raises(AnswersInvalid) as raised:
        assessment_answers(draft)
    fields = {error.field for error in raised.value.errors}
    assert {"organization", "ai_focus", "headcount"} <= fields


def _round_trip(data: dict) -> tuple[Assessment, dict]:
    """Store the answers file ``data``; the reloaded row and its answers file."""
    answers = parse_answers(data)
    assessment = services.assessment_create_from_answers(answers=answers)
    reloaded = Assessment.objects.select_related("organization").get(pk=assessment.pk)
    assert assessment_answers(reloaded) == answers
    return reloaded, assessment_to_answers(reloaded)


@pytest.mark.parametrize("regulated", [True, False])
def test_regulated_round_trips(regulated):
    row, data = _round_trip(answers_dict(organization={"regulated": regulated}))
    assert row.organization.regulated is regulated
    assert data["organization"]["regulated"] is regulated


def test_regulated_defaults_to_false():
    data = answers_dict()
    data["organization"].pop("regulated", None)  # as a first-edition file has it
    row, written = _round_trip(data)
    assert row.organization.regulated is False
    assert written["organization"]["regulated"] is False


@pytest.mark.parametrize("ml_lead", [True, False, None])
def test_ml_lead_round_trips_and_null_means_not_known(ml_lead):
    row, data = _round_trip(answers_dict(has_ml_lead=ml_lead))
    assert row.has_ml_lead is ml_lead
    assert data["has_ml_lead"] is ml_lead


def test_absent_ml_lead_is_stored_as_not_known():
    data = answers_dict()
    data.pop("has_ml_lead", None)  # as a first-edition file has it
    row, written = _round_trip(data)
    assert row.has_ml_lead is None
    assert written["has_ml_lead"] is None


def _advised_under(version: str, **fields) -> Assessment:
    """A submitted assessment as ``version`` left it, written behind the services."""
    assessment = draft_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        rulebook_version=version,
        **fields,
    )
    return Assessment.objects.select_related("organization").get(pk=assessment.pk)


@pytest.mark.parametrize("version", ["2026.1", "2026.2"])
def test_first_edition_assessment_with_more_full_stack_still_parses(version):
    assessment = _advised_under(version, full_stack_data_scientists=3)
    assert assessment.data_scientist == 1
    answers = assessment_answers(assessment)
    assert answers.full_stack_data_scientists == 3
    assert answers.headcount.data_scientist == 1


def test_second_edition_refuses_more_full_stack_than_data_scientists():
    draft = draft_assessment()
    Assessment.objects.filter(pk=draft.pk).update(full_stack_data_scientists=3)
    with pytest.raises(AnswersInvalid) as raised:
        assessment_answers(Assessment.objects.get(pk=draft.pk))
    assert [error.field for error in raised.value.errors] == [
        "full_stack_data_scientists"
    ]


@pytest.mark.parametrize(
    ("version", "first"),
    [("2026.1", True), ("2026.2", True), ("2026.3", False), ("", False)],
)
def test_is_first_edition(version, first):
    assert is_first_edition(version) is first
