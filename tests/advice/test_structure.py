"""Spec section 3 (choosing the structure, S-*), the override (S-OVERRIDE) and
section 10 (what would change the advice, V-NEIGHBOURS)."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.advice import Override, Rulebook, advise
from assessments.advice.domain import STRUCTURES, keys
from assessments.advice.structure import decide, squads_of

from .factories import BOOK, answers_strategy, make_answers, render, rule


def choose(stage, ai_focus, product_teams, ml_use_cases):
    answers = make_answers(
        stage=stage,
        ai_focus=ai_focus,
        product_teams=product_teams,
        ml_use_cases=ml_use_cases,
    )
    return advise(answers).structure


@pytest.mark.parametrize(
    ("product_teams", "ml_use_cases", "squads"),
    [(0, 0, 1), (0, 3, 1), (3, 0, 1), (5, 2, 2), (2, 5, 2), (4, 4, 4), (9, 12, 9)],
)
def test_squads_of_is_teams_that_carry_ml_work(product_teams, ml_use_cases, squads):
    assert squads_of(product_teams, ml_use_cases) == squads


# The table of spec section 3, one line per case: rule, stage, focus, product
# teams, use cases -> structure, alternative, source of the first rationale line.
TABLE_TEXT = """
S-SMALL-PRODUCT  small      product  2 2 decentralized       centralized         article
S-SMALL-RESEARCH small      research 2 2 centralized         decentralized       article
S-SMALL-BALANCED small      balanced 2 2 decentralized       centralized         house
S-LARGE-PRODUCT  large      product  4 4 decentralized       centralized         article
S-LARGE-RESEARCH large      research 4 4 centralized         decentralized       article
S-LARGE-BALANCED large      balanced 3 3 hybrid              centralized         house
S-LARGE-BALANCED large      balanced 2 9 decentralized       centralized         house
S-LARGE-BALANCED large      balanced 9 2 decentralized       centralized         house
S-ENT-PRODUCT    enterprise product  2 2 hybrid              centralized_product article
S-ENT-PRODUCT    enterprise product  1 5 centralized_product hybrid              house
S-ENT-PRODUCT    enterprise product  6 1 centralized_product hybrid              house
S-ENT-PRODUCT    enterprise product  0 0 centralized_product hybrid              house
S-ENT-RESEARCH   enterprise research 5 5 centralized_product hybrid              house
S-ENT-BALANCED   enterprise balanced 1 1 hybrid              centralized_product article
"""
STAGE = {"small": "small_startup", "large": "large_startup", "enterprise": "enterprise"}
TABLE = [
    (
        rule_id,
        STAGE[stage],
        focus,
        int(teams),
        int(cases),
        structure,
        alternative,
        source,
    )
    for rule_id, stage, focus, teams, cases, structure, alternative, source in (
        line.split() for line in TABLE_TEXT.strip().splitlines()
    )
]


@pytest.mark.parametrize(
    (
        "rule",
        "stage",
        "focus",
        "teams",
        "use_cases",
        "structure",
        "alternative",
        "source",
    ),
    TABLE,
    ids=[f"{row[0]}-{row[3]}-teams-{row[4]}-use-cases" for row in TABLE],
)
def test_decision_table_row(
    rule, stage, focus, teams, use_cases, structure, alternative, source
):
    chosen = choose(stage, focus, teams, use_cases)
    assert (chosen.key, chosen.alternative) == (structure, alternative)
    assert chosen.recommended_by_teamadvisor == structure
    assert chosen.override is None
    first = chosen.rationale[0]
    assert (first.rule, first.source) == (rule, source)


def test_s_large_balanced_threshold_rationale_reads_teams():
    first = choose("large_startup", "balanced", 2, 5).rationale[0]
    assert first.text == render(rule("S-LARGE-BALANCED")["otherwise"]["text"], squads=2)
    assert "2 teams" in first.text
    assert first.reads == (
        ("organization.stage", "large_startup"),
        ("ai_focus", "balanced"),
        ("product_teams", "2"),
        ("ml_use_cases", "5"),
    )


def test_s_ent_product_rationale_says_1_team_not_raw_teams():
    # Spec section 3: sentences speak of squads, not the raw product_teams.
    first = choose("enterprise", "product", 6, 1).rationale[0]
    assert first.text == render(rule("S-ENT-PRODUCT")["otherwise"]["text"], squads=1)
    assert "6" not in first.text


def test_s_small_product_rationale_reads_only_stage_and_focus():
    first = choose("small_startup", "product", 3, 3).rationale[0]
    assert first.reads == (
        ("organization.stage", "small_startup"),
        ("ai_focus", "product"),
    )


def test_summary_names_structure_and_reason_once():
    structure = choose("small_startup", "research", 1, 1)
    assert structure.summary == (
        f"We recommend one central ML team. {rule('S-SMALL-RESEARCH').text}"
    )


@pytest.mark.parametrize(
    ("stage", "focus", "teams", "use_cases", "structure", "alternative"),
    [
        ("small_startup", "product", 8, 8, "hybrid", "decentralized"),
        ("small_startup", "balanced", 12, 9, "hybrid", "decentralized"),
        ("large_startup", "product", 8, 20, "hybrid", "decentralized"),
        ("small_startup", "product", 7, 7, "decentralized", "centralized"),
        ("large_startup", "product", 20, 7, "decentralized", "centralized"),
        # A centralised result is never scaled.
        ("small_startup", "research", 9, 9, "centralized", "decentralized"),
    ],
    ids=[
        "S-SCALE-8-squads",
        "S-SCALE-9-squads-balanced",
        "S-SCALE-large-8-squads",
        "S-SCALE-7-squads-stays",
        "S-SCALE-20-teams-7-use-cases-stays",
        "S-SCALE-not-centralized",
    ],
)
def test_s_scale_decentralized_past_eight_squads_becomes_hybrid(
    stage, focus, teams, use_cases, structure, alternative
):
    chosen = choose(stage, focus, teams, use_cases)
    assert (chosen.key, chosen.alternative) == (structure, alternative)
    rules = [step.rule for step in chosen.rationale]
    assert ("S-SCALE" in rules) == (structure == "hybrid")


def test_s_scale_rationale_text_counts_squads():
    chosen = choose("small_startup", "product", 10, 8)
    (scale,) = [step for step in chosen.rationale if step.rule == "S-SCALE"]
    assert scale.source == "house"
    assert scale.text == render(rule("S-SCALE").text, squads=8)
    assert "8 teams" in scale.text


# S-OVERRIDE -------------------------------------------------------------


def test_s_override_structure_block():
    answers = make_answers(stage="small_startup", ai_focus="product")
    structure = advise(
        answers, override=Override("centralized", "  The board wants one team.  ")
    ).structure
    assert structure.key == "centralized"
    assert structure.override == "centralized"
    assert structure.override_reason == "The board wants one team."
    assert structure.recommended_by_teamadvisor == "decentralized"
    assert structure.alternative == "centralized"
    (step,) = [s for s in structure.rationale if s.rule == "S-OVERRIDE"]
    assert step.source == "house"
    assert step.text == render(
        rule("S-OVERRIDE").text,
        structure_words="one central ML team",
        recommended_words="ML people embedded in your product teams",
        reason="The board wants one team.",
    )
    # TeamAdvisor's own choice is named once, beside it (recommended_label).
    assert structure.summary == (
        "Your consultant recommends one central ML team, and this plan is built for it."
    )


def test_s_override_recomputes_roles_risks_transition_and_strengths():
    answers = make_answers(
        stage="small_startup", ai_focus="product", ml_use_cases=1, product_teams=1
    )
    advice = advise(answers, override=Override("centralized_product", "Ship it."))
    needed = {role.key: role.needed for role in advice.roles}
    # N-DEV-PRODUCT: max(2, ceil(1/2)) = 2, only in a centralized_product plan.
    assert needed["software_developer"] == 2
    assert {(r.key, r.level) for r in advice.risks} == {
        ("integration", "medium"),
        ("business_insight", "medium"),
    }
    assert advice.transition.structure == "centralized_product"
    text = BOOK.structure_text("centralized_product")
    assert advice.structure.strengths == tuple(text["strengths"])
    assert advice.structure.description == text["description"]


@pytest.mark.parametrize(
    ("structure", "reason"),
    [("matrix", "why"), ("hybrid", "   "), ("none", "No team.")],
    ids=["S-OVERRIDE-unknown", "S-OVERRIDE-blank-reason", "S-OVERRIDE-none"],
)
def test_s_override_refuses_bad_input(structure, reason):
    with pytest.raises(ValueError):
        Override(structure, reason)


def table_choosing(structure: str) -> Rulebook:
    """The current rulebook with a table that picks ``structure`` for everyone."""
    raw = copy.deepcopy(dict(BOOK.raw))
    for row in raw["decisions"]:
        row.pop("squads_at_least", None)
        row.pop("otherwise", None)
        row["structure"] = structure
    raw["scale"]["squads_at_least"] = 10**9
    return Rulebook(version=BOOK.version, raw=raw)


TABLES = {structure: table_choosing(structure) for structure in keys(STRUCTURES)}
PLAN_BLOCKS = ("roles", "hires", "roadmap", "risks", "transition", "costs", "warnings")


@settings(max_examples=60, deadline=None)
@given(answers_strategy(), st.sampled_from(keys(STRUCTURES)))
def test_s_override_gives_the_plan_the_table_would_give(answers, structure):
    # "Exactly as if the table had chosen it": a rulebook whose table chooses
    # the consultant's structure for these answers gives the same plan.
    overridden = advise(answers, override=Override(structure, "Consultant."))
    chosen = advise(answers, TABLES[structure])
    assert chosen.structure.key == overridden.structure.key == structure
    left, right = overridden.to_dict(), chosen.to_dict()
    assert {k: left[k] for k in PLAN_BLOCKS} == {k: right[k] for k in PLAN_BLOCKS}
    assert overridden.structure.strengths == chosen.structure.strengths
    # The structure's own high risks are answered the same way.
    consistency = [
        s.text for s in overridden.structure.rationale if s.rule == "K-CONSISTENCY"
    ]
    assert consistency == [
        s.text for s in chosen.structure.rationale if s.rule == "K-CONSISTENCY"
    ]


@settings(max_examples=40, deadline=None)
@given(answers_strategy())
def test_s_override_with_teamadvisors_own_choice_changes_only_the_trace(answers):
    plain = advise(answers)
    same = advise(
        answers, override=Override(plain.structure.key, "We agree with the table.")
    )
    left, right = plain.to_dict(), same.to_dict()
    assert {k: left[k] for k in PLAN_BLOCKS} == {k: right[k] for k in PLAN_BLOCKS}
    assert left["sensitivity"] == right["sensitivity"]


# V-NEIGHBOURS -----------------------------------------------------------


def neighbours(advice):
    return [(n.field, n.value, n.change, n.structure) for n in advice.sensitivity]


def test_v_neighbours_lists_each_answer_that_changes_the_choice():
    answers = make_answers(
        stage="large_startup", ai_focus="balanced", product_teams=3, ml_use_cases=3
    )
    assert neighbours(advise(answers)) == [
        (
            "organization.stage",
            "small_startup",
            "if you counted as a small startup",
            "decentralized",
        ),
        (
            "ai_focus",
            "product",
            "if your AI focus were putting AI into products",
            "decentralized",
        ),
        (
            "ai_focus",
            "research",
            "if your AI focus were research and new AI methods",
            "centralized",
        ),
        (
            "product_teams",
            2,
            "with 2 product teams instead of 3",
            "decentralized",
        ),
        ("ml_use_cases", 2, "with 2 ML use cases instead of 3", "decentralized"),
    ]


def test_v_neighbours_include_s_scale():
    answers = make_answers(
        stage="small_startup", ai_focus="product", product_teams=8, ml_use_cases=8
    )
    found = neighbours(advise(answers))
    assert (
        "product_teams",
        7,
        "with 7 product teams instead of 8",
        "decentralized",
    ) in (found)
    assert ("ml_use_cases", 7, "with 7 ML use cases instead of 8", "decentralized") in (
        found
    )
    # S-SCALE turns the other stages' choices into hybrid too.
    assert [n for n in found if n[0] == "organization.stage"] == []


def test_v_neighbours_never_below_zero_and_say_1_team():
    answers = make_answers(
        stage="enterprise", ai_focus="product", product_teams=2, ml_use_cases=0
    )
    found = neighbours(advise(answers))
    fields = [(field, value) for field, value, _, _ in found]
    assert ("ml_use_cases", -1) not in fields
    # 0 use cases: 1 squad, centralized_product; 1 use case changes nothing,
    # 2 product teams with 1 use case neither.
    assert [n for n in found if n[0] in ("product_teams", "ml_use_cases")] == []
    answers = make_answers(
        stage="enterprise", ai_focus="product", product_teams=2, ml_use_cases=2
    )
    assert (
        "product_teams",
        1,
        "with 1 product team instead of 2",
        "centralized_product",
    ) in (neighbours(advise(answers)))


def test_v_neighbours_concern_teamadvisors_choice_under_override():
    answers = make_answers(stage="large_startup", ai_focus="product", product_teams=4)
    plain = advise(answers)
    overridden = advise(answers, override=Override("decentralized", "Same."))
    other = advise(answers, override=Override("hybrid", "Core first."))
    assert neighbours(plain) == neighbours(overridden) == neighbours(other)
    # hybrid is the override, yet a neighbour giving hybrid is still listed.
    assert ("organization.stage", "enterprise") in [
        (n[0], n[1]) for n in neighbours(other)
    ]


def test_v_neighbours_stable_text_names_what_was_tried():
    assert BOOK.rule("sensitivity").source == "house"
    assert advise(make_answers()).stable_text == BOOK.rule("sensitivity")["stable"]


@settings(max_examples=60, deadline=None)
@given(answers_strategy())
def test_v_neighbours_each_listed_value_really_changes_the_choice(answers):
    advice = advise(answers)
    org = answers.organization
    for n in advice.sensitivity:
        inputs = {
            "stage": org.stage,
            "ai_focus": answers.ai_focus,
            "product_teams": answers.product_teams,
            "ml_use_cases": answers.ml_use_cases,
        }
        inputs[n.field.removeprefix("organization.")] = n.value
        assert decide(**inputs, book=BOOK).structure == n.structure
        assert n.structure != advice.structure.recommended_by_teamadvisor
