"""Spec sections 4 and 7: the hiring order (H-*), priorities, and the roadmap
(M-*): pace, the per-role doubling limit, seniority, the ML lead, use cases
first, governance, hire actions and costs. Expected plans are worked out by
hand from the spec; comments show the arithmetic."""

import copy
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.advice import (
    ROLES,
    CostsInvalid,
    Override,
    advise,
    parse_costs,
)
from assessments.advice.domain import STRUCTURES, keys

from .factories import BOOK, COSTS, answers_strategy, make_answers, render, rule

ZERO = dict.fromkeys(keys(ROLES), 0)


def plan(structure: str | None = None, *, costs=None, **answers):
    override = Override(structure, "Fixed for the test.") if structure else None
    return advise(make_answers(**answers), override=override, costs=costs)


def hires(advice) -> list[tuple]:
    return [
        (h.roles, h.count, h.priority, h.tier, h.seniority, h.quarter)
        for h in advice.hires
    ]


def priorities(advice) -> dict[str, int | None]:
    return {role.key: role.priority for role in advice.roles}


def hire_action(*, count: int, seniority: str, role: str) -> str:
    """The roadmap action for ``count`` hires: "Hire 2 mid-level data scientists."."""
    people = f"{count} {seniority} {role}"
    return render(rule("M-HIRE").text, people=people)


def per_quarter(advice) -> list[int]:
    return [quarter.hires for quarter in advice.roadmap]


DS, DE, MLOPS, DEV, DA, RS = (
    ("data_scientist",),
    ("data_engineer",),
    ("mlops_engineer",),
    ("software_developer",),
    ("data_analyst",),
    ("research_scientist",),
)


# H-BLOCKING -----------------------------------------------------------------

# A large product startup with nobody yet, 2 teams, 3 use cases
# (decentralized, 2 squads): DS max(2, 2)=2, MLOps 1, DE 1, dev 1, DA 1.
EMPTY = dict(stage="large_startup", ml_use_cases=3, product_teams=2, **ZERO)


def test_h_blocking_first_unit_of_each_empty_working_team_role():
    advice = plan(**EMPTY)
    # Blocking: DS, MLOps, DE, dev. Growing round 1: DS, DA (analysts never
    # block). Pace 2 a quarter while the ML team is below 9 (t: 0, 2, 3).
    assert hires(advice) == [
        (DS, 1, 1, "blocking", "senior", 1),
        (MLOPS, 1, 2, "blocking", "senior", 1),
        (DE, 1, 3, "blocking", "senior", 2),
        (DEV, 1, 4, "blocking", "senior", 2),
        (DS, 1, 1, "growing", "mid", 3),
        (DA, 1, 5, "growing", "senior", 3),
    ]
    assert per_quarter(advice) == [2, 2, 2, 0, 0]


def test_h_blocking_research_scientist_never_blocks():
    # Balanced large startup, 2 teams, 6 use cases: decentralized; nobody in
    # research: RS 1 is growing and, balanced, last in its round.
    advice = plan(
        stage="large_startup",
        ai_focus="balanced",
        ml_use_cases=6,
        product_teams=2,
        research_scientist=0,
    )
    assert advice.structure.key == "decentralized"
    tiers = {h.roles: h.tier for h in advice.hires}
    assert tiers[RS] == "growing"
    # Round 1: DS, MLOps, DE, dev, RS; round 2: DS.
    assert priorities(advice) == {
        "data_analyst": None,
        "data_engineer": 3,
        "data_scientist": 1,
        "research_scientist": 5,
        "mlops_engineer": 2,
        "software_developer": 4,
    }


def test_h_blocking_rule_in_trace():
    assert [r.rule for r in plan(**EMPTY).plan_rules][:2] == [
        "H-BLOCKING",
        "H-GROWING",
    ]


# H-GROWING ------------------------------------------------------------------

# Centralized, large product startup, 9 use cases, one person in each role:
# needed DS 5, MLOps 3, DE 3, dev 3, DA 1 -> gaps 4, 2, 2, 2, 0. ML team 5.
ROUNDS = dict(stage="large_startup", ml_use_cases=9)


