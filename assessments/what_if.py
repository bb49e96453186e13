"""The what-if explorer: a submitted plan recomputed for other answers, never saved.

The client changes the answers that shape the plan most (stage, AI focus, use
cases, product teams and the current team) and sees the structure and the
hires of the first two quarters for them; every other answer stays as
submitted. Answers the query string leaves out are the submitted ones, so
``?stage=enterprise`` alone is a whole exploration that can be shared. The
advice is TeamAdvisor's own: a consultant's override was chosen for the
submitted answers, so it is shown as the plan's structure, not applied.

Validation is the questionnaire's, not a copy of it: each part of the form is
that step's own form (the organisation and goals steps limited to the explored
questions, the team step whole), bound to unsaved rows that carry only the
submitted number of employees, which the team step's rules compare against.
Labels, help, choices, limits and messages therefore come from
``assessments.questions``, the models and ``assessments.forms``, and nothing
here saves a row.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.forms import modelform_factory
from django.utils.text import capfirst

from assessments import questions
from assessments.advice import (
    Advice,
    Answers,
    advice_under,
    load_rulebook,
    parse_answers,
)
from assessments.advice.hiring import hire_noun
from assessments.advice.structure import squads_of
from assessments.flow import Section, section_by_key
from assessments.forms import SectionForm, TeamForm, question_formfield
from assessments.models import Assessment, Organization
from assessments.report import Report

# The answers the explorer changes besides the current team, by answers-file path.
CHANGEABLE = ("organization.stage", "ai_focus", "ml_use_cases", "product_teams")
# The roadmap quarters whose hires it shows.
QUARTERS = (1, 2)


def _explored(section: str) -> list[str]:
    return [q.field for q in questions.in_section(section) if q.path in CHANGEABLE]


# The organisation and goals steps' forms, cut down to the explored questions.
_OrganizationPart = modelform_factory(
    Organization,
    form=SectionForm,
    fields=_explored("organisation"),
    formfield_callback=question_formfield,
)
_GoalsPart = modelform_factory(
    Assessment,
    form=SectionForm,
    fields=_explored("goals"),
    formfield_callback=question_formfield,
)
_PARTS = (
    ("organisation", _OrganizationPart),
    ("goals", _GoalsPart),
    ("team", TeamForm),
)
EXPLORED_QUESTIONS: tuple[questions.Question, ...] = tuple(
    q for q in questions.QUESTIONS if q.path in CHANGEABLE or q.section == "team"
)


@dataclass(frozen=True)
class Part:
    """One fieldset of the explorer: a questionnaire step and its form."""

    section: Section
    form: forms.ModelForm


@dataclass(frozen=True)
class HireRow:
    role: str  # "Data scientist", or the combined hire's name
    count: int
    seniority: str  # "Senior" or "Mid-level"


@dataclass(frozen=True)
class QuarterHires:
    quarter: int
    hires: tuple[HireRow, ...]
    people: int
    planned_people: int  # hired in the same quarter by the submitted plan
    steps: tuple[str, ...]  # the roadmap's other steps that quarter


@dataclass(frozen=True)
class Exploration:
    parts: tuple[Part, ...]
    plan: Advice  # the submitted plan, as its report shows it
    # The explored answers and their advice; None while an answer is refused.
    answers: Answers | None
    advice: Advice | None
    rulebook_version: str

    @property
    def error_count(self) -> int:
        return sum(len(part.form.errors) for part in self.parts)

    @property
    def structure_changed(self) -> bool:
        return self.advice is not None and (
            self.advice.structure.key != self.plan.structure.key
        )

    @property
    def squads_note(self) -> str:
        """Why the advice speaks of fewer teams than were typed: it counts the
        teams that will carry ML work, no more than the use cases (§3)."""
        answers = self.answers
        if answers is None:
            return ""
        squads = squads_of(answers.product_teams, answers.ml_use_cases)
        if squads >= answers.product_teams:
            return ""
        teams = f"{squads} of your {answers.product_teams} product teams"
        if answers.ml_use_cases == 0:
            return (
                f"With no ML use case planned yet, the plan counts ML work in {teams}."
            )
        return (
            f"The plan counts ML work in {teams}, as many as the use cases you "
            f"plan: a team without a use case has no ML work to carry. Plan more "
            f"use cases to spread ML to more teams."
        )

    @cached_property
    def quarters(self) -> tuple[QuarterHires, ...]:
        if self.advice is None:
            return ()
        book = load_rulebook(self.rulebook_version)
        planned = {q.quarter: q.hires for q in self.plan.roadmap}
        return tuple(
            QuarterHires(
                quarter=quarter.quarter,
                hires=tuple(
                    HireRow(
                        role=capfirst(hire_noun(hire.roles, 1, book)),
                        count=hire.count,
                        seniority="Senior"
                        if hire.seniority == "senior"
                        else "Mid-level",
                    )
                    for hire in self.advice.hires
                    if hire.quarter == quarter.quarter
                ),
                people=quarter.hires,
                planned_people=planned.get(quarter.quarter, 0),
                steps=quarter.steps,
            )
            for quarter in self.advice.roadmap
            if quarter.quarter in QUARTERS
        )


def _submitted_values(answers: Answers) -> dict[str, str]:
    """The explored questions' submitted answers, as a browser would send them."""
    data = answers.to_dict()
    return {q.field: str(questions.value_at(data, q.path)) for q in EXPLORED_QUESTIONS}


def _explored_answers(answers: Answers, parts: tuple[Part, ...]) -> Answers:
    """``answers`` with the explored questions' cleaned values put in."""
    cleaned = {name: v for part in parts for name, v in part.form.cleaned_data.items()}
    data = answers.to_dict()
    for question in EXPLORED_QUESTIONS:
        questions.set_at(data, question.path, cleaned[question.field])
    # The parts refuse what the answers file refuses, so this cannot fail.
    return parse_answers(data)


def _styled(form: forms.ModelForm) -> forms.ModelForm:
    """Bootstrap's classes on the inputs, which the questionnaire's crispy
    templates add; the explorer renders its fields itself."""
    for field in form.fields.values():
        radio = isinstance(field.widget, forms.RadioSelect)
        field.widget.attrs["class"] = "form-check-input" if radio else "form-control"
    return form


def explore(report: Report, query: Mapping[str, str]) -> Exploration:
    """The submitted plan in ``report`` (second edition) with the answers in
    ``query`` (a GET query) put in place of the submitted ones."""
    answers = report.answers
    data = _submitted_values(answers)
    data.update({name: query[name] for name in data if name in query})
    # Unsaved rows, never saved: the team step compares the headcounts with
    # the organisation's employees.
    organization = Organization(employees=answers.organization.employees)
    assessment = Assessment(organization=organization)
    parts = tuple(
        Part(
            section=section_by_key(key)[1],
            form=_styled(
                form_class(
                    data,
                    instance=organization if key == "organisation" else assessment,
                )
            ),
        )
        for key, form_class in _PARTS
    )
    explored = advice = None
    if all(part.form.is_valid() for part in parts):
        explored = _explored_answers(answers, parts)
        advice = advice_under(report.rulebook_version, explored)
    return Exploration(
        parts=parts,
        plan=report.advice,
        answers=explored,
        advice=advice,
        rulebook_version=report.rulebook_version,
    )
