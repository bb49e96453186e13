"""Valid answers to start from; each test changes only what it is about."""

import copy
import json
from pathlib import Path

from hypothesis import strategies as st

from assessments.advice import Answers, Headcount, Organization, load_rulebook
from assessments.advice.domain import (
    AI_FOCUSES,
    CURRENT_STRUCTURES,
    PAIN_POINTS,
    ROLES,
    STAGES,
    keys,
)
from assessments.advice.facts import render as fill

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
    current_structure: str = "none",
    regulated: bool = False,
    has_ml_lead: bool | None = None,
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
            name="Acme",
            employees=employees or TYPICAL_EMPLOYEES[stage],
            stage=stage,
            regulated=regulated,
        ),
        ai_focus=ai_focus,
        ml_use_cases=ml_use_cases,
        product_teams=product_teams,
        headcount=Headcount(**roles),
        dedicated_ml_budget=dedicated_ml_budget,
        full_stack_data_scientists=full_stack_data_scientists,
        pain_points=pain_points,
        current_structure=current_structure,
        has_ml_lead=has_ml_lead,
    )


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


COSTS = {
    "currency": "EUR",
    "yearly_cost": {
        "data_analyst": {"senior": 90_000, "mid": 70_000},
        "data_engineer": {"senior": 130_000, "mid": 100_000},
        "data_scientist": {"senior": 150_000, "mid": 110_000},
        "research_scientist": {"senior": 170_000, "mid": 130_000},
        "mlops_engineer": {"senior": 140_000, "mid": 105_000},
        "software_developer": {"senior": 120_000, "mid": 95_000},
    },
}


@st.composite
def answers_strategy(
    draw, *, max_count: int = 12, max_people: int = 12, **fixed: object
) -> Answers:
    """Valid second-edition answers of every kind, small enough to be quick.

    ``fixed`` pins any ``make_answers`` argument (``stage="small_startup"``).
    """
    people = st.integers(0, max_people)
    values: dict[str, object] = {
        "stage": st.sampled_from(keys(STAGES)),
        "ai_focus": st.sampled_from(keys(AI_FOCUSES)),
        "ml_use_cases": st.integers(0, max_count),
        "product_teams": st.integers(0, max_count),
        "dedicated_ml_budget": st.booleans(),
        "current_structure": st.sampled_from(keys(CURRENT_STRUCTURES)),
        "regulated": st.booleans(),
        "has_ml_lead": st.sampled_from((None, True, False)),
        "pain_points": st.sets(st.sampled_from(keys(PAIN_POINTS))).map(
            lambda pains: tuple(k for k in keys(PAIN_POINTS) if k in pains)
        ),
        **{role: people for role in keys(ROLES)},
    }
    drawn = {
        key: fixed[key] if key in fixed else draw(strategy)
        for key, strategy in values.items()
    }
    data_scientists = drawn["data_scientist"]
    drawn["full_stack_data_scientists"] = fixed.get(
        "full_stack_data_scientists", draw(st.integers(0, data_scientists))
    )
    return make_answers(**drawn)


BOOK = load_rulebook()


def rule(rule_id: str):
    """The rule of the current rulebook with id ``rule_id``."""
    (found,) = [r for r in BOOK.rules() if r.id == rule_id]
    return found


def render(template: str, **values: object) -> str:
    """``template`` filled with ``values``, as the engine fills rulebook texts."""
    return fill(template, values)