def test_h_growing_rounds_and_m_pace_recomputed_each_quarter():
    advice = plan("centralized", **ROUNDS)
    # Order: DS M DE dev | DS M DE dev | DS | DS.
    # Pace: t=5 -> 2; t=7 -> 2; t=8 -> 2; t=10 -> ceil(10/4)=3; the rest later.
    assert hires(advice) == [
        (DS, 1, 1, "growing", "senior", 1),
        (MLOPS, 1, 2, "growing", "senior", 1),
        (DE, 1, 3, "growing", "senior", 2),
        (DEV, 1, 4, "growing", "senior", 2),
        (DS, 1, 1, "growing", "mid", 3),
        (MLOPS, 1, 2, "growing", "mid", 3),
        (DE, 1, 3, "growing", "mid", 4),
        (DEV, 1, 4, "growing", "mid", 4),
        (DS, 1, 1, "growing", "mid", 4),
        (DS, 1, 1, "growing", "mid", 5),
    ]
    assert per_quarter(advice) == [2, 2, 2, 3, 1]


def test_h_growing_research_scientist_right_after_data_scientist_for_research():
    # Large research startup (centralized), 6 use cases, one of each:
    # DS 3, RS 2, MLOps 2, DE 2, dev 2 -> round 1: DS RS MLOps DE dev.
    advice = plan(stage="large_startup", ai_focus="research", ml_use_cases=6)
    assert advice.structure.key == "centralized"
    assert priorities(advice) == {
        "data_analyst": None,
        "data_engineer": 4,
        "data_scientist": 1,
        "research_scientist": 2,
        "mlops_engineer": 3,
        "software_developer": 5,
    }


# H-RAISED -------------------------------------------------------------------

# Decentralized large product startup, 4 teams and 4 use cases, one of each:
# DS 4, MLOps 2, DE 2, dev 2, DA 2 -> gaps 3, 1, 1, 1, 1.
RAISED = dict(stage="large_startup", ml_use_cases=4, product_teams=4)


@pytest.mark.parametrize(
    ("structure", "pains", "order"),
    [
        (
            None,
            (),
            [
                "data_scientist",
                "mlops_engineer",
                "data_engineer",
                "software_developer",
                "data_analyst",
            ],
        ),
        (
            None,
            ("slow_delivery",),
            [
                "mlops_engineer",
                "data_scientist",
                "data_engineer",
                "software_developer",
                "data_analyst",
            ],
        ),
        (
            None,
            ("research_not_shipping",),
            [
                "mlops_engineer",
                "software_developer",
                "data_scientist",
                "data_engineer",
                "data_analyst",
            ],
        ),
        (
            None,
            ("resource_conflicts",),
            [
                "software_developer",
                "data_scientist",
                "mlops_engineer",
                "data_engineer",
                "data_analyst",
            ],
        ),
        (
            None,
            ("business_insight_gap",),
            [
                "data_analyst",
                "data_scientist",
                "mlops_engineer",
                "data_engineer",
                "software_developer",
            ],
        ),
        (
            None,
            ("too_many_requests",),
            [
                "data_scientist",
                "mlops_engineer",
                "data_engineer",
                "software_developer",
                "data_analyst",
            ],
        ),
        (
            None,
            (
                "too_many_requests",
                "business_insight_gap",
                "resource_conflicts",
                "slow_delivery",
            ),
            [
                "mlops_engineer",
                "software_developer",
                "data_analyst",
                "data_scientist",
                "data_engineer",
            ],
        ),
        # In a hybrid, teams fighting over people raise responsibility
        # conflicts, which raise no role.
        (
            "hybrid",
            ("resource_conflicts",),
            [
                "data_scientist",
                "mlops_engineer",
                "data_engineer",
                "software_developer",
                "data_analyst",
            ],
        ),
    ],
    ids=[
        "H-GROWING-core-order",
        "H-RAISED-delivery",
        "H-RAISED-integration",
        "H-RAISED-resource-management",
        "H-RAISED-business-insight",
        "H-RAISED-too-many-use-cases",
        "H-RAISED-all-in-spec-order",
        "H-RAISED-hybrid-responsibility-conflicts-raise-nothing",
    ],
)
def test_h_raised_roles_lead_each_round(structure, pains, order):
    advice = plan(structure, pain_points=pains, **RAISED)
    ranks = priorities(advice)
    assert sorted((r for r in ranks if ranks[r]), key=ranks.get) == order
    assert sorted(r for r in ranks.values() if r) == [1, 2, 3, 4, 5]


