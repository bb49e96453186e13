"""The questionnaire's questions: one table, from which the rest is computed.

Each question names the model field that stores its answer, the row that owns
the field, its path in the answers file (advice-spec §6), the questionnaire
section that asks it, and what the client reads. The flow, the forms, both
directions of the answers file, the history exclusions, the count constraints,
the CSV columns, the demo data and the report's "Your answers" read this table;
``tests/test_questions.py`` checks them against it.

Adding a question: a row here, its model field and migration, and the engine
(``assessments.advice``: the answers file's parser and ``Answers``), which
stays free of Django and does not read this table. The engine's vocabulary
(``domain``) stays the source of choices.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from assessments.advice import domain

Owner = Literal["organization", "assessment"]
# text and count: a typed value; choice: one key of ``choices``; choices: a
# list of keys; boolean: yes or no; optional_boolean: yes, no or "Not sure"
# (stored as null, as the answers file has it).
Kind = Literal["text", "count", "choice", "choices", "boolean", "optional_boolean"]

# Radio options of the yes/no questions: (key sent by the browser, label, value).
YES_NO = (("yes", "Yes", True), ("no", "No", False))
NOT_SURE = ("not_sure", "Not sure", None)

# What a question without an answer shows in read-only views.
NO_ANSWER = "—"


@dataclass(frozen=True)
class Question:
    field: str
    owner: Owner
    # Where the answer sits in the answers file; None when it is not part of it
    # (the contact details).
    path: str | None
    section: str
    label: str
    help: str
    kind: Kind
    # How an error message names the question: "Enter the number of employees".
    noun: str
    choices: domain.Choices = ()

    @property
    def options(self) -> tuple[tuple[str, str, object], ...]:
        """The radio options of a yes/no question."""
        if self.kind == "boolean":
            return YES_NO
        if self.kind == "optional_boolean":
            return (*YES_NO, NOT_SURE)
        return ()

    def display(self, value: object) -> str:
        """The answer ``value`` as the client reads it."""
        if self.kind == "optional_boolean":
            labels = (label for _key, label, stored in self.options if stored is value)
            return next(labels, NO_ANSWER)
        if value is None or value == "":
            return NO_ANSWER
        if self.kind == "boolean":
            return "Yes" if value else "No"
        labels = dict(self.choices)
        if self.kind == "choices":
            return ", ".join(labels.get(key, key) for key in value) or "None"
        if self.kind == "choice":
            return labels.get(value, value)
        return str(value)

    def error_messages(
        self, *, low: int | None = None, high: int | None = None
    ) -> dict[str, str]:
        """Django's error messages of this question's form field, by error code,
        in the client's words and naming the question; ``low`` and ``high``
        are a count's limits (the model's validators have them)."""
        noun, subject = self.noun, capfirst(self.noun)
        if self.kind == "text":
            return {
                "required": f"Enter {noun}.",
                "max_length": f"{subject} can be at most %(limit_value)d "
                "characters long; it has %(show_value)d.",
                "null_characters_not_allowed": f"{subject} contains a character "
                "that cannot be saved; please type it again.",
                "invalid": f"Enter {noun} in the form name@example.com.",
            }
        if self.kind == "count":
            messages = {
                "required": f"Enter {noun}, as a whole number.",
                "invalid": f"Enter {noun} as a whole number, such as 12.",
            }
            if low is not None:
                messages["min_value"] = f"{subject} must be {low:,} or more."
            if high is not None:
                messages["max_value"] = f"{subject} can be at most {high:,}."
            return messages
        if self.kind == "choices":
            message = f"Choose {noun} only from the options listed."
            return {"invalid_choice": message, "invalid_list": message}
        if self.options:
            labels = [label for _key, label, _value in self.options]
            words = f"{', '.join(labels[:-1])} or {labels[-1]}"
            message = f"Say {noun}: choose {words}."
        else:
            message = f"Choose {noun}."
        return {"required": message, "invalid_choice": message}


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _choice_help(choices: domain.Choices, help_texts: dict[str, str]) -> str:
    return " ".join(f"{label}: {help_texts[key]}" for key, label in choices)


# What each stage usually means, so a client can place their organisation. The
# sizes are those the review's stage warnings (W-STAGE-*) check.
_STAGE_GUIDE = {
    "small_startup": "usually fewer than 50 employees and one or two product "
    "teams, where people wear many hats and there is little process yet.",
    "large_startup": "usually 50 to 1,000 employees, several product teams and "
    "the first specialists; still growing fast.",
    "enterprise": "usually 200 employees or more, often thousands, in many "
    "departments or business units, with set processes for budgets, security "
    "and compliance.",
}
_STAGE_HELP = (
    "Size is a guide, not a rule: between two, choose the one that describes how "
    "you work; your plan then shows what the other would change. "
    + " ".join(f"{label}: {_STAGE_GUIDE[key]}" for key, label in domain.STAGES)
)


# What each role does, in a sentence, next to its headcount question.
_ROLE_HELP = {
    "data_analyst": "Finds patterns in product and business data and reports "
    "them, mostly with SQL, spreadsheets and dashboards.",
    "data_engineer": "Builds the pipelines that collect, clean and store data and "
    "feed it to models for training and retraining.",
    "data_scientist": "Explores data, builds and tunes models and decides how "
    "their quality is measured once they are live.",
    "research_scientist": "Invents new methods (language, vision, speech, "
    "robotics); often holds a PhD; results need not ship.",
    "mlops_engineer": "Puts models into production and keeps them healthy: "
    "pipelines, CI/CD for models, hosting and monitoring.",
    "software_developer": "Wires models into your applications through back-end "
    "services and APIs.",
}
_ROLE_LABELS = {
    "data_analyst": "Data analysts",
    "data_engineer": "Data engineers",
    "data_scientist": "Data scientists",
    "research_scientist": "Research / applied scientists",
    "mlops_engineer": "MLOps engineers",
    "software_developer": "Software developers",
}
# Whom to count (advice-spec §6), said next to each headcount question.
_COUNT_HELP = "Count the people doing this work today; a part-timer counts as one."
_DEVELOPER_COUNT_HELP = (
    "Count only those who build or integrate ML features today, not your whole "
    "engineering department; a part-timer counts as one."
)


def _plural_noun(label: str) -> str:
    """A label inside a sentence: "Data analysts" -> "data analysts", but
    "MLOps engineers" keeps its capitals."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _headcount(role: str) -> Question:
    count_help = _DEVELOPER_COUNT_HELP if role == "software_developer" else _COUNT_HELP
    return Question(
        field=role,
        owner="assessment",
        path=f"headcount.{role}",
        section="team",
        label=_ROLE_LABELS[role],
        help=f"{_ROLE_HELP[role]} {count_help}",
        kind="count",
        noun=f"the number of {_plural_noun(_ROLE_LABELS[role])}",
    )


