"""Assessment rows <-> the answers file of advice-spec §6.

The answers file is the one contract between the web form, the command line
and the tests, so the web side converts to it and validates with the engine's
``parse_answers`` rather than keeping rules of its own.
"""

from typing import Any

from assessments.advice import Answers, is_first_edition, parse_answers
from assessments.models import ROLE_KEYS, Assessment, Organization

# Rulebooks of the first edition of the spec. Assessments advised under them
# keep the first edition's leniency: more full-stack data scientists than data
# scientists was only a warning then.


def assessment_to_answers(assessment: Assessment) -> dict[str, Any]:
    """The §6 dict of what is saved; a draft may lack required keys."""
    data: dict[str, Any] = {}
    org = assessment.organization
    if org is not None:
        data["organization"] = {
            "name": org.name,
            "industry": org.industry,
            "employees": org.employees,
            "stage": org.stage,
            "regulated": org.regulated,
        }
    if assessment.ai_focus:
        data["ai_focus"] = assessment.ai_focus
    for field in ("ml_use_cases", "product_teams"):
        if getattr(assessment, field) is not None:
            data[field] = getattr(assessment, field)
    data["dedicated_ml_budget"] = assessment.dedicated_ml_budget
    data["current_structure"] = assessment.current_structure
    data["has_ml_lead"] = assessment.has_ml_lead  # None: not known
    headcount = assessment.headcount()
    if all(count is not None for count in headcount.values()):
        data["headcount"] = headcount
    data["full_stack_data_scientists"] = assessment.full_stack_data_scientists
    data["pain_points"] = list(assessment.pain_points)
    return data


def assessment_answers(assessment: Assessment) -> Answers:
    """The validated answers; raises ``AnswersInvalid`` for an incomplete draft.

    An assessment advised under a first-edition rulebook is read with that
    edition's rules, so it keeps rendering (advice-spec §6).
    """
    return parse_answers(
        assessment_to_answers(assessment),
        first_edition=is_first_edition(assessment.rulebook_version),
    )


def build_from_answers(answers: Answers) -> tuple[Organization, Assessment]:
    """Unsaved rows holding ``answers``; the caller saves them."""
    data = answers.to_dict()
    organization = Organization(**data["organization"])
    assessment = Assessment(organization=organization, **_assessment_fields(data))
    return organization, assessment


def _assessment_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "ai_focus": data["ai_focus"],
        "ml_use_cases": data["ml_use_cases"],
        "product_teams": data["product_teams"],
        "dedicated_ml_budget": data["dedicated_ml_budget"],
        "current_structure": data["current_structure"],
        "has_ml_lead": data["has_ml_lead"],
        **{role: data["headcount"][role] for role in ROLE_KEYS},
        "full_stack_data_scientists": data["full_stack_data_scientists"],
        "pain_points": list(data["pain_points"]),
    }