def test_h_raised_trace_names_the_risks():
    advice = plan(pain_points=("research_not_shipping",), **RAISED)
    # Integration raises two roles: MLOps engineers, then software developers.
    raised = [r for r in advice.plan_rules if r.rule == "H-RAISED"]
    label = BOOK.risk_text("integration")["label"]
    assert [r.text for r in raised] == [
        render(rule("H-RAISED").text, risks=label, role="MLOps engineers"),
        render(rule("H-RAISED").text, risks=label, role="software developers"),
    ]


def test_h_raised_by_k_central_no_dev():
    # Centralized, no developer today: resource management is high, so the
    # developer's second unit leads round 1 of the growing tier.
    advice = plan(
        "centralized", stage="large_startup", ml_use_cases=9, software_developer=0
    )
    growing = [h.roles for h in advice.hires if h.tier == "growing"]
    assert growing[0] == DEV


# H-LATER --------------------------------------------------------------------

FULL_STACK = dict(
    stage="small_startup",
    ml_use_cases=3,
    product_teams=3,
    full_stack_data_scientists=2,
    **{**ZERO, "data_scientist": 2, "software_developer": 1},
)


def test_h_later_covered_units_last_mlops_then_data_engineer():
    advice = plan(**FULL_STACK)
    # Uncovered: DE blocking (senior, nobody today), DS growing (2 today, gap 1:
    # mid), dev growing (1 today, gap 1: senior). Covered: MLOps, then DE (its
    # second unit: mid). Pace 2 with 2 ML people, then 2 with 4.
    assert hires(advice) == [
        (DE, 1, 1, "blocking", "senior", 1),
        (DS, 1, 2, "growing", "mid", 1),
        (DEV, 1, 3, "growing", "senior", 2),
        (MLOPS, 1, 4, "later", "senior", 5),
        (DE, 1, 1, "later", "mid", 5),
    ]
    later = advice.roadmap[4]
    assert later.hires == 2
    action = rule("H-LATER")["action"]
    assert later.actions == (
        hire_action(count=1, seniority="senior", role="MLOps engineer") + " " + action,
        hire_action(count=1, seniority="mid-level", role="data engineer")
        + " "
        + action,
    )
    assert "H-LATER" in [r.rule for r in advice.plan_rules]


def test_h_later_absent_without_cover():
    assert "H-LATER" not in [r.rule for r in plan(**EMPTY).plan_rules]


# Priority: dense rank -------------------------------------------------------


def test_priority_is_dense_after_a_combined_pair():
    advice = plan(
        stage="small_startup",
        ml_use_cases=3,
        product_teams=3,
        full_stack_data_scientists=1,
        **{**ZERO, "data_scientist": 1, "software_developer": 4},
    )
    assert priorities(advice) == {
        "data_analyst": None,
        "data_engineer": 1,
        "data_scientist": 2,
        "research_scientist": None,
        "mlops_engineer": 1,
        "software_developer": None,
    }


@settings(max_examples=120, deadline=None)
@given(answers_strategy(), st.sampled_from((None, *keys(STRUCTURES))))
def test_priority_is_a_dense_rank(answers, structure):
    override = Override(structure, "Any.") if structure else None
    advice = advise(answers, override=override)
    ranks = sorted({r.priority for r in advice.roles if r.priority is not None})
    assert ranks == list(range(1, len(ranks) + 1))
    combined = [h for h in advice.hires if len(h.roles) == 2]
    if combined:
        by_role = {r.key: r.priority for r in advice.roles}
        assert by_role["data_engineer"] == by_role["mlops_engineer"]
    for hire in advice.hires:
        assert hire.priority == {r.key: r.priority for r in advice.roles}[hire.roles[0]]


# M-PACE and M-PACE-HIRING ---------------------------------------------------


def test_m_pace_trace_says_first_quarters_pace_and_team():
    advice = plan("centralized", **ROUNDS)
    (pace,) = [r for r in advice.plan_rules if r.rule == "M-PACE"]
    assert pace.text == render(rule("M-PACE").text, pace=2, team=5)
    assert "5 ML people" in pace.text


