"""The questionnaire as a list of sections, each knowing its form and fields.

Views walk this list; nothing else hard-codes the order of the questions.
"""

from dataclasses import dataclass

from django import forms

from assessments import forms as questionnaire_forms
from assessments.models import Assessment


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    form_class: type[forms.ModelForm]
    # The answers-file path of each form field, to place engine errors.
    answer_paths: dict[str, str]

    @property
    def edits_organization(self) -> bool:
        """This section's form edits the organisation row, not the assessment."""
        return self.form_class is questionnaire_forms.OrganizationForm

    def form_instance(self, assessment: Assessment):
        return assessment.organization if self.edits_organization else assessment

    def make_form(self, assessment: Assessment, data=None) -> forms.ModelForm:
        extra = {}
        if self.edits_organization:
            extra["team_total"] = questionnaire_forms.saved_team_total(assessment)
        return self.form_class(
            data=data, instance=self.form_instance(assessment), **extra
        )

    def rows(
        self, assessment: Assessment, *, answers_only: bool = False
    ) -> list[tuple[str, str]]:
        """(question, answer) pairs of what is saved, for read-only views.

        ``answers_only`` leaves out what is not in the answers file (contact).
        """
        form = self.make_form(assessment)
        instance = self.form_instance(assessment)
        rows = []
        for name, field in form.fields.items():
            if answers_only and name not in self.answer_paths:
                continue
            if isinstance(field, questionnaire_forms.AnswerRadioField):
                # The option the form ticks: none before the section is saved,
                # and "Not sure" for a stored null.
                value = form[name].initial
            else:
                value = getattr(instance, name, None) if instance is not None else None
            rows.append((str(field.label), _display(field, value)))
        return rows


def answer_rows(
    assessment: Assessment, *, answers_only: bool = False
) -> list[tuple[Section, list[tuple[str, str]]]]:
    """Every section with its (question, answer) rows, for read-only views."""
    return [
        (section, section.rows(assessment, answers_only=answers_only))
        for section in SECTIONS
    ]


def _display(field: forms.Field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        labels = dict(field.choices)
        return ", ".join(str(labels.get(item, item)) for item in value) or "None"
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    return str(value)


SECTIONS: tuple[Section, ...] = (
    Section(
        key="organisation",
        title="Organisation",
        intro="Who you are and how big you are. Size and stage shape which team "
        "structures can work for you.",
        form_class=questionnaire_forms.OrganizationForm,
        answer_paths={
            "name": "organization.name",
            "industry": "organization.industry",
            "employees": "organization.employees",
            "stage": "organization.stage",
            "regulated": "organization.regulated",
        },
    ),
    Section(
        key="goals",
        title="AI goals",
        intro="What machine learning should achieve for you and how much of it "
        "you plan.",
        form_class=questionnaire_forms.GoalsForm,
        answer_paths={
            "ai_focus": "ai_focus",
            "ml_use_cases": "ml_use_cases",
            "product_teams": "product_teams",
            "dedicated_ml_budget": "dedicated_ml_budget",
            "current_structure": "current_structure",
            "has_ml_lead": "has_ml_lead",
        },
    ),
    Section(
        key="team",
        title="Current team",
        intro="How many people do data and ML work for you today, in each of the "
        "six roles of an ML team. Count part-timers as one, and count only the "
        "software developers who build or integrate ML features, not your whole "
        "engineering department. 0 is a fine answer.",
        form_class=questionnaire_forms.TeamForm,
        answer_paths={
            **{role: f"headcount.{role}" for role in questionnaire_forms.ROLE_KEYS},
            "full_stack_data_scientists": "full_stack_data_scientists",
        },
    ),
    Section(
        key="pain-points",
        title="Pain points",
        intro="Problems you already see. They tell us which risks to take most "
        "seriously in your plan.",
        form_class=questionnaire_forms.PainPointsForm,
        answer_paths={"pain_points": "pain_points"},
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
    for section in SECTIONS:
        for name, answer_path in section.answer_paths.items():
            if answer_path == path:
                return str(section.form_class.base_fields[name].label)
    return None


def section_for_path(path: str) -> Section | None:
    """The section that asks the answers-file field ``path`` (e.g. from an error)."""
    for section in SECTIONS:
        if path in section.answer_paths.values() or any(
            value.startswith(path + ".") for value in section.answer_paths.values()
        ):
            return section
    return None