QUESTIONS: tuple[Question, ...] = (
    # Organisation
    Question(
        field="name",
        owner="organization",
        path="organization.name",
        section="organisation",
        label="Organisation name",
        help="Shown on your team plan.",
        kind="text",
        noun="your organisation's name",
    ),
    Question(
        field="industry",
        owner="organization",
        path="organization.industry",
        section="organisation",
        label="Industry",
        help="Optional, for example retail, insurance or logistics.",
        kind="text",
        noun="the industry",
    ),
    Question(
        field="employees",
        owner="organization",
        path="organization.employees",
        section="organisation",
        label="Number of employees",
        help="Everyone on the payroll, not only technical staff.",
        kind="count",
        noun="the number of employees",
    ),
    Question(
        field="stage",
        owner="organization",
        path="organization.stage",
        section="organisation",
        label="Which describes your organisation best?",
        help=_STAGE_HELP,
        kind="choice",
        noun="your organisation's stage",
        choices=domain.STAGES,
    ),
    Question(
        field="regulated",
        owner="organization",
        path="organization.regulated",
        section="organisation",
        label="Is your ML work subject to sector regulation, for example in "
        "finance, insurance, health or the public sector?",
        help="Regulated ML work needs model governance (documentation, audits, "
        "approvals) from the start of your plan.",
        kind="boolean",
        noun="whether your ML work is subject to sector regulation",
    ),
    # How a consultant reaches the client: asked, but not part of the answers.
    Question(
        field="contact_name",
        owner="organization",
        path=None,
        section="organisation",
        label="Your name",
        help="Optional. Lets a consultant know whom to talk to.",
        kind="text",
        noun="your name",
    ),
    Question(
        field="contact_email",
        owner="organization",
        path=None,
        section="organisation",
        label="Your email address",
        help="Optional. Only our consultants see it.",
        kind="text",
        noun="your email address",
    ),
    # AI goals
    Question(
        field="ai_focus",
        owner="assessment",
        path="ai_focus",
        section="goals",
        label="What do you want machine learning to do for you?",
        help=_choice_help(domain.AI_FOCUSES, domain.AI_FOCUS_HELP),
        kind="choice",
        noun="what you want machine learning to do for you",
        choices=domain.AI_FOCUSES,
    ),
    Question(
        field="ml_use_cases",
        owner="assessment",
        path="ml_use_cases",
        section="goals",
        label="How many ML use cases do you plan for the next year?",
        help="Count each problem you want a model to solve, such as demand "
        "forecasting or fraud detection. 0 if you do not know yet.",
        kind="count",
        noun="the number of ML use cases you plan",
    ),
    Question(
        field="product_teams",
        owner="assessment",
        path="product_teams",
        section="goals",
        label="How many product teams will build or use ML features?",
        help="Teams that own a product or feature and would put a model into it.",
        kind="count",
        noun="the number of product teams that will build or use ML",
    ),
    Question(
        field="dedicated_ml_budget",
        owner="assessment",
        path="dedicated_ml_budget",
        section="goals",
        label="Is there a budget set aside for machine learning?",
        help="A budget of its own lets an ML team plan for experiments that may "
        "not pay off at once.",
        kind="boolean",
        noun="whether there is a budget set aside for machine learning",
    ),
    Question(
        field="current_structure",
        owner="assessment",
        path="current_structure",
        section="goals",
        label="How are your ML people organised today?",
        help="Pick the closest; choose “No ML team yet” if ML work happens only "
        "here and there.",
        kind="choice",
        noun="how your ML people are organised today",
        choices=domain.CURRENT_STRUCTURES,
    ),
    Question(
        field="has_ml_lead",
        owner="assessment",
        path="has_ml_lead",
        section="goals",
        label="Does someone lead your ML work today — a head of ML or data "
        "science who owns the plan?",
        help="Someone whose job includes deciding what the ML people work on "
        "next, whatever their title.",
        kind="optional_boolean",
        noun="whether someone leads your ML work today",
    ),
    # Current team
    *(_headcount(role) for role in domain.keys(domain.ROLES)),
    Question(
        field="full_stack_data_scientists",
        owner="assessment",
        path="full_stack_data_scientists",
        section="team",
        label="Of your data scientists, how many are full-stack?",
        help="A full-stack data scientist takes a model from idea to production "
        "and monitoring on their own. Count them among your data scientists too.",
        kind="count",
        noun="the number of full-stack data scientists",
    ),
    # Pain points
    Question(
        field="pain_points",
        owner="assessment",
        path="pain_points",
        section="pain-points",
        label="Which of these do you recognise today?",
        help="Tick all that apply, or none. Each one you tick raises the "
        "matching risk in your plan.",
        kind="choices",
        noun="the pain points you recognise",
        choices=domain.PAIN_POINTS,
    ),
)


