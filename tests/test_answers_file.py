"""Assessment rows <-> answers file (advice-spec §6): nothing lost either way."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services
from assessments.advice import AnswersInvalid, parse_answers
from assessments.answers_file import assessment_answers, assessment_to_answers
from assessments.models import Assessment
from tests.factories import EXAMPLES_DIR, answers_dict, example

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
)
def test_any_valid_answers_round_trip(name, employees, counts, pain_points, budget):
    roles = [
        "data_analyst",
        "data_engineer",
        "data_scientist",
        "research_scientist",
        "mlops_engineer",
        "software_developer",
    ]
    data = answers_dict(
        organization={"name": name, "employees": employees},
        headcount=dict(zip(roles, counts, strict=True)),
        pain_points=sorted(pain_points),
        dedicated_ml_budget=budget,
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
