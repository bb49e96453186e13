"""Questionnaire forms: the headcount sum rule is the answers file's."""

from assessments.forms import headcount_sum_error

TEAM = {
    "data_analyst": 0,
    "data_engineer": 1,
    "data_scientist": 1,
    "research_scientist": 0,
    "mlops_engineer": 0,
    "software_developer": 39,
}


def test_headcount_sum_error_is_the_answers_files_message():
    assert headcount_sum_error(TEAM, 40) == (
        "The six roles add up to 41 people, more than the 40 employees."
    )


def test_headcount_sum_error_is_none_when_the_team_fits():
    assert headcount_sum_error(TEAM, 41) is None