def test_m_pace_hiring_halves_the_pace():
    # Same plan, ML roles hard to fill: max(1, ceil(t/8)) = 1 a quarter.
    advice = plan("centralized", pain_points=("hiring_difficulty",), **ROUNDS)
    assert per_quarter(advice) == [1, 1, 1, 1, 6]
    assert [h.roles for h in advice.hires if h.quarter < 5] == [DS, MLOPS, DE, DEV]
    assert "M-PACE-HIRING" in [r.rule for r in advice.plan_rules]


def test_m_pace_hiring_grows_with_the_team():
    # 16 ML people: max(1, ceil(16/8)) = 2, against max(2, ceil(16/4)) = 4.
    team = {
        "data_scientist": 4,
        "data_engineer": 4,
        "mlops_engineer": 4,
        "data_analyst": 4,
        "research_scientist": 0,
    }
    slow = plan(
        "centralized",
        stage="large_startup",
        ml_use_cases=40,
        pain_points=("hiring_difficulty",),
        **team,
    )
    fast = plan("centralized", stage="large_startup", ml_use_cases=40, **team)
    assert slow.roadmap[0].hires == 2
    assert fast.roadmap[0].hires == 4


def test_m_pace_counts_software_developers_but_not_in_the_team():
    # Pace 2 with nobody today: DS and MLOps take quarter 1; in quarter 2 the
    # team is 2 (not 3) after DE and dev, so the pace stays 2.
    advice = plan(**EMPTY)
    assert per_quarter(advice)[:3] == [2, 2, 2]


# M-DOUBLE -------------------------------------------------------------------

# Centralized, 20 use cases, no data scientist and 1 MLOps engineer today, 15
# ML people in all: DS 10 (1 blocking + 9 growing), MLOps max(5, 2) = 5 (gap 4).
DOUBLE = dict(
    stage="large_startup",
    ml_use_cases=20,
    data_scientist=0,
    data_engineer=10,
    mlops_engineer=1,
    data_analyst=4,
    research_scientist=0,
    software_developer=10,
)


def test_m_double_no_role_more_than_doubles_and_waiting_units_keep_their_place():
    advice = plan("centralized", **DOUBLE)
    # Order: DSb DS M DS M DS M DS M DS DS DS DS DS.
    # Q1 pace ceil(15/4)=4: DS at most max(2, 0)=2, MLOps max(2, 1)=2; the 3rd
    #   DS waits, the 2nd MLOps fills its place.
    # Q2 pace ceil(19/4)=5: DS h=2 -> 2, MLOps h=3 -> its last 2; 4 hires.
    # Q3 pace ceil(23/4)=6: DS h=4 -> 4.  Q4 pace 7: the last 2 DS.
    # Seniority: DS 1st (nobody today), 5th, 9th senior; MLOps 1st senior.
    assert hires(advice) == [
        (DS, 1, 1, "blocking", "senior", 1),
        (DS, 1, 1, "growing", "mid", 1),
        (MLOPS, 1, 2, "growing", "senior", 1),
        (MLOPS, 1, 2, "growing", "mid", 1),
        (DS, 2, 1, "growing", "mid", 2),
        (MLOPS, 2, 2, "growing", "mid", 2),
        (DS, 1, 1, "growing", "senior", 3),
        (DS, 3, 1, "growing", "mid", 3),
        (DS, 1, 1, "growing", "senior", 4),
        (DS, 1, 1, "growing", "mid", 4),
    ]
    assert per_quarter(advice) == [4, 4, 4, 2, 0]
    assert "M-DOUBLE" in [r.rule for r in advice.plan_rules]


# M-SENIORITY ----------------------------------------------------------------


def test_m_seniority_first_unit_mid_when_plan_does_not_double_the_role():
    # Centralized, 10 use cases, 3 data scientists: DS 5, gap 2 < 3 -> mid.
    advice = plan(
        "centralized", stage="large_startup", ml_use_cases=10, data_scientist=3
    )
    assert {h.seniority for h in advice.hires if h.roles == DS} == {"mid"}


def test_m_seniority_first_unit_senior_when_plan_doubles_the_role():
    # Centralized, 8 use cases, 2 data scientists: DS 4, gap 2 >= 2 -> senior;
    # the second unit is mid-level.
    advice = plan(
        "centralized", stage="large_startup", ml_use_cases=8, data_scientist=2
    )
    scientists = [h.seniority for h in advice.hires if h.roles == DS]
    assert scientists == ["senior", "mid"]


