"""Spec section 4: required roles, sizing formulas, gaps, hiring order."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from assessments.advice import ROLES
from assessments.advice.domain import AI_FOCUSES, STAGES, keys
from assessments.advice.first_edition import advise, load_rulebook

from ..factories import make_answers


def roles_of(**kwargs) -> dict:
    return {role.key: role for role in advise(make_answers(**kwargs)).roles}


def test_roles_come_in_spec_order():
    assert [role.key for role in advise(make_answers()).roles] == list(keys(ROLES))


@pytest.mark.parametrize("stage", keys(STAGES))
@pytest.mark.parametrize("focus", keys(AI_FOCUSES))
def test_q_core_roles_always_required(stage, focus):
    roles = roles_of(stage=stage, ai_focus=focus, ml_use_cases=0, product_teams=0)
    for key in (
        "data_scientist",
        "data_engineer",
        "mlops_engineer",
        "software_developer",
    ):
        assert roles[key].required
        assert roles[key].recommended >= 1
        assert "Q-CORE" in [r.rule for r in roles[key].rationale]


@pytest.mark.parametrize(
    ("focus", "required"), [("research", True), ("balanced", True), ("product", False)]
)
def test_q_research_required_by_focus(focus, required):
    role = roles_of(ai_focus=focus)["research_scientist"]
    assert role.required is required
    assert (role.recommended >= 1) is required
    assert role.rationale[0].rule == "Q-RESEARCH"


@pytest.mark.parametrize(
    ("stage", "required"),
    [("small_startup", False), ("large_startup", True), ("enterprise", True)],
)
def test_q_analyst_required_by_stage(stage, required):
    role = roles_of(stage=stage)["data_analyst"]
    assert role.required is required
    assert role.recommended == (1 if required else 0)
    assert role.rationale[0].rule == "Q-ANALYST"


def test_q_research_optional_role_recommends_zero_even_with_staff():
    role = roles_of(ai_focus="product", research_scientist=4)["research_scientist"]
    assert (role.recommended, role.current, role.gap) == (0, 4, 0)


# Each case makes one sizing rule the binding one. Structures come from the
# decision table: large_startup+research -> centralized, large_startup+product
# -> decentralized, enterprise+balanced -> hybrid, enterprise+research ->
# centralized_product.
CENTRAL = {"stage": "large_startup", "ai_focus": "research"}
SQUADS = {"stage": "large_startup", "ai_focus": "product"}
HYBRID = {"stage": "enterprise", "ai_focus": "balanced"}
PRODUCT = {"stage": "enterprise", "ai_focus": "research"}
SIZING = [
    ("R-DA-BASE", CENTRAL, 9, 9, "data_analyst", 1),
    ("R-DA-BASE", PRODUCT, 9, 9, "data_analyst", 1),
    ("R-DA-SQUADS", SQUADS, 5, 5, "data_analyst", 3),
    ("R-DA-HYBRID", HYBRID, 7, 7, "data_analyst", 3),
    ("R-DE-BASE", CENTRAL, 9, 9, "data_engineer", 3),
    ("R-DE-SQUADS", SQUADS, 8, 8, "data_engineer", 4),
    ("R-DE-SQUADS", HYBRID, 9, 9, "data_engineer", 5),
    ("R-DS-BASE", CENTRAL, 7, 7, "data_scientist", 4),
    ("R-DS-BASE", SQUADS, 7, 1, "data_scientist", 4),
    ("R-DS-SQUADS", SQUADS, 6, 6, "data_scientist", 6),
    ("R-DS-SQUADS", HYBRID, 6, 6, "data_scientist", 6),
    ("R-RS-RESEARCH", CENTRAL, 7, 7, "research_scientist", 3),
    ("R-RS-BALANCED", HYBRID, 9, 9, "research_scientist", 1),
    ("R-MLOPS-BASE", CENTRAL, 9, 9, "mlops_engineer", 3),
    ("R-MLOPS-BASE", PRODUCT, 9, 9, "mlops_engineer", 3),
    ("R-MLOPS-SQUADS", SQUADS, 5, 5, "mlops_engineer", 5),
    ("R-MLOPS-CORE", HYBRID, 1, 1, "mlops_engineer", 2),
    ("R-MLOPS-CORE", HYBRID, 8, 8, "mlops_engineer", 4),
    ("R-DEV-BASE", CENTRAL, 9, 9, "software_developer", 3),
    ("R-DEV-SQUADS", SQUADS, 6, 6, "software_developer", 6),
    ("R-DEV-SQUADS", HYBRID, 6, 6, "software_developer", 6),
    ("R-DEV-PRODUCT", PRODUCT, 1, 1, "software_developer", 2),
    ("R-DEV-PRODUCT", PRODUCT, 9, 9, "software_developer", 5),
]


@pytest.mark.parametrize(
    ("rule", "setting", "use_cases", "teams", "role", "expected"),
    SIZING,
    ids=[f"{case[0]}-{case[2]}-use-cases" for case in SIZING],
)
def test_sizing_rule_gives_formula_value(
    rule, setting, use_cases, teams, role, expected
):
    advice = roles_of(**setting, ml_use_cases=use_cases, product_teams=teams)[role]
    assert advice.recommended == expected
    rationale = next(r for r in advice.rationale if r.rule == rule)
    assert f": {expected}." in rationale.text


def test_sizing_zero_use_cases_sized_as_one():
    roles = roles_of(**CENTRAL, ml_use_cases=0, product_teams=0)
    assert roles["data_scientist"].recommended == 1
    assert roles["research_scientist"].recommended == 1


def test_sizing_squads_capped_by_use_cases():
    # 10 product teams but only 2 use cases: 2 squads, so 2 MLOps engineers.
    roles = roles_of(**SQUADS, ml_use_cases=2, product_teams=10)
    assert roles["mlops_engineer"].recommended == 2


def test_sizing_rule_reads_its_answers():
    role = roles_of(**SQUADS, ml_use_cases=6, product_teams=4)["mlops_engineer"]
    rationale = next(r for r in role.rationale if r.rule == "R-MLOPS-SQUADS")
    assert rationale.reads == (("product_teams", "4"), ("ml_use_cases", "6"))
    assert "product_teams = 4; ml_use_cases = 6" in rationale.text


@pytest.mark.parametrize(("current", "gap"), [(0, 4), (3, 1), (4, 0), (9, 0)])
def test_gap_is_recommended_minus_current_floored_at_zero(current, gap):
    role = roles_of(**CENTRAL, ml_use_cases=7, data_scientist=current)["data_scientist"]
    assert (role.recommended, role.current, role.gap) == (4, current, gap)


def priorities(roles: dict) -> dict:
    return {key: role.priority for key, role in roles.items() if role.priority}


def test_p_no_ds_puts_missing_data_scientist_first():
    # Hybrid core needs 2 MLOps engineers for a single use case: bigger gap.
    roles = roles_of(
        **HYBRID, ml_use_cases=1, product_teams=1, data_scientist=0, mlops_engineer=0
    )
    assert roles["mlops_engineer"].gap > roles["data_scientist"].gap
    assert roles["data_scientist"].priority == 1
    assert roles["mlops_engineer"].priority == 2
    assert "P-NO-DS" in [r.rule for r in roles["data_scientist"].rationale]


def test_p_no_ds_not_applied_when_some_data_scientist():
    roles = roles_of(**SQUADS, ml_use_cases=8, product_teams=8, data_scientist=1)
    assert roles["data_scientist"].gap > 0
    assert "P-NO-DS" not in rules_of(roles["data_scientist"])


def rules_of(role) -> list[str]:
    return [r.rule for r in role.rationale]


def test_p_mlops_production_beats_bigger_gap():
    roles = roles_of(
        **SQUADS, ml_use_cases=16, product_teams=2, data_scientist=1, mlops_engineer=0
    )
    assert roles["data_scientist"].gap > roles["mlops_engineer"].gap
    assert roles["mlops_engineer"].priority == 1
    assert "P-MLOPS-PRODUCTION" in rules_of(roles["mlops_engineer"])


def test_p_mlops_production_only_when_there_is_no_mlops_engineer():
    # Spec section 4: the blocking gap is *no* MLOps engineer; with one on
    # board the remaining gap ranks by its size like any other.
    roles = roles_of(
        **SQUADS, ml_use_cases=16, product_teams=2, data_scientist=1, mlops_engineer=1
    )
    assert roles["mlops_engineer"].gap > 0
    assert "P-MLOPS-PRODUCTION" not in rules_of(roles["mlops_engineer"])
    assert roles["data_scientist"].priority == 1


def test_p_mlops_production_not_for_research_focus():
    roles = roles_of(
        **CENTRAL,
        ml_use_cases=16,
        data_engineer=0,
        mlops_engineer=3,
        data_scientist=8,
        research_scientist=6,
        software_developer=4,
    )
    assert priorities(roles) == {"data_engineer": 1, "mlops_engineer": 2}


def test_p_dev_central_first_in_centralized_team():
    roles = roles_of(**CENTRAL, ml_use_cases=12, data_scientist=1, software_developer=0)
    assert roles["data_scientist"].gap > roles["software_developer"].gap
    assert roles["software_developer"].priority == 1
    assert "P-DEV-CENTRAL" in rules_of(roles["software_developer"])


def test_p_dev_central_applies_to_centralized_product():
    roles = roles_of(**PRODUCT, ml_use_cases=12, software_developer=0)
    assert "P-DEV-CENTRAL" in rules_of(roles["software_developer"])


def test_p_dev_central_only_when_there_is_no_software_developer():
    roles = roles_of(**CENTRAL, ml_use_cases=12, data_scientist=1, software_developer=1)
    assert roles["software_developer"].gap > 0
    assert "P-DEV-CENTRAL" not in rules_of(roles["software_developer"])
    assert roles["data_scientist"].priority == 1


def test_p_dev_central_not_in_squads():
    roles = roles_of(**HYBRID, ml_use_cases=2, product_teams=2, software_developer=0)
    assert roles["software_developer"].gap > 0
    assert "P-DEV-CENTRAL" not in rules_of(roles["software_developer"])


def test_priority_ties_follow_spec_order():
    roles = roles_of(
        **CENTRAL,
        ml_use_cases=4,
        data_engineer=0,
        data_analyst=0,
        data_scientist=2,
        research_scientist=2,
    )
    assert priorities(roles) == {"data_analyst": 1, "data_engineer": 2}


def test_priority_none_without_gap_and_contiguous():
    roles = roles_of(**SQUADS, ml_use_cases=9, product_teams=3, data_scientist=0)
    ranked = sorted(priorities(roles).values())
    assert ranked == list(range(1, len(ranked) + 1))
    assert all(r.priority is None for r in roles.values() if r.gap == 0)


SMALL = {"stage": "small_startup", "ai_focus": "product"}


def test_c_fullstack_covers_data_engineer_and_mlops_gaps():
    roles = roles_of(
        **SMALL,
        ml_use_cases=4,
        product_teams=4,
        full_stack_data_scientists=1,
        data_engineer=0,
        mlops_engineer=0,
    )
    covered = ("data_engineer", "mlops_engineer")
    for key in covered:
        assert roles[key].covered_part_time
        assert roles[key].gap == roles[key].recommended
        assert "C-FULLSTACK" in rules_of(roles[key])
        # Nothing urges a covered hire, so no hiring-order rule is cited.
        assert not [r for r in rules_of(roles[key]) if r.startswith("P-")]
    assert not roles["data_scientist"].covered_part_time
    # Covered gaps still rank (spec section 7: priority is null only without a
    # gap), but after every role that has to be hired now.
    hires = [r.priority for k, r in roles.items() if r.priority and k not in covered]
    assert hires
    assert min(roles[key].priority for key in covered) > max(hires)


def test_c_fullstack_under_rulebook_2026_1_left_covered_gaps_unranked():
    # An assessment advised under 2026.1 keeps the advice it was given.
    answers = make_answers(
        **SMALL, full_stack_data_scientists=1, data_engineer=0, mlops_engineer=0
    )
    roles = advise(answers, load_rulebook("2026.1")).roles
    covered = [r for r in roles if r.covered_part_time]
    assert covered
    assert all(r.priority is None for r in covered)


def test_w_part_time_warning_names_covered_roles():
    answers = make_answers(
        **SMALL, full_stack_data_scientists=1, data_engineer=0, mlops_engineer=0
    )
    warnings = [w.text for w in advise(answers).warnings if w.rule == "W-PART-TIME"]
    assert len(warnings) == 1
    assert "Data engineer and MLOps engineer" in warnings[0]
    assert "1 full-stack data scientist" in warnings[0]


def test_c_fullstack_not_without_full_stack_data_scientist():
    roles = roles_of(**SMALL, data_engineer=0, mlops_engineer=0)
    assert not roles["mlops_engineer"].covered_part_time
    assert roles["mlops_engineer"].priority is not None


def test_c_fullstack_not_beyond_small_startups():
    roles = roles_of(
        stage="large_startup", full_stack_data_scientists=1, mlops_engineer=0
    )
    assert not roles["mlops_engineer"].covered_part_time


def test_c_fullstack_only_marks_real_gaps():
    answers = make_answers(
        **SMALL, full_stack_data_scientists=1, data_engineer=5, mlops_engineer=5
    )
    advice = advise(answers)
    assert not any(role.covered_part_time for role in advice.roles)
    assert not any(w.rule == "W-PART-TIME" for w in advice.warnings)


SETTINGS = st.sampled_from(
    [(stage, focus) for stage in keys(STAGES) for focus in keys(AI_FOCUSES)]
)
COUNTS = st.integers(0, 10_000)


def recommended(stage, focus, use_cases, teams) -> tuple[str, list[int]]:
    answers = make_answers(
        stage=stage, ai_focus=focus, ml_use_cases=use_cases, product_teams=teams
    )
    advice = advise(answers)
    return advice.structure.key, [role.recommended for role in advice.roles]


@given(SETTINGS, COUNTS, COUNTS, st.integers(1, 1000))
def test_more_use_cases_never_lower_recommendations(setting, use_cases, teams, more):
    structure, before = recommended(*setting, use_cases, teams)
    same, after = recommended(*setting, use_cases + more, teams)
    assert structure == same
    assert all(a >= b for a, b in zip(after, before, strict=True))


@given(SETTINGS, COUNTS, COUNTS, st.integers(1, 1000))
def test_more_product_teams_never_lower_recommendations_in_structure(
    setting, use_cases, teams, more
):
    structure, before = recommended(*setting, use_cases, teams)
    other, after = recommended(*setting, use_cases, teams + more)
    assume(structure == other)
    assert all(a >= b for a, b in zip(after, before, strict=True))


# Spec section 1, written out by hand so the rulebook is checked against it.
SPEC_TECH = {
    "data_analyst": ["sql", "excel", "tableau"],
    "data_engineer": ["spark", "hadoop"],
    "data_scientist": ["sql", "python/r", "machine learning"],
    "research_scientist": ["sql", "python/r", "machine learning"],
    "mlops_engineer": [
        "terraform",
        "aws cloudformation",
        "google cloud",
        "python",
        "java",
        "scala",
    ],
    "software_developer": ["rest", "aws lambda", "appsync"],
}
SPEC_SKILL_WORDS = {
    "data_analyst": ["descriptive", "comprehensive"],
    "data_engineer": ["distributed", "data structures", "algorithms"],
    "data_scientist": ["subject", "communication", "interpersonal"],
    "research_scientist": ["nlp", "vision", "statistics"],
    "mlops_engineer": [
        "programming",
        "cloud",
        "machine learning",
        "infrastructure as code",
        "communication",
    ],
    "software_developer": ["back-end", "api design", "integration"],
}


@pytest.mark.parametrize("key", keys(ROLES))
def test_each_role_carries_the_skills_and_tech_stack_of_spec_section_1(key):
    role = roles_of()[key]
    assert [t.lower() for t in role.tech] == SPEC_TECH[key]
    skills = [s.lower() for s in role.skills]
    assert len(skills) == len(SPEC_SKILL_WORDS[key])
    for skill, word in zip(skills, SPEC_SKILL_WORDS[key], strict=True):
        assert word in skill
