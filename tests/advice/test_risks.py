"""Spec section 5: each structure's risks, and what makes one high."""

import pytest

from assessments.advice import advise, load_rulebook

from .factories import make_answers

# Settings whose structure (from the decision table) lists the risk under test,
# with headcounts and budget chosen so that no trigger fires by itself.
CALM = {
    "centralized": {
        "stage": "large_startup",
        "ai_focus": "research",
        "ml_use_cases": 2,
        "data_scientist": 5,
        "software_developer": 3,
    },
    "decentralized": {
        "stage": "large_startup",
        "ai_focus": "product",
        "ml_use_cases": 2,
        "product_teams": 2,
        "mlops_engineer": 2,
        "research_scientist": 0,
    },
    "hybrid": {"stage": "enterprise", "ai_focus": "balanced"},
    "centralized_product": {"stage": "enterprise", "ai_focus": "research"},
}


def risks_of(structure: str, **changes) -> dict:
    answers = make_answers(**{**CALM[structure], **changes})
    advice = advise(answers)
    assert advice.structure.key == structure
    return {risk.key: risk for risk in advice.risks}


@pytest.mark.parametrize("structure", CALM)
def test_risks_listed_in_table_order_and_medium_when_calm(structure):
    risks = risks_of(structure)
    assert list(risks) == list(load_rulebook().structures[structure].risks)
    for risk in risks.values():
        assert (risk.level, risk.because, risk.rules) == ("medium", (), ())
        assert risk.label
        assert risk.mitigation


def test_risks_only_of_the_recommended_structure():
    risks = risks_of("hybrid", pain_points=("estimation_difficulty",))
    assert list(risks) == ["responsibility_conflicts", "siloing"]


TRIGGERS = [
    (
        "K-SILOING-PAIN",
        "decentralized",
        "siloing",
        {"pain_points": ("silos",)},
        "pain point: silos",
    ),
    ("K-SILOING-PAIN", "hybrid", "siloing", {}, None),
    (
        "K-RESOURCE-NO-DEV",
        "centralized",
        "resource_management",
        {"software_developer": 0},
        "software_developer headcount is 0",
    ),
    (
        "K-RESOURCE-PAIN",
        "centralized",
        "resource_management",
        {"pain_points": ("resource_conflicts",)},
        "pain point: resource_conflicts",
    ),
    (
        "K-RESOURCE-SLOW",
        "centralized",
        "resource_management",
        {"pain_points": ("slow_delivery",)},
        "pain point: slow_delivery",
    ),
    (
        "K-USECASES-OVER-DS",
        "centralized",
        "too_many_use_cases",
        {"ml_use_cases": 5, "data_scientist": 2},
        "5 use cases for 2 data scientists, more than 2 each",
    ),
    (
        "K-USECASES-OVER-DS",
        "centralized",
        "too_many_use_cases",
        {"ml_use_cases": 4, "data_scientist": 2},
        None,
    ),
    (
        "K-USECASES-REQUESTS",
        "centralized",
        "too_many_use_cases",
        {"pain_points": ("too_many_requests",)},
        "pain point: too_many_requests",
    ),
    (
        "K-INSIGHT-PAIN",
        "centralized",
        "business_insight",
        {"pain_points": ("business_insight_gap",)},
        "pain point: business_insight_gap",
    ),
    (
        "K-INSIGHT-PAIN",
        "centralized_product",
        "business_insight",
        {"pain_points": ("business_insight_gap",)},
        "pain point: business_insight_gap",
    ),
    (
        "K-ESTIMATION-BUDGET",
        "centralized",
        "estimation",
        {"dedicated_ml_budget": False},
        "dedicated_ml_budget is false",
    ),
    (
        "K-ESTIMATION-PAIN",
        "centralized",
        "estimation",
        {"pain_points": ("estimation_difficulty",)},
        "pain point: estimation_difficulty",
    ),
    (
        "K-FUNCTION-PAIN",
        "centralized",
        "undefined_function",
        {"pain_points": ("unclear_mandate",)},
        "pain point: unclear_mandate",
    ),
    (
        "K-RESEARCH-FOCUS",
        "decentralized",
        "research_fit",
        {"stage": "small_startup", "ai_focus": "balanced"},
        "ai_focus is balanced, so part of the work is research",
    ),
    (
        "K-RESEARCH-STAFF",
        "decentralized",
        "research_fit",
        {"research_scientist": 2},
        "research_scientist headcount is 2",
    ),
    (
        "K-RECRUIT-MLOPS",
        "decentralized",
        "recruitment",
        {"mlops_engineer": 1},
        "mlops_engineer headcount is 1 for 2 squads",
    ),
    ("K-RECRUIT-MLOPS", "decentralized", "recruitment", {"mlops_engineer": 2}, None),
    (
        "K-RECRUIT-PAIN",
        "decentralized",
        "recruitment",
        {"pain_points": ("hiring_difficulty",)},
        "pain point: hiring_difficulty",
    ),
    (
        "K-CONFLICT-MANDATE",
        "hybrid",
        "responsibility_conflicts",
        {"pain_points": ("unclear_mandate",)},
        "pain point: unclear_mandate",
    ),
    (
        "K-CONFLICT-RESOURCES",
        "hybrid",
        "responsibility_conflicts",
        {"pain_points": ("resource_conflicts",)},
        "pain point: resource_conflicts",
    ),
    (
        "K-INTEGRATION-RESEARCH",
        "centralized_product",
        "integration",
        {"pain_points": ("research_not_shipping",)},
        "pain point: research_not_shipping",
    ),
    (
        "K-INTEGRATION-SLOW",
        "centralized_product",
        "integration",
        {"pain_points": ("slow_delivery",)},
        "pain point: slow_delivery",
    ),
]


@pytest.mark.parametrize(
    ("rule", "structure", "key", "changes", "because"),
    TRIGGERS,
    ids=[f"{t[0]}-{'high' if t[4] else 'medium'}" for t in TRIGGERS],
)
def test_risk_trigger_sets_level(rule, structure, key, changes, because):
    risk = risks_of(structure, **changes)[key]
    if because:
        assert (risk.level, risk.because, risk.rules) == ("high", (because,), (rule,))
    else:
        assert (risk.level, risk.because) == ("medium", ())


def test_risk_names_every_trigger_that_fired():
    risk = risks_of(
        "centralized", dedicated_ml_budget=False, pain_points=("estimation_difficulty",)
    )["estimation"]
    assert risk.rules == ("K-ESTIMATION-BUDGET", "K-ESTIMATION-PAIN")
    assert len(risk.because) == 2
