"""Assessment rows <-> the answers file of advice-spec §6.

The answers file is the one contract between the web form, the command line
and the tests, so the web side converts to it and validates with the engine's
``parse_answers`` rather than keeping rules of its own.
"""

from typing import Any

from assessments import questions
from assessments.advice import Answers, is_first_edition, parse_answers
from assessments.models import Assessment, Organization


def _answered(question: questions.Question, value: object) -> bool:
    """Whether a saved ``value`` is an answer; a draft leaves the rest out.

    Null is "not known" for an optional yes/no question, and an empty text is
    an answer (no industry); otherwise null or an empty choice is no answer.
    """
    if question.kind == "optional_boolean":
        return True
    return value is not None and not (question.kind == "choice" and value == "")


def assessment_to_answers(assessment: Assessment) -> dict[str, Any]:
    """The §6 dict of what is saved; a draft may lack required keys."""
    data: dict[str, Any] = {}
    owners = {"organization": assessment.organization, "assessment": assessment}
    for question in questions.answers_file_questions():
        owner = owners[question.owner]
        if owner is None:
            continue
        value = getattr(owner, question.field)
        if _answered(question, value):
            if question.kind == "choices":
                value = list(value)
            questions.set_at(data, question.path, value)
    return data


def assessment_answers(assessment: Assessment) -> Answers:
    """The validated answers; raises ``AnswersInvalid`` for an incomplete draft.

    An assessment advised under a first-edition rulebook is read with that
    edition's rules, so it keeps rendering (advice-spec §6).
    """
    return parse_answers(
        assessment_to_answers(assessment),
        first_edition=is_first_edition(assessment.rulebook_version),
    )


def build_from_answers(answers: Answers) -> tuple[Organization, Assessment]:
    """Unsaved rows holding ``answers``; the caller saves them."""
    fields: dict[str, dict[str, Any]] = {"organization": {}, "assessment": {}}
    for question, value in questions.answers_file_values(answers.to_dict()).items():
        fields[question.owner][question.field] = value
    organization = Organization(**fields["organization"])
    assessment = Assessment(organization=organization, **fields["assessment"])
    return organization, assessment
