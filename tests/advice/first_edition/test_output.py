"""Spec section 7: the advice JSON, determinism and per-answer invariants."""

import json

from hypothesis import given

from assessments.advice import parse_answers
from assessments.advice.first_edition import CURRENT_VERSION, advise

from ..factories import example, make_answers
from ..test_answers import answers as any_answers


def test_to_dict_has_exactly_the_spec_keys():
    data = advise(parse_answers(example("balanced-large-startup.json"))).to_dict()
    assert list(data) == ["rulebook_version", "structure", "roles", "risks", "warnings"]
    assert list(data["structure"]) == ["key", "alternative", "rationale"]
    for rationale in data["structure"]["rationale"]:
        assert list(rationale) == ["rule", "source", "text"]
    for role in data["roles"]:
        assert list(role) == [
            "key",
            "required",
            "recommended",
            "current",
            "gap",
            "priority",
            "skills",
            "tech",
        ]
    for risk in data["risks"]:
        assert list(risk) == ["key", "level", "because", "mitigation"]


def test_to_dict_round_trips_through_json():
    data = advise(parse_answers(example("small-product-startup.json"))).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["rulebook_version"] == CURRENT_VERSION


def test_to_dict_shows_part_time_cover_in_warnings():
    data = advise(parse_answers(example("small-product-startup.json"))).to_dict()
    mlops = next(r for r in data["roles"] if r["key"] == "mlops_engineer")
    # Covered part-time, so it comes after the data scientist hire.
    assert (mlops["gap"], mlops["priority"]) == (2, 2)
    assert any("MLOps engineer" in w for w in data["warnings"])


def test_advise_is_deterministic():
    answers = make_answers(pain_points=("silos", "hiring_difficulty"))
    first = json.dumps(advise(answers).to_dict())
    assert all(json.dumps(advise(answers).to_dict()) == first for _ in range(5))


@given(any_answers())
def test_advise_invariants_hold_for_any_answers(answers):
    advice = advise(answers)
    assert advise(answers) == advice
    json.dumps(advice.to_dict())
    for role in advice.roles:
        assert role.gap == max(0, role.recommended - role.current)
        assert role.required or role.recommended == 0
        assert (role.priority is None) == (role.gap == 0)
    ranked = sorted(r.priority for r in advice.roles if r.priority)
    assert ranked == list(range(1, len(ranked) + 1))
    hires = [r.priority for r in advice.roles if r.priority and not r.covered_part_time]
    covered = [r.priority for r in advice.roles if r.covered_part_time]
    assert not hires or not covered or max(hires) < min(covered)
    for risk in advice.risks:
        assert (risk.level == "high") == bool(risk.because)