def in_section(section: str) -> tuple[Question, ...]:
    """The questions of one questionnaire section, in the order it asks them."""
    return tuple(q for q in QUESTIONS if q.section == section)


def field_names(section: str) -> list[str]:
    """The model fields one section writes, in question order."""
    return [q.field for q in in_section(section)]


def of_owner(owner: Owner) -> tuple[Question, ...]:
    """The questions whose answers are stored on ``owner``'s row."""
    return tuple(q for q in QUESTIONS if q.owner == owner)


def answers_file_questions() -> tuple[Question, ...]:
    """The questions whose answers are part of the answers file."""
    return tuple(q for q in QUESTIONS if q.path is not None)


def by_path(path: str) -> Question | None:
    """The question whose answer sits at ``path`` in the answers file."""
    return next((q for q in QUESTIONS if q.path == path), None)


def by_field(owner: Owner, field: str) -> Question | None:
    return next((q for q in QUESTIONS if (q.owner, q.field) == (owner, field)), None)


def answer_fields(owner: Owner, *, kind: Kind | None = None) -> list[str]:
    """The model fields of ``owner`` holding answers (optionally of one kind)."""
    return [q.field for q in of_owner(owner) if kind is None or q.kind == kind]


def value_at(answers: Mapping, path: str) -> object:
    """The value at ``path`` (``organization.employees``) of an answers dict;
    raises ``KeyError`` when it is not there."""
    value: object = answers
    for key in path.split("."):
        value = value[key]  # type: ignore[index]
    return value


def set_at(answers: dict, path: str, value: object) -> None:
    """Put ``value`` at ``path`` in an answers dict, making the objects on the way."""
    *parents, last = path.split(".")
    for key in parents:
        answers = answers.setdefault(key, {})
    answers[last] = value


def answers_file_values(answers: Mapping) -> dict[Question, object]:
    """Each answers-file question's value in ``answers`` (e.g. ``Answers.to_dict()``),
    leaving out those it lacks."""
    values = {}
    for question in answers_file_questions():
        try:
            values[question] = value_at(answers, question.path)
        except (KeyError, TypeError):
            continue
    return values
