"""Spec section 8: the transition from today's structure (T-START, T-KEEP,
T-MOVE, and T-LEAD when there is a head of ML to build on), for the recommended
or the overridden structure."""

import pytest

from assessments.advice import Override, advise
from assessments.advice.domain import CURRENT_STRUCTURES, STRUCTURES, keys

from .factories import BOOK, make_answers, rule

PAIRS = [(c, s) for c in keys(CURRENT_STRUCTURES) for s in keys(STRUCTURES)]
LEAD_CHANGES = {
    (change["from"], change["to"]): change
    for change in BOOK.raw["transition"]["lead"]["steps"]
}


def rule_of(current: str, structure: str) -> str:
    if current == "none":
        return "T-START"
    return "T-KEEP" if current == structure else "T-MOVE"


@pytest.mark.parametrize(
    ("current", "structure"),
    PAIRS,
    ids=[f"{rule_of(c, s)}-{c}-to-{s}" for c, s in PAIRS],
)
def test_transition_every_pair_has_three_or_four_steps(current, structure):
    # has_ml_lead not said: no head of ML to build on.
    answers = make_answers(current_structure=current)
    advice = advise(answers, override=Override(structure, "For the test."))
    transition = advice.transition
    assert (transition.current, transition.structure) == (current, structure)
    assert [(r.rule, r.source) for r in transition.rules] == [
        (rule_of(current, structure), "house")
    ]
    assert transition.rules[0].text == rule(rule_of(current, structure)).text
    assert transition.steps == BOOK.transition_steps(current, structure, lead=False)
    assert 3 <= len(transition.steps) <= 4
    assert advice.to_dict()["transition"] == {
        "from": current,
        "to": structure,
        "steps": list(transition.steps),
    }


def test_transition_all_20_pairs_have_their_own_steps():
    steps = [BOOK.transition_steps(c, s, lead=False) for c, s in PAIRS]
    assert len(PAIRS) == 20
    assert len(set(steps)) == 20
    assert len({step for pair in steps for step in pair}) == sum(map(len, steps))


def test_t_start_builds_from_scratch():
    advice = advise(make_answers(current_structure="none"))
    assert [r.rule for r in advice.transition.rules] == ["T-START"]
    assert advice.transition.current_label == "No ML team yet"
    assert advice.transition.lead == ""


def test_t_keep_same_structure_has_its_lead_sentence():
    answers = make_answers(current_structure="decentralized")
    advice = advise(answers)
    assert advice.structure.key == "decentralized"
    assert [r.rule for r in advice.transition.rules] == ["T-KEEP"]
    assert advice.transition.lead == BOOK.raw["transition"]["same_lead"]


def test_t_move_goes_to_the_override_not_to_teamadvisors_choice():
    answers = make_answers(current_structure="centralized")
    plain = advise(answers)
    overridden = advise(answers, override=Override("hybrid", "Core first."))
    assert plain.transition.structure == "decentralized"
    assert overridden.transition.structure == "hybrid"
    assert [r.rule for r in overridden.transition.rules] == ["T-MOVE"]
    assert overridden.transition.steps == BOOK.transition_steps(
        "centralized", "hybrid", lead=False
    )
    assert overridden.transition.lead == ""


def test_t_move_centralized_to_hybrid_central_team_becomes_the_core():
    steps = " ".join(BOOK.transition_steps("centralized", "hybrid", lead=False))
    assert "core" in steps.lower()
    assert "platform" in steps.lower()


@pytest.mark.parametrize(
    ("current", "structure"),
    sorted(LEAD_CHANGES),
    ids=[f"T-LEAD-{c}-to-{s}" for c, s in sorted(LEAD_CHANGES)],
)
def test_t_lead_builds_on_the_head_of_ml_there_is(current, structure):
    change = LEAD_CHANGES[(current, structure)]
    answers = make_answers(current_structure=current, has_ml_lead=True)
    advice = advise(answers, override=Override(structure, "For the test."))
    expected = list(BOOK.transition_steps(current, structure, lead=False))
    expected[change["step"]] = change["text"]
    assert advice.transition.steps == tuple(expected)
    assert [r.rule for r in advice.transition.rules] == [
        rule_of(current, structure),
        "T-LEAD",
    ]
    assert 3 <= len(advice.transition.steps) <= 4


def test_t_lead_when_the_roadmap_names_the_head_of_ml_first():
    # No head of ML, and a hybrid always needs one (M-ML-LEAD): quarter 1
    # names them, so the transition builds on that person too.
    answers = make_answers(current_structure="none", has_ml_lead=False)
    advice = advise(answers, override=Override("hybrid", "Core first."))
    assert advice.roadmap[0].steps[0] == rule("M-ML-LEAD").text
    assert advice.transition.steps == BOOK.transition_steps("none", "hybrid", lead=True)
    assert "T-LEAD" in [r.rule for r in advice.transition.rules]


def test_t_lead_absent_for_pairs_without_a_lead_step():
    answers = make_answers(current_structure="hybrid", has_ml_lead=True)
    advice = advise(answers, override=Override("hybrid", "Keep it."))
    assert [r.rule for r in advice.transition.rules] == ["T-KEEP"]