def test_m_seniority_every_fourth_after_the_first():
    advice = plan("centralized", **DOUBLE)
    sequence = [
        h.seniority for h in advice.hires if h.roles == DS for _ in range(h.count)
    ]
    assert sequence == [
        "senior",
        "mid",
        "mid",
        "mid",
        "senior",
        "mid",
        "mid",
        "mid",
        "senior",
        "mid",
    ]


# M-ML-LEAD ------------------------------------------------------------------

LEAD_TEXT = rule("M-ML-LEAD").text


@pytest.mark.parametrize(
    ("has_ml_lead", "structure", "team", "due"),
    [
        # Decentralized, 2 ML people + 1 hire = 3: not due.
        (False, None, 2, False),
        # 3 ML people + 1 hire = 4: due.
        (False, None, 3, True),
        # A central structure always needs one.
        (False, "centralized", 2, True),
        (False, "hybrid", 2, True),
        (False, "centralized_product", 2, True),
        # Known to have one, or not said: never.
        (True, "centralized", 2, False),
        (None, "centralized", 2, False),
    ],
    ids=[
        "M-ML-LEAD-team-of-3",
        "M-ML-LEAD-team-of-4",
        "M-ML-LEAD-centralized",
        "M-ML-LEAD-hybrid",
        "M-ML-LEAD-centralized-product",
        "M-ML-LEAD-has-one",
        "M-ML-LEAD-not-said",
    ],
)
def test_m_ml_lead_first_action_of_quarter_1(has_ml_lead, structure, team, due):
    # Small product startup, 1 team and 2 use cases: DS 1, MLOps 1, DE 1,
    # dev 1; today 1 data scientist and 1 data engineer (+ analysts to make
    # up the team), 1 developer: one MLOps hire.
    answers = dict(
        stage="small_startup",
        ml_use_cases=2,
        product_teams=1,
        has_ml_lead=has_ml_lead,
        **{
            **ZERO,
            "data_scientist": 1,
            "data_engineer": 1,
            "data_analyst": team - 2,
            "software_developer": 1,
        },
    )
    advice = plan(structure, **answers)
    first = advice.roadmap[0]
    assert (LEAD_TEXT in first.actions) is due
    if due:
        assert first.actions[0] == LEAD_TEXT
    assert ("M-ML-LEAD" in [r.rule for r in advice.plan_rules]) is due
    # The head of ML is no hire and takes no pace.
    hires_q1 = [h for h in advice.hires if h.quarter == 1]
    assert first.hires == sum(h.count for h in hires_q1) >= 1
    assert first.steps == ((LEAD_TEXT,) if due else ())
    assert first.actions[: len(first.steps)] == first.steps
    # One line per role hired after the steps.
    roles_q1 = {h.roles for h in hires_q1}
    assert len(first.actions) == len(first.steps) + len(roles_q1)


# M-USE-CASES-FIRST and M-GOVERNANCE -----------------------------------------


def test_m_use_cases_first_quarter_1_has_no_hires():
    # No use case yet, regulated, no ML lead: decentralized (1 squad); DS 1,
    # MLOps 1, DE 1, dev 1, DA 1, all from nobody. Hiring starts in quarter 2
    # at pace 2: DS MLOps | DE dev | DA. ML hires in the year: 4 -> ML lead.
    advice = plan(
        stage="large_startup",
        ml_use_cases=0,
        product_teams=2,
        regulated=True,
        has_ml_lead=False,
        **ZERO,
    )
    assert per_quarter(advice) == [0, 2, 2, 1, 0]
    assert advice.roadmap[0].actions == (
        LEAD_TEXT,
        rule("M-USE-CASES-FIRST").text,
        *rule("M-GOVERNANCE")["steps"],
    )
    assert advice.roadmap[1].actions == (
        hire_action(count=1, seniority="senior", role="data scientist"),
        hire_action(count=1, seniority="senior", role="MLOps engineer"),
    )
    assert "M-USE-CASES-FIRST" in [r.rule for r in advice.plan_rules]


def test_m_use_cases_first_not_with_a_use_case():
    advice = plan(**EMPTY)
    assert rule("M-USE-CASES-FIRST").text not in advice.roadmap[0].actions
    assert advice.roadmap[0].hires == 2


