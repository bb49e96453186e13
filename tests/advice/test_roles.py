"""Spec section 4: required roles (Q-*), needed sizes (N-*), status (R-STATUS),
full-stack cover (C-FULLSTACK), the lone-person rule (C-LONE) and the combined
hire (C-COMBINED). Expected numbers are worked out by hand from the spec."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.advice import ROLES, Override, advise
from assessments.advice.domain import STRUCTURES, keys

from .factories import BOOK, answers_strategy, make_answers, render, rule

ZERO = dict.fromkeys(keys(ROLES), 0)
STATUS = BOOK.rule("status").data


def plan(structure: str | None = None, **answers):
    """The advice for ``answers`` with the structure fixed by an override."""
    override = Override(structure, "Fixed for the test.") if structure else None
    return advise(make_answers(**answers), override=override)


def roles_of(advice) -> dict:
    return {role.key: role for role in advice.roles}


def needed(advice) -> dict[str, int]:
    return {role.key: role.needed for role in advice.roles}


def rules_of(advice, role: str) -> list[str]:
    return [step.rule for step in roles_of(advice)[role].rationale]


def sizes(*numbers: int) -> dict[str, int]:
    """Needed per role, in spec order: analyst, engineer, scientist, research
    scientist, MLOps engineer, software developer."""
    return dict(zip(keys(ROLES), numbers, strict=True))


# N-*: the table of spec section 4. Headcount is 1 in every role unless said.
NEEDS = [
    pytest.param(
        "centralized",
        {"stage": "large_startup", "ml_use_cases": 9},
        # DS ceil(9/2)=5; S=5+1=6; MLOps max(ceil(9/4)=3, ceil(6/5)=2);
        # DE max(3, ceil(6/6)=1); dev max(3, central 1); DA 1.
        sizes(1, 3, 5, 0, 3, 3),
        id="N-DS-USE-CASES-N-MLOPS-USE-CASES-N-DE-USE-CASES-N-DEV-USE-CASES-centralized",
    ),
    pytest.param(
        "decentralized",
        {"stage": "large_startup", "ml_use_cases": 7, "product_teams": 7},
        # squads 7: DS max(4, 7)=7; S=8; MLOps max(2, ceil(7/3)=3, ceil(8/5)=2);
        # DE max(2, ceil(7/2)=4, 2); dev max(2, 4); DA max(1, ceil(7/3)=3).
        sizes(3, 4, 7, 0, 3, 4),
        id="N-DS-SQUADS-N-MLOPS-SHARED-N-DE-SQUADS-N-DEV-SQUADS-N-DA-SQUADS",
    ),
    pytest.param(
        "hybrid",
        {"stage": "large_startup", "ml_use_cases": 2, "product_teams": 2},
        # squads 2: DS 2; S=3; MLOps max(1, max(2, 1), 1)=2 in the core.
        sizes(1, 1, 2, 0, 2, 1),
        id="N-MLOPS-CORE-two-squads",
    ),
    pytest.param(
        "hybrid",
        {
            "stage": "enterprise",
            "ai_focus": "balanced",
            "ml_use_cases": 12,
            "product_teams": 10,
        },
        # squads 10: DS max(6, 10)=10; RS 1; S=11; MLOps max(3, max(2, 4), 3)=4;
        # DE max(3, 5, 2)=5; dev max(3, 5)=5; DA max(1, ceil(10/3)=4)=4.
        sizes(4, 5, 10, 1, 4, 5),
        id="N-MLOPS-CORE-N-RS-BALANCED-ten-squads",
    ),
    pytest.param(
        "centralized_product",
        {
            "stage": "enterprise",
            "ai_focus": "research",
            "ml_use_cases": 7,
            "product_teams": 1,
        },
        # DS 4; RS ceil(7/3)=3; S=7; MLOps max(2, 2); DE max(2, 2);
        # dev max(2, max(2, ceil(7/2)=4))=4; no analyst for research.
        sizes(0, 2, 4, 3, 2, 4),
        id="N-RS-RESEARCH-N-DEV-PRODUCT",
    ),
    pytest.param(
        "centralized_product",
        {"stage": "enterprise", "ml_use_cases": 1, "product_teams": 1},
        # N-DEV-PRODUCT: at least two developers even for one use case.
        sizes(1, 1, 1, 0, 1, 2),
        id="N-DEV-PRODUCT-minimum-two",
    ),
    pytest.param(
        "centralized",
        {
            "stage": "large_startup",
            "ai_focus": "research",
            "ml_use_cases": 3,
            "data_scientist": 20,
            "research_scientist": 4,
        },
        # Scientists the plan ends with: max(20, 2) + max(4, 1) = 24;
        # MLOps max(1, ceil(24/5)=5); DE max(1, ceil(24/6)=4).
        sizes(0, 4, 2, 1, 5, 1),
        id="N-MLOPS-SCIENCE-N-DE-SCIENCE",
    ),
    pytest.param(
        "centralized",
        {"stage": "small_startup", "ml_use_cases": 0, "product_teams": 0},
        # use_cases = max(1, 0) = 1: a plan for one use case; N-DEV-CENTRAL 1.
        sizes(0, 1, 1, 0, 1, 1),
        id="N-DEV-CENTRAL-N-DA-BASE-no-analyst-in-small-startup",
    ),
    pytest.param(
        "decentralized",
        {
            "stage": "small_startup",
            "ai_focus": "balanced",
            "ml_use_cases": 5,
            "product_teams": 5,
        },
        # DS max(3, 5)=5; RS 1; S=6; MLOps max(2, 2, 2); DE max(2, 3, 1);
        # dev max(2, 3).
        sizes(0, 3, 5, 1, 2, 3),
        id="N-DS-SQUADS-small-balanced",
    ),
]


@pytest.mark.parametrize(("structure", "answers", "expected"), NEEDS)
def test_needed_per_structure(structure, answers, expected):
    assert needed(plan(structure, **answers)) == expected


def test_n_ds_use_cases_and_n_mlops_science_rationale_in_order():
    advice = plan("centralized", stage="large_startup", ml_use_cases=9)
    assert rules_of(advice, "data_scientist") == ["Q-CORE", "N-DS-USE-CASES"]
    assert rules_of(advice, "mlops_engineer") == [
        "Q-CORE",
        "N-MLOPS-USE-CASES",
        "N-MLOPS-SCIENCE",
    ]
    assert rules_of(advice, "data_engineer") == [
        "Q-CORE",
        "N-DE-USE-CASES",
        "N-DE-SCIENCE",
    ]
    assert rules_of(advice, "software_developer") == [
        "Q-CORE",
        "N-DEV-USE-CASES",
        "N-DEV-CENTRAL",
    ]
    assert rules_of(advice, "data_analyst") == ["Q-ANALYST", "N-DA-BASE"]
    (science,) = roles_of(advice)["mlops_engineer"].rationale[2:]
    assert science.text == render(
        rule("N-MLOPS-SCIENCE").text, science_staff=6, value=2
    )
    assert "6" in science.text and science.text.endswith(": 2.")


def test_n_mlops_shared_text_counts_teams():
    advice = plan("decentralized", ml_use_cases=7, product_teams=7)
    shared = roles_of(advice)["mlops_engineer"].rationale[2]
    assert shared.rule == "N-MLOPS-SHARED"
    assert shared.text == render(rule("N-MLOPS-SHARED").text, squads=7, value=3)
    assert "(7 teams): 3." in shared.text


def test_n_mlops_core_reads_squads_not_raw_teams():
    advice = plan("hybrid", ml_use_cases=2, product_teams=9)
    core = roles_of(advice)["mlops_engineer"].rationale[2]
    assert core.rule == "N-MLOPS-CORE"
    assert core.reads == (("product_teams", "9"), ("ml_use_cases", "2"))
    assert "(2 teams): 2." in core.text


@pytest.mark.parametrize(
    ("structure", "rules"),
    [
        ("centralized", ["Q-CORE", "N-DEV-USE-CASES", "N-DEV-CENTRAL"]),
        ("centralized_product", ["Q-CORE", "N-DEV-USE-CASES", "N-DEV-PRODUCT"]),
        ("decentralized", ["Q-CORE", "N-DEV-USE-CASES", "N-DEV-SQUADS"]),
        ("hybrid", ["Q-CORE", "N-DEV-USE-CASES", "N-DEV-SQUADS"]),
    ],
    ids=["N-DEV-CENTRAL", "N-DEV-PRODUCT", "N-DEV-SQUADS-dec", "N-DEV-SQUADS-hyb"],
)
def test_software_developer_rules_per_structure(structure, rules):
    assert rules_of(plan(structure), "software_developer") == rules


@pytest.mark.parametrize(
    ("focus", "needed_rs", "rules"),
    [
        ("research", 4, ["Q-RESEARCH", "N-RS-RESEARCH"]),
        ("balanced", 1, ["Q-RESEARCH", "N-RS-BALANCED"]),
        ("product", 0, []),
    ],
    ids=["N-RS-RESEARCH-ceil-10-over-3", "N-RS-BALANCED-one", "product-none"],
)
def test_research_scientist_need_by_focus(focus, needed_rs, rules):
    advice = plan("centralized", ai_focus=focus, ml_use_cases=10)
    assert needed(advice)["research_scientist"] == needed_rs
    assert rules_of(advice, "research_scientist") == rules


# Q-*: required roles ------------------------------------------------------

CORE = {"data_engineer", "data_scientist", "mlops_engineer", "software_developer"}


@pytest.mark.parametrize(
    ("stage", "focus", "extra"),
    [
        ("small_startup", "product", set()),
        ("small_startup", "research", {"research_scientist"}),
        ("small_startup", "balanced", {"research_scientist"}),
        ("large_startup", "product", {"data_analyst"}),
        ("large_startup", "research", {"research_scientist"}),
        ("large_startup", "balanced", {"research_scientist", "data_analyst"}),
        ("enterprise", "product", {"data_analyst"}),
        ("enterprise", "research", {"research_scientist"}),
        ("enterprise", "balanced", {"research_scientist", "data_analyst"}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_q_core_q_research_q_analyst_required_roles(stage, focus, extra):
    advice = advise(make_answers(stage=stage, ai_focus=focus))
    required = {role.key for role in advice.roles if role.required}
    assert required == CORE | extra
    for role in advice.roles:
        assert (role.needed == 0) == (not role.required)


@pytest.mark.parametrize("stage", ["small_startup", "large_startup", "enterprise"])
@pytest.mark.parametrize("focus", ["product", "research", "balanced"])
def test_q_analyst_insight_makes_analyst_required_everywhere(stage, focus):
    advice = advise(
        make_answers(
            stage=stage,
            ai_focus=focus,
            pain_points=("business_insight_gap",),
            data_analyst=0,
        )
    )
    analyst = roles_of(advice)["data_analyst"]
    assert analyst.required is True
    assert analyst.needed >= 1
    assert analyst.status == "hire"
    assert "Q-ANALYST-INSIGHT" in [step.rule for step in analyst.rationale]


def test_q_analyst_insight_small_startup_needs_exactly_one():
    advice = plan(
        "centralized",
        stage="small_startup",
        ai_focus="research",
        pain_points=("business_insight_gap",),
    )
    assert rules_of(advice, "data_analyst") == ["Q-ANALYST-INSIGHT", "N-DA-BASE"]
    assert needed(advice)["data_analyst"] == 1


def test_q_core_rationale_is_article():
    (step,) = roles_of(plan())["data_scientist"].rationale[:1]
    assert (step.rule, step.source) == ("Q-CORE", "article")


def test_role_not_required_is_optional_even_with_people():
    advice = advise(make_answers(stage="large_startup", ai_focus="research"))
    analyst = roles_of(advice)["data_analyst"]
    assert (analyst.required, analyst.needed, analyst.current) == (False, 0, 1)
    # R-STATUS: the one analyst they have is kept, never cut.
    assert (analyst.status, analyst.priority, analyst.status_text) == (
        "optional",
        None,
        "Not required for your goals; nothing in this plan asks you to change "
        "the 1 you have.",
    )


def test_roles_come_in_spec_order_with_skills_and_tech():
    advice = advise(make_answers())
    assert [role.key for role in advice.roles] == list(keys(ROLES))
    mlops = roles_of(advice)["mlops_engineer"]
    assert "Terraform" in mlops.tech
    assert mlops.skills


# R-STATUS -------------------------------------------------------------------


def test_r_status_enough_shows_todays_number_and_no_target():
    advice = plan("centralized", ml_use_cases=3, data_scientist=5)
    scientist = roles_of(advice)["data_scientist"]
    assert (scientist.needed, scientist.current, scientist.gap) == (2, 5, 0)
    assert (scientist.status, scientist.priority) == ("enough", None)
    assert scientist.status_text == render(STATUS["enough"], current=5)
    assert "5" in scientist.status_text
    assert "2" not in scientist.status_text  # never a target below today


def test_r_status_enough_when_current_equals_needed():
    scientist = roles_of(plan("centralized", ml_use_cases=4, data_scientist=2))[
        "data_scientist"
    ]
    assert (scientist.needed, scientist.gap, scientist.status) == (2, 0, "enough")


def test_r_status_hire_says_how_many():
    scientist = roles_of(plan("centralized", ml_use_cases=9))["data_scientist"]
    assert (scientist.gap, scientist.status) == (4, "hire")
    assert scientist.status_text == render(STATUS["hire"], gap=4)


# C-FULLSTACK ----------------------------------------------------------------

# Small product startup, 3 teams and 3 use cases, 2 data scientists (both
# full-stack), 1 developer: DS 3, MLOps 1, DE 2, dev 2. The two full-stack
# people cover the MLOps unit, then one of the two data-engineer units.
FULL_STACK = dict(
    stage="small_startup",
    ml_use_cases=3,
    product_teams=3,
    full_stack_data_scientists=2,
    **{**ZERO, "data_scientist": 2, "software_developer": 1},
)


def test_c_fullstack_covers_mlops_first_then_data_engineer():
    roles = roles_of(advise(make_answers(**FULL_STACK)))
    mlops, engineer = roles["mlops_engineer"], roles["data_engineer"]
    assert (mlops.gap, mlops.covered, mlops.status) == (1, 1, "part_time")
    assert (engineer.gap, engineer.covered, engineer.status) == (2, 1, "hire")
    assert engineer.status_text == render(
        STATUS["hire_covered"], uncovered=1, covered=1
    )
    assert mlops.status_text == STATUS["part_time"]
    assert "C-FULLSTACK" in [step.rule for step in mlops.rationale]


def test_c_fullstack_part_time_priority_comes_after_every_uncovered_role():
    roles = roles_of(advise(make_answers(**FULL_STACK)))
    # Uncovered: DE (blocking) 1, DS 2, dev 3; then the covered MLOps unit.
    assert {key: role.priority for key, role in roles.items()} == {
        "data_analyst": None,
        "data_engineer": 1,
        "data_scientist": 2,
        "research_scientist": None,
        "mlops_engineer": 4,
        "software_developer": 3,
    }


def test_c_fullstack_is_capped_by_data_scientists():
    # fs = min(full_stack, data_scientist): 3 claimed, 1 data scientist.
    answers = make_answers(
        **{
            **FULL_STACK,
            "data_scientist": 1,
            "data_engineer": 1,
            "full_stack_data_scientists": 3,
        }
    )
    roles = roles_of(advise(answers))
    assert roles["mlops_engineer"].covered == 1
    assert roles["data_engineer"].covered == 0


@pytest.mark.parametrize("stage", ["large_startup", "enterprise"])
def test_c_fullstack_only_in_small_startups(stage):
    answers = make_answers(**{**FULL_STACK, "stage": stage})
    advice = advise(answers)
    assert all(role.covered == 0 for role in advice.roles)
    assert "part_time" not in {role.status for role in advice.roles}


# C-LONE ---------------------------------------------------------------------

# One data scientist (full-stack) and four developers: ml_staff is 1, because
# developers do not count.
LONE = dict(
    stage="small_startup",
    ml_use_cases=3,
    product_teams=3,
    full_stack_data_scientists=1,
    **{**ZERO, "data_scientist": 1, "software_developer": 4},
)


def test_c_lone_one_ml_person_gets_no_cover():
    roles = roles_of(advise(make_answers(**LONE)))
    for key in ("mlops_engineer", "data_engineer"):
        assert (roles[key].covered, roles[key].status) == (0, "hire")
        assert "C-LONE" in [step.rule for step in roles[key].rationale]
        assert "C-FULLSTACK" not in [step.rule for step in roles[key].rationale]
    (lone,) = [s for s in roles["mlops_engineer"].rationale if s.rule == "C-LONE"]
    assert lone.source == "house"


def test_c_lone_two_ml_people_do_get_cover():
    answers = make_answers(**{**LONE, "data_analyst": 1})
    assert roles_of(advise(answers))["mlops_engineer"].status == "part_time"


@settings(max_examples=80, deadline=None)
@given(answers_strategy(stage="small_startup", max_people=2))
def test_c_lone_ml_person_never_part_time(answers):
    ml_staff = answers.headcount.total() - answers.headcount.software_developer
    advice = advise(answers)
    if ml_staff <= 1:
        assert "part_time" not in {role.status for role in advice.roles}
        assert all(role.covered == 0 for role in advice.roles)


# C-COMBINED -----------------------------------------------------------------


def test_c_combined_lone_person_gets_one_ml_engineer_not_three_roles():
    advice = advise(make_answers(**LONE))
    combined = [h for h in advice.hires if len(h.roles) == 2]
    assert [(h.roles, h.count, h.tier, h.seniority, h.quarter) for h in combined] == [
        (("data_engineer", "mlops_engineer"), 1, "blocking", "senior", 1)
    ]
    assert (
        combined[0].people
        == "1 senior ML engineer for data pipelines and model deployment"
    )
    roles = roles_of(advice)
    assert roles["data_engineer"].priority == roles["mlops_engineer"].priority == 1
    assert roles["data_scientist"].priority == 2
    rules = [step.rule for step in roles["data_engineer"].rationale]
    assert "C-COMBINED" in rules


def test_c_combined_is_senior_when_either_unit_would_be():
    # DE: 2 today, gap 1 (mid on its own); MLOps: nobody today (senior).
    answers = make_answers(
        stage="small_startup",
        ml_use_cases=5,
        product_teams=5,
        **{**ZERO, "data_scientist": 5, "data_engineer": 2, "software_developer": 3},
    )
    advice = advise(answers)
    assert [(h.roles, h.tier, h.seniority, h.quarter) for h in advice.hires] == [
        (("data_engineer", "mlops_engineer"), "blocking", "senior", 1),
        (("mlops_engineer",), "growing", "mid", 1),
    ]
    # One combined head plus one MLOps engineer: 2 hires, within the pace of 2.
    assert advice.roadmap[0].hires == 2


def test_c_combined_not_in_large_startups():
    answers = make_answers(**{**LONE, "stage": "large_startup"})
    assert all(len(h.roles) == 1 for h in advise(answers).hires)


def test_c_combined_not_when_cover_takes_one_of_the_two():
    advice = advise(make_answers(**FULL_STACK))
    assert all(len(h.roles) == 1 for h in advice.hires)


# Properties -----------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    answers_strategy(),
    st.sampled_from(keys(STRUCTURES)),
    st.integers(0, 6),
    st.integers(0, 6),
)
def test_more_use_cases_or_teams_never_lower_a_need(answers, structure, more, teams):
    override = Override(structure, "Fixed structure.")
    bigger = replace(
        answers,
        ml_use_cases=answers.ml_use_cases + more,
        product_teams=answers.product_teams + teams,
    )
    before = needed(advise(answers, override=override))
    after = needed(advise(bigger, override=override))
    assert all(after[role] >= before[role] for role in before)


@settings(max_examples=100, deadline=None)
@given(answers_strategy(), st.sampled_from((None, *keys(STRUCTURES))))
def test_r_status_is_consistent_with_numbers(answers, structure):
    override = Override(structure, "Any.") if structure else None
    for role in advise(answers, override=override).roles:
        assert role.gap == max(0, role.needed - role.current)
        if role.status == "enough":
            assert role.current >= role.needed > 0
            assert role.priority is None
        elif role.status == "optional":
            assert role.needed == 0
            assert role.priority is None
        elif role.status == "part_time":
            assert role.gap == role.covered > 0
        else:
            assert role.status == "hire"
            assert role.gap > role.covered
        assert not (role.status == "enough" and role.needed > role.current)
