"""Spec section 6 (second edition): parsing, every validation error, defaults
and warnings (W-STAGE-SMALL, W-STAGE-LARGE, W-STAGE-ENTERPRISE, W-NO-USE-CASES)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.advice import (
    INDUSTRY_MAX_LENGTH,
    MAX_COUNT,
    NAME_MAX_LENGTH,
    PAIN_POINTS,
    ROLES,
    Answers,
    AnswersInvalid,
    FieldError,
    Headcount,
    Organization,
    advise,
    answer_warnings,
    parse_answers,
)
from assessments.advice.answers import full_stack_error
from assessments.advice.domain import AI_FOCUSES, CURRENT_STRUCTURES, STAGES, keys

from .factories import answer_data, make_answers, render, rule


def fields_of(data: object) -> list[str]:
    with pytest.raises(AnswersInvalid) as caught:
        parse_answers(data)
    return [error.field for error in caught.value.errors]


def changed(path: str, value: object) -> dict:
    data = answer_data()
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


def removed(path: str) -> dict:
    data = answer_data()
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    del target[last]
    return data


def test_parse_answers_valid_file_gives_answers():
    answers = parse_answers(answer_data())
    assert answers.organization == Organization(
        name="Acme Analytics", industry="retail", employees=400, stage="large_startup"
    )
    assert answers.headcount.data_scientist == 2
    assert answers.pain_points == ()
    assert answers.organization.regulated is False
    assert answers.has_ml_lead is None


def test_parse_answers_optional_fields_take_defaults():
    data = answer_data()
    data["has_ml_lead"] = True
    data["organization"]["regulated"] = True
    for key in (
        "dedicated_ml_budget",
        "current_structure",
        "has_ml_lead",
        "full_stack_data_scientists",
        "pain_points",
    ):
        del data[key]
    del data["organization"]["industry"]
    del data["organization"]["regulated"]
    answers = parse_answers(data)
    assert answers.organization.regulated is False
    assert answers.has_ml_lead is None
    assert answers.dedicated_ml_budget is False
    assert answers.current_structure == "none"
    assert answers.full_stack_data_scientists == 0
    assert answers.pain_points == ()
    assert answers.organization.industry == ""


def test_parse_answers_name_is_stripped():
    answers = parse_answers(changed("organization.name", "  Acme  "))
    assert answers.organization.name == "Acme"


def test_parse_answers_pain_points_kept_in_spec_order():
    answers = parse_answers(changed("pain_points", ["hiring_difficulty", "silos"]))
    assert answers.pain_points == ("silos", "hiring_difficulty")


def test_parse_answers_upper_limits_accepted():
    data = changed("organization.employees", MAX_COUNT)
    data["ml_use_cases"] = MAX_COUNT
    data["organization"]["name"] = "n" * NAME_MAX_LENGTH
    data["organization"]["industry"] = "i" * INDUSTRY_MAX_LENGTH
    assert parse_answers(data).ml_use_cases == MAX_COUNT


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param([], "", id="top-level-not-object"),
        pytest.param("answers", "", id="top-level-string"),
        pytest.param(changed("colour", "red"), "colour", id="unknown-top-key"),
        pytest.param(
            changed("organization.colour", "red"),
            "organization.colour",
            id="unknown-organization-key",
        ),
        pytest.param(
            changed("headcount.intern", 1), "headcount.intern", id="unknown-role"
        ),
        pytest.param(removed("organization"), "organization", id="missing-org"),
        pytest.param(changed("organization", "Acme"), "organization", id="org-type"),
        pytest.param(removed("organization.name"), "organization.name", id="no-name"),
        pytest.param(
            changed("organization.name", "   "), "organization.name", id="blank-name"
        ),
        pytest.param(
            changed("organization.name", "n" * (NAME_MAX_LENGTH + 1)),
            "organization.name",
            id="long-name",
        ),
        pytest.param(
            changed("organization.name", 7), "organization.name", id="name-type"
        ),
        pytest.param(
            changed("organization.industry", "i" * (INDUSTRY_MAX_LENGTH + 1)),
            "organization.industry",
            id="long-industry",
        ),
        pytest.param(
            changed("organization.industry", None),
            "organization.industry",
            id="industry-type",
        ),
        pytest.param(
            removed("organization.employees"),
            "organization.employees",
            id="no-employees",
        ),
        pytest.param(
            changed("organization.employees", 0),
            "organization.employees",
            id="zero-employees",
        ),
        pytest.param(
            changed("organization.employees", MAX_COUNT + 1),
            "organization.employees",
            id="too-many-employees",
        ),
        pytest.param(
            changed("organization.employees", True),
            "organization.employees",
            id="bool-employees",
        ),
        pytest.param(
            changed("organization.employees", 40.0),
            "organization.employees",
            id="float-employees",
        ),
        pytest.param(
            changed("organization.employees", "40"),
            "organization.employees",
            id="string-employees",
        ),
        pytest.param(
            removed("organization.stage"), "organization.stage", id="no-stage"
        ),
        pytest.param(
            changed("organization.stage", "scaleup"),
            "organization.stage",
            id="unknown-stage",
        ),
        pytest.param(removed("ai_focus"), "ai_focus", id="no-focus"),
        pytest.param(changed("ai_focus", "hype"), "ai_focus", id="unknown-focus"),
        pytest.param(removed("ml_use_cases"), "ml_use_cases", id="no-use-cases"),
        pytest.param(changed("ml_use_cases", -1), "ml_use_cases", id="negative"),
        pytest.param(
            changed("ml_use_cases", MAX_COUNT + 1), "ml_use_cases", id="too-many"
        ),
        pytest.param(changed("ml_use_cases", 2.5), "ml_use_cases", id="fraction"),
        pytest.param(removed("product_teams"), "product_teams", id="no-teams"),
        pytest.param(changed("product_teams", False), "product_teams", id="bool"),
        pytest.param(
            changed("dedicated_ml_budget", "yes"),
            "dedicated_ml_budget",
            id="budget-string",
        ),
        pytest.param(
            changed("dedicated_ml_budget", 1), "dedicated_ml_budget", id="budget-int"
        ),
        pytest.param(
            changed("current_structure", "matrix"),
            "current_structure",
            id="unknown-current-structure",
        ),
        pytest.param(
            changed("organization.regulated", "no"),
            "organization.regulated",
            id="regulated-string",
        ),
        pytest.param(
            changed("organization.regulated", None),
            "organization.regulated",
            id="regulated-null",
        ),
        pytest.param(changed("has_ml_lead", "yes"), "has_ml_lead", id="lead-string"),
        pytest.param(changed("has_ml_lead", 0), "has_ml_lead", id="lead-int"),
        pytest.param(
            changed("full_stack_data_scientists", 3),
            "full_stack_data_scientists",
            id="full-stack-over-data-scientists",
        ),
        pytest.param(removed("headcount"), "headcount", id="no-headcount"),
        pytest.param(changed("headcount", [1, 2]), "headcount", id="headcount-type"),
        pytest.param(
            removed("headcount.data_scientist"),
            "headcount.data_scientist",
            id="missing-role",
        ),
        pytest.param(
            changed("headcount.data_scientist", -2),
            "headcount.data_scientist",
            id="negative-role",
        ),
        pytest.param(
            changed("headcount.mlops_engineer", 1.0),
            "headcount.mlops_engineer",
            id="float-role",
        ),
        pytest.param(
            changed("full_stack_data_scientists", -1),
            "full_stack_data_scientists",
            id="negative-full-stack",
        ),
        pytest.param(changed("pain_points", "silos"), "pain_points", id="pain-type"),
        pytest.param(changed("pain_points", [1]), "pain_points", id="pain-item"),
        pytest.param(
            changed("pain_points", ["boredom"]), "pain_points", id="unknown-pain"
        ),
        pytest.param(
            changed("organization.employees", 10), "headcount", id="headcount-sum"
        ),
    ],
)
def test_parse_answers_refuses_with_field(data, field):
    assert fields_of(data) == [field]


@pytest.mark.parametrize("structure", keys(CURRENT_STRUCTURES))
def test_parse_answers_current_structure_accepts_every_choice(structure):
    answers = parse_answers(changed("current_structure", structure))
    assert answers.current_structure == structure
    assert "centralized_product" in keys(CURRENT_STRUCTURES)


@pytest.mark.parametrize("value", [True, False, None])
def test_parse_answers_has_ml_lead_true_false_or_not_said(value):
    assert parse_answers(changed("has_ml_lead", value)).has_ml_lead is value


def test_parse_answers_regulated_read():
    answers = parse_answers(changed("organization.regulated", True))
    assert answers.organization.regulated is True


def test_parse_answers_more_full_stack_than_data_scientists_is_an_error():
    with pytest.raises(AnswersInvalid) as caught:
        parse_answers(changed("full_stack_data_scientists", 3))
    (error,) = caught.value.errors
    assert error.field == "full_stack_data_scientists"
    assert error.message == full_stack_error(2)
    assert error.message == (
        "must not be more than the 2 data scientists: a full-stack data "
        "scientist is counted as a data scientist too"
    )


def test_parse_answers_full_stack_equal_to_data_scientists_accepted():
    answers = parse_answers(changed("full_stack_data_scientists", 2))
    assert answers.full_stack_data_scientists == 2


def test_parse_answers_first_edition_files_keep_more_full_stack():
    # Assessments advised under the first edition only had a warning for it.
    data = changed("full_stack_data_scientists", 3)
    assert parse_answers(data, first_edition=True).full_stack_data_scientists == 3


def test_repeated_pain_points_are_folded_not_refused():
    # Spec section 6 lists every refusal; a repeat is none of them.
    answers = parse_answers(changed("pain_points", ["silos", "slow_delivery", "silos"]))
    assert answers.pain_points == ("silos", "slow_delivery")


def test_parse_answers_headcount_equal_to_employees_accepted():
    assert parse_answers(changed("organization.employees", 11)).headcount.total() == 11


def test_parse_answers_collects_all_errors():
    data = changed("organization.employees", 0)
    data["ai_focus"] = "hype"
    data["headcount"]["data_scientist"] = "two"
    data["pain_points"] = ["silos", "boredom"]
    data["extra"] = 1
    assert sorted(fields_of(data)) == sorted(
        [
            "organization.employees",
            "ai_focus",
            "headcount.data_scientist",
            "pain_points",
            "extra",
        ]
    )


def test_answers_invalid_str_names_each_field():
    data = changed("ml_use_cases", -1)
    data["organization"]["stage"] = "scaleup"
    with pytest.raises(AnswersInvalid) as caught:
        parse_answers(data)
    text = str(caught.value)
    assert "organization.stage: must be one of" in text
    assert "ml_use_cases: must be between 0 and 1,000,000" in text
    assert len(text.splitlines()) == 3


def test_field_error_str_for_top_level():
    assert str(FieldError("", "must be an object")) == "(answers): must be an object"


def test_answers_to_dict_has_every_key():
    data = make_answers().to_dict()
    assert list(data) == [
        "organization",
        "ai_focus",
        "ml_use_cases",
        "product_teams",
        "dedicated_ml_budget",
        "current_structure",
        "has_ml_lead",
        "headcount",
        "full_stack_data_scientists",
        "pain_points",
    ]
    assert list(data["organization"]) == [
        "name",
        "industry",
        "employees",
        "stage",
        "regulated",
    ]
    assert list(data["headcount"]) == list(keys(ROLES))


def test_answers_are_hashable():
    assert hash(make_answers()) == hash(make_answers())


@st.composite
def answers(draw) -> Answers:
    counts = st.integers(0, 1000)
    headcount = Headcount(**{role: draw(counts) for role in keys(ROLES)})
    regulated = draw(st.booleans())
    text = st.text(max_size=NAME_MAX_LENGTH).map(str.strip)
    pains = draw(st.sets(st.sampled_from(keys(PAIN_POINTS))))
    return Answers(
        organization=Organization(
            name=draw(text.filter(bool)),
            industry=draw(text.map(lambda s: s[:INDUSTRY_MAX_LENGTH].strip())),
            employees=draw(st.integers(max(1, headcount.total()), MAX_COUNT)),
            stage=draw(st.sampled_from(keys(STAGES))),
            regulated=regulated,
        ),
        ai_focus=draw(st.sampled_from(keys(AI_FOCUSES))),
        ml_use_cases=draw(st.integers(0, MAX_COUNT)),
        product_teams=draw(st.integers(0, MAX_COUNT)),
        headcount=headcount,
        dedicated_ml_budget=draw(st.booleans()),
        current_structure=draw(st.sampled_from(keys(CURRENT_STRUCTURES))),
        has_ml_lead=draw(st.sampled_from((None, True, False))),
        full_stack_data_scientists=draw(st.integers(0, headcount.data_scientist)),
        pain_points=tuple(key for key in keys(PAIN_POINTS) if key in pains),
    )


@given(answers())
def test_parse_answers_round_trips_to_dict(original):
    assert parse_answers(original.to_dict()) == original


STAGE_WARNING = {
    "small_startup": "W-STAGE-SMALL",
    "large_startup": "W-STAGE-LARGE",
    "enterprise": "W-STAGE-ENTERPRISE",
}


@pytest.mark.parametrize(
    ("stage", "employees", "warned"),
    [
        pytest.param("small_startup", 1, False, id="W-STAGE-SMALL-1"),
        pytest.param("small_startup", 999, False, id="W-STAGE-SMALL-999"),
        pytest.param("small_startup", 1000, True, id="W-STAGE-SMALL-1000"),
        pytest.param("large_startup", 49, True, id="W-STAGE-LARGE-49"),
        pytest.param("large_startup", 50, False, id="W-STAGE-LARGE-50"),
        pytest.param("large_startup", 1_000_000, False, id="W-STAGE-LARGE-no-top"),
        pytest.param("enterprise", 40, True, id="W-STAGE-ENTERPRISE-40"),
        pytest.param("enterprise", 199, True, id="W-STAGE-ENTERPRISE-199"),
        pytest.param("enterprise", 200, False, id="W-STAGE-ENTERPRISE-200"),
    ],
)
def test_w_stage_warnings_at_thresholds(stage, employees, warned):
    warnings = answer_warnings(make_answers(stage=stage, employees=employees))
    rule_id = STAGE_WARNING[stage]
    assert [w.rule for w in warnings] == ([rule_id] if warned else [])
    for warning in warnings:
        assert warning.text == render(rule(rule_id).text, employees=employees)
        assert f"{employees} employees" in warning.text
        assert warning.source_label == "house rule"
        assert warning.reads == (
            ("organization.stage", stage),
            ("organization.employees", str(employees)),
        )


def test_w_no_use_cases_warns_when_zero():
    (warning,) = answer_warnings(make_answers(ml_use_cases=0))
    assert warning.rule == "W-NO-USE-CASES"
    assert warning.text == rule("W-NO-USE-CASES").text


def test_w_no_use_cases_silent_for_one():
    assert answer_warnings(make_answers(ml_use_cases=1)) == ()


def test_warnings_no_longer_cover_full_stack_over_data_scientists():
    # An error now (parse_answers), never a warning of the second edition.
    answers = make_answers(full_stack_data_scientists=2, data_scientist=1)
    assert answer_warnings(answers) == ()


def test_warnings_appear_in_the_advice():
    answers = make_answers(stage="enterprise", employees=150, ml_use_cases=0)
    advice = advise(answers)
    assert [w.rule for w in advice.warnings] == ["W-STAGE-ENTERPRISE", "W-NO-USE-CASES"]
