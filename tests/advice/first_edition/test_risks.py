"""Spec section 5: each structure's risks, and what makes one high."""

import pytest

from assessments.advice.first_edition import advise, load_rulebook

from ..factories import make_answers

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
        assert (risk.level, risk.because) == ("medium", ())
        assert risk.label
        assert risk.mitigation


# Spec section 2, written out by hand so the rulebook is checked against it.
SPEC_RISKS = {
    "centralized": [
        "siloing",
        "resource_management",
        "too_many_use_cases",
        "business_insight",
        "estimation",
        "undefined_function",
    ],
    "decentralized": ["research_fit", "siloing", "recruitment"],
    "hybrid": ["responsibility_conflicts", "siloing"],
    "centralized_product": ["integration", "business_insight"],
}


@pytest.mark.parametrize("structure", SPEC_RISKS)
def test_each_structure_lists_the_known_challenges_of_spec_section_2(structure):
    assert list(risks_of(structure)) == SPEC_RISKS[structure]


def test_k_estimation_budget_and_k_estimation_pain_both_named_with_source():
    """A risk names every trigger that fired, each with its rule's source, from
    which the report labels house rules."""
    risk = risks_of(
        "centralized", dedicated_ml_budget=False, pain_points=("estimation_difficulty",)
    )["estimation"]
    assert [f.rule for f in risk.because] == [
        "K-ESTIMATION-BUDGET",
        "K-ESTIMATION-PAIN",
    ]
    labels = [(f.rule, f.source, f.source_label) for f in risk.because]
    assert labels == [
        ("K-ESTIMATION-BUDGET", "article", "from the article"),
        ("K-ESTIMATION-PAIN", "house", "house rule"),
    ]


def test_risks_only_of_the_recommended_structure():
    risks = risks_of("hybrid", pain_points=("estimation_difficulty",))
    assert list(risks) == ["responsibility_conflicts", "siloing"]


TRIGGERS = [
    (
        "K-SILOING-PAIN",
        "decentralized",
        "siloing",
        {"pain_points": ("silos",)},
        "You reported that ML work happens in silos (pain points).",
    ),
    ("K-SILOING-PAIN", "hybrid", "siloing", {}, None),
    (
        "K-RESOURCE-NO-DEV",
        "centralized",
        "resource_management",
        {"software_developer": 0},
        "No software developer works on ML yet (headcount: 0), so the team depends"
        " on other teams to ship.",
    ),
    (
        "K-RESOURCE-PAIN",
        "centralized",
        "resource_management",
        {"pain_points": ("resource_conflicts",)},
        "You reported that teams fight over the same people (pain points).",
    ),
    (
        "K-RESOURCE-SLOW",
        "centralized",
        "resource_management",
        {"pain_points": ("slow_delivery",)},
        "You reported that models take too long to ship (pain points).",
    ),
    (
        "K-USECASES-OVER-DS",
        "centralized",
        "too_many_use_cases",
        {"ml_use_cases": 5, "data_scientist": 2},
        "More than two use cases per data scientist: 5 use cases against a"
        " data-scientist headcount of 2.",
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
        "You reported more ML requests than the team can handle (pain points).",
    ),
    (
        "K-INSIGHT-PAIN",
        "centralized",
        "business_insight",
        {"pain_points": ("business_insight_gap",)},
        "You reported that ML people lack business insight (pain points).",
    ),
    (
        "K-INSIGHT-PAIN",
        "centralized_product",
        "business_insight",
        {"pain_points": ("business_insight_gap",)},
        "You reported that ML people lack business insight (pain points).",
    ),
    (
        "K-ESTIMATION-BUDGET",
        "centralized",
        "estimation",
        {"dedicated_ml_budget": False},
        "There is no budget set aside for ML work (dedicated ML budget).",
    ),
    (
        "K-ESTIMATION-PAIN",
        "centralized",
        "estimation",
        {"pain_points": ("estimation_difficulty",)},
        "You reported that ML projects are hard to estimate (pain points).",
    ),
    (
        "K-FUNCTION-PAIN",
        "centralized",
        "undefined_function",
        {"pain_points": ("unclear_mandate",)},
        "You reported that nobody knows what the ML team is for (pain points).",
    ),
    (
        "K-RESEARCH-FOCUS",
        "decentralized",
        "research_fit",
        {"stage": "small_startup", "ai_focus": "balanced"},
        "Your AI focus includes research, which squads tuned for shipping rarely"
        " make room for (AI focus).",
    ),
    (
        "K-RESEARCH-STAFF",
        "decentralized",
        "research_fit",
        {"research_scientist": 2},
        "Research scientists on staff: 2; squads rarely plan for their kind of work"
        " (headcount).",
    ),
    (
        "K-RECRUIT-MLOPS",
        "decentralized",
        "recruitment",
        {"mlops_engineer": 1},
        "Fewer MLOps engineers than squads: a headcount of 1 for 2 squads leaves"
        " some squads without one (headcount, product teams).",
    ),
    ("K-RECRUIT-MLOPS", "decentralized", "recruitment", {"mlops_engineer": 2}, None),
    (
        "K-RECRUIT-PAIN",
        "decentralized",
        "recruitment",
        {"pain_points": ("hiring_difficulty",)},
        "You reported that ML roles are hard to fill (pain points).",
    ),
    (
        "K-CONFLICT-MANDATE",
        "hybrid",
        "responsibility_conflicts",
        {"pain_points": ("unclear_mandate",)},
        "You reported that nobody knows what the ML team is for (pain points).",
    ),
    (
        "K-CONFLICT-RESOURCES",
        "hybrid",
        "responsibility_conflicts",
        {"pain_points": ("resource_conflicts",)},
        "You reported that teams fight over the same people (pain points).",
    ),
    (
        "K-INTEGRATION-RESEARCH",
        "centralized_product",
        "integration",
        {"pain_points": ("research_not_shipping",)},
        "You reported that research never reaches the product (pain points).",
    ),
    (
        "K-INTEGRATION-SLOW",
        "centralized_product",
        "integration",
        {"pain_points": ("slow_delivery",)},
        "You reported that models take too long to ship (pain points).",
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
        assert risk.level == "high"
        assert [(f.rule, f.text) for f in risk.because] == [(rule, because)]
    else:
        assert (risk.level, risk.because) == ("medium", ())
