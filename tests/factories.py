"""Answers and assessments for tests, built through the real services, and the
URLs and form data tests send about them."""

import copy
import json
from pathlib import Path
from typing import Any

from django.urls import reverse

from assessments import services
from assessments.advice import parse_answers
from assessments.models import Assessment

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "examples"
# A well-formed private link that belongs to no assessment.
NOT_FOUND_URL = "/a/" + "x" * 43 + "/"

BASE_ANSWERS: dict[str, Any] = {
    "organization": {
        "name": "Acme Analytics",
        "industry": "retail",
        "employees": 40,
        "stage": "small_startup",
    },
    "ai_focus": "product",
    "ml_use_cases": 3,
    "product_teams": 2,
    "dedicated_ml_budget": False,
    "current_structure": "none",
    "headcount": {
        "data_analyst": 0,
        "data_engineer": 1,
        "data_scientist": 1,
        "research_scientist": 0,
        "mlops_engineer": 0,
        "software_developer": 6,
    },
    "full_stack_data_scientists": 1,
    "pain_points": ["silos", "hiring_difficulty"],
}


def answers_dict(**overrides: Any) -> dict[str, Any]:
    """BASE_ANSWERS with top-level keys replaced (nested dicts merged)."""
    data = copy.deepcopy(BASE_ANSWERS)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES_DIR / f"{name}.json").read_text())


def draft_assessment(**overrides: Any) -> Assessment:
    """A draft with every section saved, ready for review."""
    answers = parse_answers(answers_dict(**overrides))
    return services.assessment_create_from_answers(answers=answers)


def submitted_assessment(**overrides: Any) -> Assessment:
    assessment = draft_assessment(**overrides)
    services.assessment_submit(assessment=assessment)
    return assessment


def section_url(assessment: Assessment, key: str) -> str:
    """The questionnaire page of one section (``organisation``, ``goals``...)."""
    return reverse("assessments:section", args=[assessment.token, key])


def review_data(assessment: Assessment, **changes: Any) -> dict[str, Any]:
    """The admin change form's POST data: the assessment's saved review fields,
    with ``changes`` applied, sent with the plain Save button."""
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