def test_m_governance_steps_lead_quarter_1_when_regulated():
    advice = plan(regulated=True, **EMPTY)
    steps = tuple(rule("M-GOVERNANCE")["steps"])
    assert advice.roadmap[0].actions[: len(steps)] == steps
    assert len(advice.roadmap[0].actions) == len(steps) + 2
    unregulated = plan(**EMPTY)
    assert not set(steps) & set(unregulated.roadmap[0].actions)


# M-HIRE ---------------------------------------------------------------------


def test_m_hire_actions_agree_in_number_and_name_seniority():
    advice = plan("centralized", **DOUBLE)
    assert advice.roadmap[1].actions == (
        hire_action(count=2, seniority="mid-level", role="data scientists"),
        hire_action(count=2, seniority="mid-level", role="MLOps engineers"),
    )
    assert advice.roadmap[1].actions[0] == "Hire 2 mid-level data scientists."


def test_m_hire_one_line_per_role_with_mixed_seniority():
    advice = plan("centralized", **DOUBLE)
    # Quarter 3: the 5th data scientist (senior) and three mid-level ones.
    assert advice.roadmap[2].actions == (
        render(rule("M-HIRE").text, people="4 data scientists (1 senior, 3 mid-level)"),
    )
    assert advice.roadmap[2].actions[0] == (
        "Hire 4 data scientists (1 senior, 3 mid-level)."
    )
    assert advice.roadmap[2].steps == ()


def test_m_hire_combined_hire_named_once():
    advice = plan(
        stage="small_startup",
        ml_use_cases=3,
        product_teams=3,
        **{**ZERO, "data_scientist": 1, "software_developer": 4},
    )
    assert advice.roadmap[0].actions[0] == hire_action(
        count=1, seniority="senior", role=rule("C-COMBINED")["label"]
    )


# M-COSTS --------------------------------------------------------------------


def test_m_costs_added_per_quarter_and_total():
    advice = plan(costs=COSTS, **EMPTY)
    # Q1: senior DS 150000 + senior MLOps 140000; Q2: senior DE 130000 +
    # senior dev 120000; Q3: mid DS 110000 + senior DA 90000.
    assert [q.added_cost for q in advice.roadmap] == [290_000, 250_000, 200_000, 0, 0]
    data = advice.to_dict()
    assert data["costs"] == {"currency": "EUR", "total": 740_000, "later": 0}
    assert "M-COSTS" in [r.rule for r in advice.plan_rules]


def test_m_costs_combined_hire_costs_the_dearer_role_and_later_apart():
    combined = plan(
        costs=COSTS,
        stage="small_startup",
        ml_use_cases=3,
        product_teams=3,
        **{**ZERO, "data_scientist": 1, "software_developer": 4},
    )
    # Q1: combined senior max(130000, 140000) + senior DS 150000;
    # Q2: mid DE 100000 + mid DS 110000.
    assert [q.added_cost for q in combined.roadmap] == [290_000, 210_000, 0, 0, 0]
    covered = plan(costs=COSTS, **FULL_STACK)
    # Q1 senior DE 130000 + mid DS 110000; Q2 senior dev 120000;
    # later: senior MLOps 140000 + mid DE 100000.
    assert covered.to_dict()["costs"] == {
        "currency": "EUR",
        "total": 360_000,
        "later": 240_000,
    }
    assert covered.roadmap[4].added_cost == 240_000


def test_m_costs_without_a_table_no_money_anywhere():
    advice = plan(**EMPTY)
    assert [q.added_cost for q in advice.roadmap] == [None] * 5
    assert advice.costs is None
    assert all(h.cost is None for h in advice.hires)
    assert "M-COSTS" not in [r.rule for r in advice.plan_rules]


def test_m_costs_parse_costs_accepts_the_table():
    assert parse_costs(COSTS) == COSTS


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        (lambda t: t.update(currency="euro"), ["currency"]),
        (lambda t: t["yearly_cost"].pop("data_analyst"), ["yearly_cost.data_analyst"]),
        (
            lambda t: t["yearly_cost"]["data_scientist"].update(senior=-1),
            ["yearly_cost.data_scientist.senior"],
        ),
        (
            lambda t: t["yearly_cost"]["data_scientist"].update(mid=True),
            ["yearly_cost.data_scientist.mid"],
        ),
        (
            lambda t: t["yearly_cost"]["data_scientist"].update(junior=1),
            ["yearly_cost.data_scientist.junior"],
        ),
        (lambda t: t["yearly_cost"].update(intern={}), ["yearly_cost.intern"]),
        (lambda t: t.update(extra=1), ["extra"]),
    ],
    ids=[
        "M-COSTS-currency",
        "M-COSTS-missing-role",
        "M-COSTS-negative",
        "M-COSTS-bool",
        "M-COSTS-unknown-seniority",
        "M-COSTS-unknown-role",
        "M-COSTS-unknown-key",
    ],
)
def test_m_costs_parse_costs_refuses_with_field(change, fields):
    table = copy.deepcopy(COSTS)
    change(table)
    with pytest.raises(CostsInvalid) as caught:
        parse_costs(table)
    assert [e.field for e in caught.value.errors] == fields


