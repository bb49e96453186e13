"""Spec section 3: the decision table, its thresholds and their warnings."""

import pytest

from assessments.advice import parse_answers
from assessments.advice.first_edition import advise, decide_structure

from ..factories import EXAMPLE_STRUCTURES, EXAMPLES, example, make_answers

# Spec section 3, row by row; threshold rows appear once per side.
_TABLE = """
rule              stage          focus     teams  structure            alternative          source
S-SMALL-PRODUCT   small_startup  product   2      decentralized        centralized          article
S-SMALL-RESEARCH  small_startup  research  2      centralized          decentralized        article
S-SMALL-BALANCED  small_startup  balanced  2      decentralized        centralized          house
S-LARGE-PRODUCT   large_startup  product   2      decentralized        centralized          article
S-LARGE-RESEARCH  large_startup  research  2      centralized          decentralized        article
S-LARGE-BALANCED  large_startup  balanced  2      decentralized        centralized          house
S-LARGE-BALANCED  large_startup  balanced  3      hybrid               centralized          house
S-ENT-PRODUCT     enterprise     product   1      centralized_product  hybrid               article
S-ENT-PRODUCT     enterprise     product   2      hybrid               centralized_product  article
S-ENT-RESEARCH    enterprise     research  2      centralized_product  hybrid               article
S-ENT-BALANCED    enterprise     balanced  2      hybrid               centralized_product  article
"""  # noqa: E501 - a table reads best with aligned columns
TABLE = [
    (rule, stage, focus, int(teams), structure, alternative, source)
    for rule, stage, focus, teams, structure, alternative, source in (
        line.split() for line in _TABLE.strip().splitlines()[1:]
    )
]


@pytest.mark.parametrize(
    ("rule", "stage", "focus", "teams", "structure", "alternative", "source"),
    TABLE,
    ids=[f"{row[0]}-teams-{row[3]}" for row in TABLE],
)
def test_decision_table_row_gives_structure(
    rule, stage, focus, teams, structure, alternative, source
):
    answers = make_answers(stage=stage, ai_focus=focus, product_teams=teams)
    advice = advise(answers).structure
    assert (advice.key, advice.alternative) == (structure, alternative)
    (rationale,) = advice.rationale
    assert (rationale.rule, rationale.source) == (rule, source)


@pytest.mark.parametrize(
    ("rule", "stage", "focus", "teams", "structure", "alternative", "source"),
    TABLE,
    ids=[f"{row[0]}-teams-{row[3]}" for row in TABLE],
)
def test_decision_rationale_text_shows_the_answers_it_read(
    rule, stage, focus, teams, structure, alternative, source
):
    answers = make_answers(stage=stage, ai_focus=focus, product_teams=teams)
    (rationale,) = advise(answers).structure.rationale
    read = dict(rationale.reads)
    assert read["organization.stage"] == stage
    assert read["ai_focus"] == focus
    for field, value in rationale.reads:
        assert f"{field} = {value}" in rationale.text


@pytest.mark.parametrize(
    ("rule", "stage", "focus", "teams", "structure"),
    [
        ("S-LARGE-BALANCED", "large_startup", "balanced", 0, "decentralized"),
        ("S-LARGE-BALANCED", "large_startup", "balanced", 1000, "hybrid"),
        ("S-ENT-PRODUCT", "enterprise", "product", 0, "centralized_product"),
        ("S-ENT-PRODUCT", "enterprise", "product", 1000, "hybrid"),
    ],
)
def test_threshold_rows_far_from_threshold(rule, stage, focus, teams, structure):
    decision = decide_structure(stage, focus, teams)
    assert (decision.row.id, decision.structure) == (rule, structure)


def test_s_large_balanced_reads_product_teams():
    answers = make_answers(stage="large_startup", ai_focus="balanced", product_teams=3)
    (rationale,) = advise(answers).structure.rationale
    assert ("product_teams", "3") in rationale.reads


def test_s_small_product_does_not_read_product_teams():
    (rationale,) = advise(make_answers(stage="small_startup")).structure.rationale
    assert [field for field, _ in rationale.reads] == ["organization.stage", "ai_focus"]


def threshold_warnings(stage: str, focus: str, teams: int) -> list[str]:
    answers = make_answers(stage=stage, ai_focus=focus, product_teams=teams)
    return [w.text for w in advise(answers).warnings if w.rule == "W-THRESHOLD"]


@pytest.mark.parametrize(
    ("stage", "focus", "teams", "other", "flipped"),
    [
        ("large_startup", "balanced", 2, 3, "Hybrid: core team plus squads"),
        ("large_startup", "balanced", 3, 2, "Decentralized squads"),
        ("enterprise", "product", 1, 2, "Hybrid: core team plus squads"),
        ("enterprise", "product", 2, 1, "Central ML product team"),
    ],
    ids=[
        "S-LARGE-BALANCED-2",
        "S-LARGE-BALANCED-3",
        "S-ENT-PRODUCT-1",
        "S-ENT-PRODUCT-2",
    ],
)
def test_w_threshold_warns_next_to_threshold(stage, focus, teams, other, flipped):
    (warning,) = threshold_warnings(stage, focus, teams)
    assert f"a product-team count of {other} instead of {teams}" in warning
    assert f"to {flipped}." in warning


@pytest.mark.parametrize(
    ("stage", "focus", "teams"),
    [
        ("large_startup", "balanced", 1),
        ("large_startup", "balanced", 4),
        ("enterprise", "product", 0),
        ("enterprise", "product", 3),
        ("small_startup", "product", 2),
        ("enterprise", "balanced", 1),
    ],
)
def test_w_threshold_silent_away_from_threshold(stage, focus, teams):
    assert threshold_warnings(stage, focus, teams) == []


def test_examples_all_have_an_expectation():
    assert {p.stem for p in EXAMPLES.glob("*.json")} == set(EXAMPLE_STRUCTURES)


@pytest.mark.parametrize(("name", "expected"), EXAMPLE_STRUCTURES.items())
def test_example_gives_listed_structure(name, expected):
    structure = advise(parse_answers(example(f"{name}.json"))).structure
    assert (structure.key, structure.alternative) == expected


def test_structure_advice_carries_texts():
    structure = advise(make_answers(stage="enterprise", ai_focus="balanced")).structure
    assert structure.label == "Hybrid: core team plus squads"
    assert structure.alternative_label == "Central ML product team"
    assert structure.summary.endswith("The runner-up is: Central ML product team.")
    assert structure.description
    assert len(structure.strengths) == 3
