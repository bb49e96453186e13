"""The engine's hiring plan, computed from counts, equals the spec's algorithm
run unit by unit (``unit_by_unit.py``) — and stays fast at a million."""

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.advice import advise, domain, load_rulebook
from assessments.advice.facts import facts
from assessments.advice.risks import plan_risks
from assessments.advice.roles import apply_cover, combined_hire, plan_needs
from assessments.advice.structure import decide_for

from .factories import make_answers
from .unit_by_unit import hire_groups


def _by_units(answers) -> list[tuple]:
    book = load_rulebook()
    env = facts(answers, structure=decide_for(answers, book).structure)
    plans = plan_needs(env, book)
    apply_cover(plans, env, book)
    combined = combined_hire(plans, env, book)
    risks = plan_risks(env["structure"], combined, env, book)
    high = {risk.key for risk in risks if risk.level == "high"}
    return hire_groups(plans, combined, high, env, book)


def _by_counts(answers) -> list[tuple]:
    return [
        (h.roles, h.count, h.priority, h.tier, h.seniority, h.quarter)
        for h in advise(answers).hires
    ]


PAIN_POINTS = [key for key, _ in domain.PAIN_POINTS]
ROLE_KEYS = [key for key, _ in domain.ROLES]


@settings(max_examples=300, deadline=None)
@given(
    stage=st.sampled_from(["small_startup", "large_startup", "enterprise"]),
    focus=st.sampled_from(["product", "research", "balanced"]),
    use_cases=st.integers(0, 80),
    teams=st.integers(0, 40),
    headcount=st.fixed_dictionaries({role: st.integers(0, 6) for role in ROLE_KEYS}),
    full_stack=st.integers(0, 6),
    pains=st.lists(st.sampled_from(PAIN_POINTS), unique=True),
)
def test_h_order_and_m_roadmap_by_counts_equal_the_units_algorithm(
    stage, focus, use_cases, teams, headcount, full_stack, pains
):
    # Many units and small teams: the per-role doubling limit, the combined
    # hire, full-stack cover, raised roles and the slow pace all come up.
    answers = make_answers(
        stage=stage,
        ai_focus=focus,
        ml_use_cases=use_cases,
        product_teams=teams,
        full_stack_data_scientists=min(full_stack, headcount["data_scientist"]),
        pain_points=tuple(pains),
        **headcount,
    )
    assert _by_counts(answers) == _by_units(answers)


def test_a_plan_at_the_largest_counts_takes_well_under_a_second():
    answers = make_answers(
        stage="enterprise",
        ai_focus="research",
        ml_use_cases=1_000_000,
        product_teams=1_000_000,
        employees=1_000_000,
    )
    start = time.perf_counter()
    advice = advise(answers)
    assert time.perf_counter() - start < 1.0
    # 500,000 data scientists needed: most of them wait for "later".
    scientists = next(r for r in advice.roles if r.key == "data_scientist")
    assert scientists.needed == 500_000
    assert sum(h.count for h in advice.hires) == sum(r.gap for r in advice.roles)
