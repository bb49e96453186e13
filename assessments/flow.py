"""The questionnaire as a list of sections, each knowing its form and questions.

Views walk this list; the questions of each section, their order and their
answers-file paths come from ``assessments.questions``.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms

from assessments import forms as questionnaire_forms
from assessments import questions
from assessments.models import Assessment
from assessments.questions import Question

# A question whose section has not been saved yet: shown as no answer, even
# where the model has a default (False, "none", 0).
UNANSWERED = object()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    form_class: type[forms.ModelForm]

    @property
    def questions(self) -> tuple[Question, ...]:
        return questions.in_section(self.key)

    @property
    def answer_paths(self) -> dict[str, str]:
        """The answers-file path of each form field, to place engine errors."""
        return {q.field: q.path for q in self.questions if q.path is not None}

    @property
    def edits_organization(self) -> bool:
        """This section's questions are stored on the organisation row."""
        return all(q.owner == "organization" for q in self.questions)

    def form_instance(self, assessment: Assessment):
        return assessment.organization if self.edits_organization else assessment

    def make_form(
        self, assessment: Assessment, data=None, *, typed=None
    ) -> forms.ModelForm:
        """The step's form: bound to ``data`` when posted; otherwise showing the
        saved answers, or ``typed``, the step's draft, when there is one."""
        extra = {}
        if self.edits_organization:
            extra["headcount"] = questionnaire_forms.saved_headcount(assessment)
        form = self.form_class(
            data=data, instance=self.form_instance(assessment), **extra
        )
        if data is None and typed is not None:
            form.show_typed(typed)
        return form

    def rows(self, values: Mapping[Question, object]) -> list[tuple[str, str]]:
        """(question, answer) pairs of this section's questions in ``values``.

        A question left out of ``values`` gets no row; one given as
        ``UNANSWERED`` reads as no answer.
        """
        return [
            (
                question.label,
                questions.NO_ANSWER
                if values[question] is UNANSWERED
                else question.display(values[question]),
            )
            for question in self.questions
            if question in values
        ]


def answer_rows(
    values: Mapping[Question, object],
) -> list[tuple[Section, list[tuple[str, str]]]]:
    """Every section with its (question, answer) rows, for read-only views.

    ``values`` comes from ``saved_values`` (an assessment, contact included)
    or ``questions.answers_file_values`` (an answers file, no contact).
    """
    return [(section, section.rows(values)) for section in SECTIONS]


def saved_values(assessment: Assessment) -> dict[Question, object]:
    """What is saved for each question; ``UNANSWERED`` before its section is."""
    owners = {"organization": assessment.organization, "assessment": assessment}
    values: dict[Question, object] = {}
    for index, section in enumerate(SECTIONS):
        saved = index < assessment.sections_saved
        for question in section.questions:
            owner = owners[question.owner]
            if saved and owner is not None:
                values[question] = getattr(owner, question.field)
            else:
                values[question] = UNANSWERED
    return values


SECTIONS: tuple[Section, ...] = (
    Section(
        key="organisation",
        title="Organisation",
        intro="Who you are and how big you are. Size and stage shape which team "
        "structures can work for you.",
        form_class=questionnaire_forms.OrganizationForm,
    ),
    Section(
        key="goals",
        title="AI goals",
        intro="What machine learning should achieve for you and how much of it "
        "you plan.",
        form_class=questionnaire_forms.GoalsForm,
    ),
    Section(
        key="team",
        title="Current team",
        intro="How many people do data and ML work for you today, in each of the "
        "six roles of an ML team. Count part-timers as one, and count only the "
        "software developers who build or integrate ML features, not your whole "
        "engineering department. 0 is a fine answer.",
        form_class=questionnaire_forms.TeamForm,
    ),
    Section(
        key="pain-points",
        title="Pain points",
        intro="Problems you already see. They tell us which risks to take most "
        "seriously in your plan.",
        form_class=questionnaire_forms.PainPointsForm,
    ),
)

REVIEW_TITLE = "Review & submit"
STEP_TITLES = (*(section.title for section in SECTIONS), REVIEW_TITLE)


def section_by_key(key: str) -> tuple[int, Section] | None:
    for index, section in enumerate(SECTIONS):
        if section.key == key:
            return index, section
    return None


def question_for_path(path: str) -> str | None:
    """The label of the question that asks exactly the answers-file field ``path``."""
    question = questions.by_path(path)
    return question.label if question else None


def section_for_path(path: str) -> Section | None:
    """The section that asks the answers-file field ``path`` (e.g. from an error),
    or a field inside it (``headcount`` is asked on the team step)."""
    for question in questions.answers_file_questions():
        if question.path == path or question.path.startswith(path + "."):
            return section_by_key(question.section)[1]
    return None
