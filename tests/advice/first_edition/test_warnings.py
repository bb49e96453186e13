"""First-edition answer warnings (rulebooks 2026.1 and 2026.2), kept so stored
assessments render as they did. Moved from the old tests/advice/test_answers.py
when the second edition changed the thresholds."""

import pytest

from assessments.advice.first_edition import VERSIONS, answer_warnings, load_rulebook

from ..factories import make_answers

STAGE_WARNING = {
    "small_startup": "W-STAGE-SMALL",
    "large_startup": "W-STAGE-LARGE",
    "enterprise": "W-STAGE-ENTERPRISE",
}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("stage", "employees", "warned"),
    [
        pytest.param("small_startup", 200, False, id="W-STAGE-SMALL-200"),
        pytest.param("small_startup", 201, True, id="W-STAGE-SMALL-201"),
        pytest.param("large_startup", 19, True, id="W-STAGE-LARGE-19"),
        pytest.param("large_startup", 20, False, id="W-STAGE-LARGE-20"),
        pytest.param("large_startup", 2000, False, id="W-STAGE-LARGE-2000"),
        pytest.param("large_startup", 2001, True, id="W-STAGE-LARGE-2001"),
        pytest.param("enterprise", 499, True, id="W-STAGE-ENTERPRISE-499"),
        pytest.param("enterprise", 500, False, id="W-STAGE-ENTERPRISE-500"),
    ],
)
def test_w_stage_warnings_at_thresholds(stage, employees, warned, version):
    answers = make_answers(stage=stage, employees=employees)
    warnings = answer_warnings(answers, load_rulebook(version))
    assert [w.rule for w in warnings] == ([STAGE_WARNING[stage]] if warned else [])
    assert all(f"{employees} employees" in w.text for w in warnings)
    assert all(w.source_label == "house rule" for w in warnings)


def test_w_no_use_cases_warns_when_zero():
    (warning,) = answer_warnings(make_answers(ml_use_cases=0))
    assert warning.rule == "W-NO-USE-CASES"
    assert "No ML use cases were given" in warning.text


def test_w_no_use_cases_silent_for_one():
    assert answer_warnings(make_answers(ml_use_cases=1)) == ()


def test_w_fullstack_over_ds_warns_when_more_full_stack():
    answers = make_answers(full_stack_data_scientists=2, data_scientist=1)
    (warning,) = answer_warnings(answers)
    assert warning.rule == "W-FULLSTACK-OVER-DS"
    assert "full-stack data scientists (2)" in warning.text
    assert "data-scientist headcount (1)" in warning.text


def test_w_fullstack_over_ds_silent_when_equal():
    answers = make_answers(full_stack_data_scientists=1, data_scientist=1)
    assert answer_warnings(answers) == ()
