"""Spec section 5: the structure's own risks (K-STRUCTURE, K-RESEARCH-FIT),
risks raised by pain points (K-PAIN-*) and other answers, merging, and the
consistency of the chosen structure with its high risks (K-CONSISTENCY)."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.advice import PAIN_POINTS, Override, advise
from assessments.advice.domain import STRUCTURES, keys

from .factories import BOOK, answers_strategy, make_answers, render, rule

STRUCTURE_KEYS = keys(STRUCTURES)


def plan(structure: str | None = None, **answers):
    override = Override(structure, "Fixed for the test.") if structure else None
    return advise(make_answers(**answers), override=override)


def levels(advice) -> dict[str, str]:
    return {risk.key: risk.level for risk in advice.risks}


def reasons(advice, key: str) -> list[str]:
    (risk,) = [r for r in advice.risks if r.key == key]
    return [step.rule for step in risk.because]


# K-STRUCTURE ----------------------------------------------------------------

# Two data scientists for three use cases: no overload; one MLOps engineer and
# one developer today; a budget; no pain points; product focus.
CALM = dict(data_scientist=2)


@pytest.mark.parametrize(
    ("structure", "own"),
    [
        (
            "centralized",
            [
                "siloing",
                "resource_management",
                "too_many_use_cases",
                "business_insight",
                "estimation",
                "undefined_function",
            ],
        ),
        ("decentralized", ["siloing", "recruitment"]),
        ("hybrid", ["responsibility_conflicts", "siloing"]),
        ("centralized_product", ["integration", "business_insight"]),
    ],
    ids=[
        "K-STRUCTURE-centralized",
        "K-STRUCTURE-decentralized",
        "K-STRUCTURE-hybrid",
        "K-STRUCTURE-centralized-product",
    ],
)
def test_k_structure_own_risks_listed_at_medium(structure, own):
    advice = plan(structure, **CALM)
    assert levels(advice) == dict.fromkeys(own, "medium")
    for risk in advice.risks:
        assert [(s.rule, s.source) for s in risk.because] == [
            ("K-STRUCTURE", "article")
        ]
        assert risk.source == "article"
        assert risk.mitigation == BOOK.risk_text(risk.key)["mitigation"]
        assert risk.label == BOOK.risk_text(risk.key)["label"]


@pytest.mark.parametrize(
    ("focus", "level", "template"),
    [
        ("product", None, None),
        ("balanced", "medium", "text"),
        ("research", "high", "high_text"),
    ],
    ids=[
        "K-RESEARCH-FIT-product-left-out",
        "K-RESEARCH-FIT-balanced-medium",
        "K-RESEARCH-FIT-research-high",
    ],
)
def test_k_research_fit_by_focus(focus, level, template):
    # Decentralized for a research focus is reachable only by an override.
    advice = plan("decentralized", ai_focus=focus, **CALM)
    assert levels(advice).get("research_fit") == level
    if level:
        (step,) = [r for r in advice.risks if r.key == "research_fit"][0].because
        fit = rule("K-RESEARCH-FIT")
        text = fit.text if template == "text" else fit[template]
        assert (step.rule, step.text) == ("K-RESEARCH-FIT", text)


def test_k_research_fit_only_for_decentralized():
    for structure in ("centralized", "hybrid", "centralized_product"):
        assert "research_fit" not in levels(plan(structure, ai_focus="research"))


# K-PAIN-* -------------------------------------------------------------------

PAINS = {
    "silos": ("siloing", "K-PAIN-SILOS"),
    "too_many_requests": ("too_many_use_cases", "K-PAIN-REQUESTS"),
    "business_insight_gap": ("business_insight", "K-PAIN-INSIGHT"),
    "estimation_difficulty": ("estimation", "K-PAIN-ESTIMATION"),
    "unclear_mandate": ("undefined_function", "K-PAIN-MANDATE"),
    "slow_delivery": ("delivery", "K-PAIN-DELIVERY"),
    "hiring_difficulty": ("recruitment", "K-PAIN-HIRING"),
    "research_not_shipping": ("integration", "K-PAIN-RESEARCH"),
}
CASES = (
    [(pain, structure, *PAINS[pain]) for pain in PAINS for structure in STRUCTURE_KEYS]
    + [
        ("resource_conflicts", structure, "resource_management", "K-PAIN-RESOURCES")
        for structure in ("centralized", "decentralized", "centralized_product")
    ]
    + [
        (
            "resource_conflicts",
            "hybrid",
            "responsibility_conflicts",
            "K-PAIN-RESOURCES-HYBRID",
        )
    ]
)


@pytest.mark.parametrize(
    ("pain", "structure", "risk", "rule_id"),
    CASES,
    ids=[f"{case[3]}-{case[1]}" for case in CASES],
)
def test_k_pain_every_pain_point_raises_a_high_risk_under_every_structure(
    pain, structure, risk, rule_id
):
    advice = plan(structure, pain_points=(pain,), **CALM)
    assert levels(advice)[risk] == "high"
    assert rule_id in reasons(advice, risk)
    (step,) = [s for r in advice.risks for s in r.because if s.rule == rule_id]
    assert step.text == rule(rule_id).text
    assert step.source == "house"
    assert step.reads == (("pain_points", pain),)


def test_k_pain_resources_hybrid_does_not_raise_resource_management():
    advice = plan("hybrid", pain_points=("resource_conflicts",), **CALM)
    assert "resource_management" not in levels(advice)


def test_k_pain_hiring_names_the_combined_hire_when_there_is_one():
    lone = dict(
        stage="small_startup",
        ml_use_cases=3,
        product_teams=3,
        pain_points=("hiring_difficulty",),
        data_analyst=0,
        data_engineer=0,
        data_scientist=1,
        research_scientist=0,
        mlops_engineer=0,
        software_developer=4,
    )
    advice = plan(**lone)
    (step,) = [s for r in advice.risks for s in r.because if s.rule == "K-PAIN-HIRING"]
    assert step.text == rule("K-PAIN-HIRING")["combined_text"]
    plain = plan(pain_points=("hiring_difficulty",), **CALM)
    (step,) = [s for r in plain.risks for s in r.because if s.rule == "K-PAIN-HIRING"]
    assert step.text == rule("K-PAIN-HIRING").text


# Other answers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("structure", "level", "rule_id"),
    [
        ("centralized", "high", "K-BUDGET-CENTRAL"),
        ("centralized_product", "medium", "K-BUDGET"),
        ("decentralized", "medium", "K-BUDGET"),
        ("hybrid", "medium", "K-BUDGET"),
    ],
    ids=[
        "K-BUDGET-CENTRAL",
        "K-BUDGET-centralized-product",
        "K-BUDGET-decentralized",
        "K-BUDGET-hybrid",
    ],
)
def test_k_budget_without_ml_budget(structure, level, rule_id):
    advice = plan(structure, dedicated_ml_budget=False, **CALM)
    assert levels(advice)["estimation"] == level
    assert rule_id in reasons(advice, "estimation")
    assert rule(rule_id).source == ("article" if level == "high" else "house")


def test_k_budget_silent_with_a_budget():
    for structure in ("decentralized", "hybrid", "centralized_product"):
        assert "estimation" not in levels(plan(structure, **CALM))


@pytest.mark.parametrize(
    ("structure", "developers", "raised"),
    [
        ("centralized", 0, True),
        ("centralized", 1, False),
        ("centralized_product", 0, False),
        ("decentralized", 0, False),
    ],
    ids=[
        "K-CENTRAL-NO-DEV",
        "K-CENTRAL-NO-DEV-one-dev",
        "K-CENTRAL-NO-DEV-not-product-team",
        "K-CENTRAL-NO-DEV-not-decentralized",
    ],
)
def test_k_central_no_dev(structure, developers, raised):
    advice = plan(structure, software_developer=developers, **CALM)
    found = "K-CENTRAL-NO-DEV" in [s.rule for r in advice.risks for s in r.because]
    assert found is raised
    if raised:
        assert levels(advice)["resource_management"] == "high"


@pytest.mark.parametrize(
    ("ml_use_cases", "scientists", "raised"),
    [(3, 1, True), (2, 1, False), (5, 2, True), (4, 2, False), (0, 0, False)],
    ids=[
        "K-CENTRAL-OVERLOAD-3-for-1",
        "K-CENTRAL-OVERLOAD-2-for-1",
        "K-CENTRAL-OVERLOAD-5-for-2",
        "K-CENTRAL-OVERLOAD-4-for-2",
        "K-CENTRAL-OVERLOAD-no-use-case",
    ],
)
def test_k_central_overload_more_than_two_use_cases_each(
    ml_use_cases, scientists, raised
):
    advice = plan("centralized", ml_use_cases=ml_use_cases, data_scientist=scientists)
    found = "K-CENTRAL-OVERLOAD" in [s.rule for r in advice.risks for s in r.because]
    assert found is raised
    assert (levels(advice)["too_many_use_cases"] == "high") is raised
    # Never for the product-building central team.
    other = plan(
        "centralized_product", ml_use_cases=ml_use_cases, data_scientist=scientists
    )
    assert "too_many_use_cases" not in levels(other)


def test_k_central_overload_text_counts():
    advice = plan("centralized", ml_use_cases=3, data_scientist=1)
    (step,) = [
        s for r in advice.risks for s in r.because if s.rule == "K-CENTRAL-OVERLOAD"
    ]
    assert step.text == render(
        rule("K-CENTRAL-OVERLOAD").text, use_cases=3, **{"headcount.data_scientist": 1}
    )
    assert step.text.endswith("you plan 3 use cases with 1 data scientist today.")


@pytest.mark.parametrize(
    ("structure", "teams", "mlops", "raised"),
    [
        ("decentralized", 2, 0, True),
        ("hybrid", 3, 0, True),
        ("decentralized", 1, 0, False),
        ("decentralized", 2, 1, False),
        ("centralized", 3, 0, False),
        ("centralized_product", 3, 0, False),
    ],
    ids=[
        "K-NO-MLOPS-decentralized",
        "K-NO-MLOPS-hybrid",
        "K-NO-MLOPS-one-squad",
        "K-NO-MLOPS-has-one",
        "K-NO-MLOPS-not-centralized",
        "K-NO-MLOPS-not-centralized-product",
    ],
)
def test_k_no_mlops(structure, teams, mlops, raised):
    advice = plan(structure, product_teams=teams, mlops_engineer=mlops, **CALM)
    found = "K-NO-MLOPS" in [s.rule for r in advice.risks for s in r.because]
    assert found is raised
    if raised:
        assert levels(advice)["recruitment"] == "high"


def test_k_regulated_raises_governance_house_risk():
    advice = plan(regulated=True, **CALM)
    (risk,) = [r for r in advice.risks if r.key == "governance"]
    assert (risk.level, risk.source) == ("high", "house")
    assert [(s.rule, s.text) for s in risk.because] == [
        ("K-REGULATED", rule("K-REGULATED").text)
    ]
    assert risk.because[0].reads == (("organization.regulated", "true"),)
    assert "governance" not in levels(plan(**CALM))


def test_k_no_use_cases_raises_undefined_function():
    advice = plan("decentralized", ml_use_cases=0, **CALM)
    assert levels(advice)["undefined_function"] == "high"
    assert reasons(advice, "undefined_function") == ["K-NO-USE-CASES"]
    assert "undefined_function" not in levels(plan("decentralized", **CALM))


def test_delivery_is_a_house_risk():
    advice = plan(pain_points=("slow_delivery",), **CALM)
    (risk,) = [r for r in advice.risks if r.key == "delivery"]
    assert risk.source == "house"


# Merging --------------------------------------------------------------------


def test_k_pain_mandate_and_k_no_use_cases_merge_into_one_risk():
    advice = plan(
        "centralized", ml_use_cases=0, pain_points=("unclear_mandate",), **CALM
    )
    assert [r.key for r in advice.risks].count("undefined_function") == 1
    assert reasons(advice, "undefined_function") == [
        "K-STRUCTURE",
        "K-PAIN-MANDATE",
        "K-NO-USE-CASES",
    ]
    assert levels(advice)["undefined_function"] == "high"


def test_k_pain_hiring_and_k_no_mlops_merge_with_the_structure_reason():
    advice = plan(
        "decentralized",
        product_teams=3,
        mlops_engineer=0,
        pain_points=("hiring_difficulty",),
        **CALM,
    )
    assert reasons(advice, "recruitment") == [
        "K-STRUCTURE",
        "K-PAIN-HIRING",
        "K-NO-MLOPS",
    ]


def test_k_budget_central_raises_the_structures_medium_estimation_to_high():
    advice = plan("centralized", dedicated_ml_budget=False, **CALM)
    assert levels(advice)["estimation"] == "high"
    assert reasons(advice, "estimation") == ["K-STRUCTURE", "K-BUDGET-CENTRAL"]


def test_high_risks_come_first():
    advice = plan("centralized", regulated=True, **CALM)
    ranked = [r.level for r in advice.risks]
    assert ranked == sorted(ranked, key=lambda level: level != "high")
    assert ranked[0] == "high"


# K-CONSISTENCY --------------------------------------------------------------


def test_k_consistency_answers_each_high_risk_of_the_structure():
    advice = plan(
        "decentralized",
        product_teams=3,
        mlops_engineer=0,
        regulated=True,
        pain_points=("silos",),
        **CALM,
    )
    consistency = [s for s in advice.structure.rationale if s.rule == "K-CONSISTENCY"]
    expected = []
    for key in ("siloing", "recruitment"):
        text = BOOK.risk_text(key)
        expected.append(
            render(
                rule("K-CONSISTENCY").text,
                risk=text["label"],
                mitigation=text["mitigation"],
            )
        )
    # governance is high too, but it is no weakness of the structure.
    assert sorted(s.text for s in consistency) == sorted(expected)
    assert {s.source for s in consistency} == {"house"}


def test_k_consistency_absent_without_high_structure_risk():
    advice = plan("decentralized", regulated=True, **CALM)
    assert "K-CONSISTENCY" not in [s.rule for s in advice.structure.rationale]


# Properties -----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    answers_strategy(),
    st.sampled_from(STRUCTURE_KEYS),
    st.sampled_from(keys(PAIN_POINTS)),
)
def test_k_pain_every_pain_point_changes_the_json_under_every_structure(
    answers, structure, pain
):
    without = tuple(p for p in answers.pain_points if p != pain)
    with_pain = tuple(p for p in keys(PAIN_POINTS) if p in (*without, pain))
    override = Override(structure, "Fixed.")
    before = advise(replace(answers, pain_points=without), override=override)
    after = advise(replace(answers, pain_points=with_pain), override=override)
    assert before.to_dict() != after.to_dict()
    # ... and in the risks the client reads, not only in the trace.
    assert before.to_dict()["risks"] != after.to_dict()["risks"]


@settings(max_examples=80, deadline=None)
@given(answers_strategy(), st.sampled_from((None, *STRUCTURE_KEYS)))
def test_risks_listed_once_at_their_highest_level(answers, structure):
    override = Override(structure, "Any.") if structure else None
    advice = advise(answers, override=override)
    found = [r.key for r in advice.risks]
    assert len(found) == len(set(found))
    own = BOOK.structure_text(advice.structure.key)["risks"]
    for key in own:
        if key == "research_fit" and answers.ai_focus == "product":
            assert key not in found
        else:
            assert key in found
    for risk in advice.risks:
        rules = [s.rule for s in risk.because]
        # A high risk has at least one reason that makes it high.
        if risk.level == "high":
            assert set(rules) - {"K-STRUCTURE", "K-BUDGET"}