# Properties -----------------------------------------------------------------


def pace_of(team: int, slow: bool) -> int:
    return max(1, math.ceil(team / 8)) if slow else max(2, math.ceil(team / 4))


@settings(max_examples=150, deadline=None)
@given(
    answers_strategy(max_count=30, max_people=20),
    st.sampled_from((None, *keys(STRUCTURES))),
)
def test_m_pace_and_m_double_hold_for_every_plan(answers, structure):
    override = Override(structure, "Any.") if structure else None
    advice = advise(answers, override=override)
    slow = "hiring_difficulty" in answers.pain_points
    team = answers.headcount.total() - answers.headcount.software_developer
    size = {role: answers.headcount.of(role) for role in keys(ROLES)}
    for quarter in (1, 2, 3, 4):
        these = [h for h in advice.hires if h.quarter == quarter]
        count = sum(h.count for h in these)
        assert advice.roadmap[quarter - 1].hires == count
        assert count <= pace_of(team, slow)
        if answers.ml_use_cases == 0 and quarter == 1:
            assert count == 0
        for role in keys(ROLES):
            added = sum(h.count for h in these if role in h.roles)
            assert added <= max(2, size[role])
        for hire in these:
            for role in hire.roles:
                size[role] += hire.count
        team += sum(h.count for h in these if h.roles != DEV)
    later = sum(h.count for h in advice.hires if h.quarter == 5)
    assert advice.roadmap[4].hires == later
    # Every unit of gap is placed once: a combined head stands for two units.
    units = sum(h.count * len(h.roles) for h in advice.hires)
    assert units == sum(role.gap for role in advice.roles)


@settings(max_examples=80, deadline=None)
@given(answers_strategy(max_count=30, max_people=20))
def test_m_seniority_sequence_per_role(answers):
    advice = advise(answers)
    roles = {role.key: role for role in advice.roles}
    order = {"blocking": 0, "growing": 1, "later": 2}
    for key in keys(ROLES):
        # Units of the role in hiring order: tier first, then quarter.
        units = sorted(
            (h for h in advice.hires if key in h.roles),
            key=lambda h: (order[h.tier], h.quarter),
        )
        if not units or any(len(h.roles) == 2 for h in units):
            continue  # a combined head takes its partner's seniority too
        role = roles[key]
        first_senior = role.current == 0 or role.gap >= role.current
        assert units[0].seniority == ("senior" if first_senior else "mid")
        seniors = sum(h.count for h in units if h.seniority == "senior")
        expected = int(first_senior) + (role.gap - 1) // 4
        assert seniors == expected


def test_plan_rules_in_trace_order():
    rules = [r.rule for r in plan("centralized", **ROUNDS).plan_rules]
    assert rules == [
        "H-BLOCKING",
        "H-GROWING",
        "H-RAISED",
        "M-PACE",
        "M-DOUBLE",
        "M-SENIORITY",
    ]


def test_hire_entries_sorted_by_quarter_then_order():
    advice = plan(**EMPTY)
    quarters = [h.quarter for h in advice.hires]
    assert quarters == sorted(quarters)


def test_rule_book_pace_numbers_are_the_specs():
    assert (rule("M-PACE")["minimum"], rule("M-PACE")["divisor"]) == (2, 4)
    assert (rule("M-PACE-HIRING")["minimum"], rule("M-PACE-HIRING")["divisor"]) == (
        1,
        8,
    )
    assert rule("M-DOUBLE")["minimum"] == 2
    assert rule("M-SENIORITY")["every"] == 4
    assert BOOK.rule("roadmap", "ml_lead")["team_at_least"] == 4
