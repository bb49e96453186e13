"""Spec section 11: the advice JSON, exactly; and determinism."""

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.advice import CURRENT_VERSION, Override, advise, parse_answers
from assessments.advice.domain import (
    AI_FOCUSES,
    CURRENT_STRUCTURES,
    PAIN_POINTS,
    ROLES,
    STAGES,
    STRUCTURES,
    keys,
)

from .factories import COSTS, answers_strategy, example, make_answers

TOP = [
    "rulebook_version",
    "structure",
    "roles",
    "hires",
    "roadmap",
    "risks",
    "transition",
    "sensitivity",
    "costs",
    "warnings",
]


def full_advice():
    answers = make_answers(
        stage="small_startup",
        ml_use_cases=3,
        product_teams=2,
        full_stack_data_scientists=1,
        pain_points=("silos", "hiring_difficulty"),
        data_analyst=0,
        data_engineer=1,
        data_scientist=1,
        research_scientist=0,
        mlops_engineer=0,
        software_developer=2,
    )
    return advise(answers, override=Override("hybrid", "Growth."), costs=COSTS)


def test_to_dict_has_exactly_the_spec_keys():
    data = full_advice().to_dict()
    assert list(data) == TOP
    assert data["rulebook_version"] == CURRENT_VERSION == "2026.3"
    assert list(data["structure"]) == [
        "key",
        "alternative",
        "recommended_by_teamadvisor",
        "override",
        "rationale",
    ]
    assert {tuple(step) for step in data["structure"]["rationale"]} == {
        ("rule", "source", "text")
    }
    assert {tuple(role) for role in data["roles"]} == {
        (
            "key",
            "required",
            "needed",
            "current",
            "gap",
            "status",
            "priority",
            "skills",
            "tech",
        )
    }
    assert {tuple(hire) for hire in data["hires"]} == {
        ("roles", "count", "priority", "tier", "seniority", "quarter")
    }
    assert {tuple(q) for q in data["roadmap"]} == {
        ("quarter", "actions", "hires", "added_cost")
    }
    assert {tuple(risk) for risk in data["risks"]} == {
        ("key", "level", "source", "because", "mitigation")
    }
    assert list(data["transition"]) == ["from", "to", "steps"]
    assert {tuple(n) for n in data["sensitivity"]} == {
        ("field", "value", "change", "structure")
    }
    assert list(data["costs"]) == ["currency", "total", "later"]


def test_to_dict_values_have_spec_types_and_vocabulary():
    data = full_advice().to_dict()
    assert data["structure"]["key"] == data["structure"]["override"] == "hybrid"
    assert data["structure"]["recommended_by_teamadvisor"] == "decentralized"
    assert [role["key"] for role in data["roles"]] == list(keys(ROLES))
    assert {role["status"] for role in data["roles"]} <= {
        "hire",
        "part_time",
        "enough",
        "optional",
    }
    for hire in data["hires"]:
        assert hire["tier"] in ("blocking", "growing", "later")
        assert hire["seniority"] in ("senior", "mid")
        assert 1 <= hire["quarter"] <= 5
        assert hire["roles"] == [r for r in keys(ROLES) if r in hire["roles"]]
    assert [q["quarter"] for q in data["roadmap"]] == [1, 2, 3, 4, 5]
    assert all(isinstance(q["added_cost"], int) for q in data["roadmap"])
    for risk in data["risks"]:
        assert risk["level"] in ("high", "medium")
        assert risk["source"] in ("article", "house")
        assert all(isinstance(text, str) for text in risk["because"])
    assert json.loads(json.dumps(data)) == data


def test_to_dict_without_override_or_costs_has_nulls():
    data = advise(make_answers()).to_dict()
    assert data["structure"]["override"] is None
    assert data["costs"] is None
    assert [q["added_cost"] for q in data["roadmap"]] == [None] * 5


def test_to_dict_warnings_are_texts():
    data = advise(make_answers(ml_use_cases=0)).to_dict()
    assert len(data["warnings"]) == 1
    assert isinstance(data["warnings"][0], str)


@settings(max_examples=40, deadline=None)
@given(answers_strategy(), st.sampled_from((None, *keys(STRUCTURES))))
def test_same_answers_always_give_the_same_output(answers, structure):
    override = Override(structure, "Why not.") if structure else None
    first = advise(answers, override=override, costs=COSTS).to_dict()
    again = advise(answers, override=override, costs=COSTS).to_dict()
    assert json.dumps(first) == json.dumps(again)


def test_example_answers_files_advise_deterministically():
    for name in (
        "small-product-startup.json",
        "research-startup.json",
        "balanced-large-startup.json",
        "product-enterprise.json",
    ):
        answers = parse_answers(example(name))
        assert advise(answers).to_dict() == advise(answers).to_dict()


INTERNAL = set(
    key
    for choices in (
        STAGES,
        AI_FOCUSES,
        CURRENT_STRUCTURES,
        STRUCTURES,
        ROLES,
        PAIN_POINTS,
    )
    for key in keys(choices)
    if "_" in key
) | {
    "ml_use_cases",
    "product_teams",
    "use_cases",
    "ml_staff",
    "science_staff",
    "dedicated_ml_budget",
    "full_stack_data_scientists",
    "has_ml_lead",
}


def client_texts(data: dict):
    yield from (step["text"] for step in data["structure"]["rationale"])
    for quarter in data["roadmap"]:
        yield from quarter["actions"]
    for risk in data["risks"]:
        yield from risk["because"]
        yield risk["mitigation"]
    yield from data["transition"]["steps"]
    yield from (n["change"] for n in data["sensitivity"])
    yield from data["warnings"]


@settings(max_examples=60, deadline=None)
@given(answers_strategy(), st.sampled_from((None, *keys(STRUCTURES))))
def test_client_texts_have_no_internal_keys_or_placeholders(answers, structure):
    override = Override(structure, "Consultant's view.") if structure else None
    data = advise(answers, override=override).to_dict()
    for text in client_texts(data):
        assert not INTERNAL & set(re.findall(r"[a-z]+(?:_[a-z]+)+", text)), text
        assert "{" not in text and "}" not in text, text
        assert not re.search(r"\b1 (teams|use cases|data scientists)\b", text), text
        assert not re.search(r"\b([02-9]|\d\d+) (team|use case)\b", text), text
