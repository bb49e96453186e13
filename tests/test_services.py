"""Writes: the questionnaire's section saves take plain data, not forms."""

import pytest

from assessments import services
from assessments.models import Assessment
from tests.factories import draft_assessment, submitted_assessment

pytestmark = pytest.mark.django_db

TEAM = {
    "data_analyst": 1,
    "data_engineer": 2,
    "data_scientist": 3,
    "research_scientist": 0,
    "mlops_engineer": 1,
    "software_developer": 4,
    "full_stack_data_scientists": 2,
}


def test_save_section_writes_only_that_sections_columns():
    assessment = draft_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(ml_use_cases=9)  # another tab
    services.assessment_save_section(
        assessment=assessment, section_key="team", values=TEAM
    )
    saved = Assessment.objects.get(pk=assessment.pk)
    assert {field: getattr(saved, field) for field in TEAM} == TEAM
    assert saved.ml_use_cases == 9


def test_save_section_creates_the_organisation_on_the_first_step():
    assessment = services.assessment_start(address="192.0.2.1")
    values = {
        "name": "Acme",
        "industry": "",
        "employees": 12,
        "stage": "small_startup",
        "regulated": True,
        "contact_name": "",
        "contact_email": "",
    }
    services.assessment_save_section(
        assessment=assessment, section_key="organisation", values=values
    )
    assert assessment.sections_saved == 1
    organization = assessment.organization
    assert (organization.name, organization.employees, organization.regulated) == (
        "Acme",
        12,
        True,
    )


@pytest.mark.parametrize(
    "values",
    [{**TEAM, "ai_focus": "product"}, {"data_analyst": 1}],
    ids=["another-sections-field", "missing-fields"],
)
def test_save_section_refuses_other_than_its_fields(values):
    assessment = draft_assessment()
    with pytest.raises(ValueError, match="team section saves exactly"):
        services.assessment_save_section(
            assessment=assessment, section_key="team", values=values
        )


def test_save_section_refuses_a_submitted_assessment():
    assessment = submitted_assessment()
    with pytest.raises(services.NotADraft):
        services.assessment_save_section(
            assessment=assessment, section_key="team", values=TEAM
        )
