"""Valid answers to start from; each test changes only what it is about."""

import copy
import json
from pathlib import Path

from assessments.advice import Answers, Headcount, Organization

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
ARTICLE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "mlops-team-structure-article.txt"
)

VALID = {
    "organization": {
        "name": "Acme Analytics",
        "industry": "retail",
        "employees": 400,
        "stage": "large_startup",
    },
    "ai_focus": "product",
    "ml_use_cases": 3,
    "product_teams": 2,
    "dedicated_ml_budget": True,
    "current_structure": "none",
    "headcount": {
        "data_analyst": 1,
        "data_engineer": 1,
        "data_scientist": 2,
        "research_scientist": 0,
        "mlops_engineer": 1,
        "software_developer": 6,
    },
    "full_stack_data_scientists": 0,
    "pain_points": [],
}


# (structure, alternative) each example answers file must get, by file stem.
EXAMPLE_STRUCTURES = {
    "small-product-startup": ("decentralized", "centralized"),
    "research-startup": ("centralized", "decentralized"),
    "balanced-large-startup": ("hybrid", "centralized"),
    "product-enterprise": ("hybrid", "centralized_product"),
}

TYPICAL_EMPLOYEES = {"small_startup": 100, "large_startup": 1000, "enterprise": 5000}


def answer_data() -> dict:
    """A fresh, valid answers file as a dict."""
    return copy.deepcopy(VALID)


def make_answers(
    *,
    stage: str = "large_startup",
    ai_focus: str = "product",
    ml_use_cases: int = 3,
    product_teams: int = 2,
    employees: int | None = None,
    dedicated_ml_budget: bool = True,
    full_stack_data_scientists: int = 0,
    pain_points: tuple[str, ...] = (),
    **headcount: int,
) -> Answers:
    """Answers built directly; headcount defaults to one of each role and
    employees to a size that fits the stage, so no warning fires by accident."""
    roles = {
        "data_analyst": 1,
        "data_engineer": 1,
        "data_scientist": 1,
        "research_scientist": 1,
        "mlops_engineer": 1,
        "software_developer": 1,
    }
    roles.update(headcount)
    return Answers(
        organization=Organization(
            name="Acme", employees=employees or TYPICAL_EMPLOYEES[stage], stage=stage
        ),
        ai_focus=ai_focus,
        ml_use_cases=ml_use_cases,
        product_teams=product_teams,
        headcount=Headcount(**roles),
        dedicated_ml_budget=dedicated_ml_budget,
        full_stack_data_scientists=full_stack_data_scientists,
        pain_points=pain_points,
    )


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
