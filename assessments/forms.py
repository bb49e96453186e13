"""Questionnaire forms: they clean and normalise one section each.

Field limits come from the model validators, which share their numbers with the
advice engine, so the web form refuses exactly what the answers file refuses.
"""

from django import forms

from assessments.advice import domain
from assessments.advice.answers import full_stack_error
from assessments.models import ROLE_KEYS, Assessment, Organization

# What each role does, in a sentence, next to its headcount question.
ROLE_HELP = {
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
# Whom to count (advice-spec §6), said next to each headcount question.
COUNT_HELP = "Count the people doing this work today; a part-timer counts as one."
DEVELOPER_COUNT_HELP = (
    "Count only those who build or integrate ML features today, not your whole "
    "engineering department; a part-timer counts as one."
)
HEADCOUNT_HELP = {
    role: f"{text} "
    + (DEVELOPER_COUNT_HELP if role == "software_developer" else COUNT_HELP)
    for role, text in ROLE_HELP.items()
}


def _choice_help(choices: domain.Choices, help_texts: dict[str, str]) -> str:
    return " ".join(f"{label}: {help_texts[key]}" for key, label in choices)


def _sentence(text: str) -> str:
    """An engine message ("must not be ...") as a sentence for the client."""
    return f"{text[:1].upper()}{text[1:]}."


class AnswerRadioField(forms.TypedChoiceField):
    """A radio question whose options stand for stored values (True, False, None).

    ``options`` are (key, label, value): the browser sends the key, the model
    stores the value. Nothing is ticked until the section has been saved.
    """

    widget = forms.RadioSelect

    def __init__(self, *, options: tuple[tuple[str, str, object], ...], **kwargs):
        self.values = {key: value for key, _label, value in options}
        super().__init__(
            choices=[(key, label) for key, label, _value in options],
            coerce=self.values.__getitem__,
            **kwargs,
        )

    def key_for(self, value: object) -> str:
        return next(key for key, stored in self.values.items() if stored is value)


YES_NO = (("yes", "Yes", True), ("no", "No", False))


class SectionForm(forms.ModelForm):
    """Radio buttons need no "---------" choice: nothing ticked means no answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.choices = [(k, v) for k, v in field.choices if k != ""]

    def show_saved_answers(self, saved: bool) -> None:
        """Tick the saved option of each ``AnswerRadioField``, once there is one.

        Until the section is saved a model default (False) is no answer.
        """
        for name, field in self.fields.items():
            if not isinstance(field, AnswerRadioField):
                continue
            if saved:
                self.initial[name] = field.key_for(getattr(self.instance, name))
            else:
                self.initial.pop(name, None)


class OrganizationForm(SectionForm):
    regulated = AnswerRadioField(
        label="Is your ML work subject to sector regulation, for example in "
        "finance, insurance, health or the public sector?",
        options=YES_NO,
        help_text="Regulated ML work needs model governance (documentation, "
        "audits, approvals) from the start of your plan.",
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "industry",
            "employees",
            "stage",
            "regulated",
            "contact_name",
            "contact_email",
        ]
        labels = {
            "name": "Organisation name",
            "employees": "Number of employees",
            "stage": "Which describes your organisation best?",
            "contact_name": "Your name",
            "contact_email": "Your email address",
        }
        help_texts = {
            "name": "Shown on your team plan.",
            "industry": "Optional, for example retail, insurance or logistics.",
            "employees": "Everyone on the payroll, not only technical staff.",
            "stage": _choice_help(domain.STAGES, domain.STAGE_HELP),
            "contact_name": "Optional. Lets a consultant know whom to talk to.",
            "contact_email": "Optional. Only our consultants see it.",
        }
        widgets = {"stage": forms.RadioSelect}

    def __init__(self, *args, team_total: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The six headcounts already saved under Current team, if any: the
        # sum rule of §6 holds whichever of the two sections changes last.
        self.team_total = team_total
        self.show_saved_answers(self.instance.pk is not None)

    def clean_employees(self) -> int:
        employees = self.cleaned_data["employees"]
        # Below 1, the model's own minimum gives the message.
        if self.team_total is not None and self.team_total > employees >= 1:
            raise forms.ValidationError(
                "Your current team already adds up to %(total)s people, so "
                "enter at least %(total)s employees, or lower the headcounts "
                "under Current team first.",
                params={"total": self.team_total},
                code="employees_below_headcount",
            )
        return employees


def saved_team_total(assessment: Assessment) -> int | None:
    """The sum of the six saved headcounts; None until all six are saved."""
    counts = assessment.headcount().values()
    if any(count is None for count in counts):
        return None
    return sum(counts)


class GoalsForm(SectionForm):
    dedicated_ml_budget = AnswerRadioField(
        label="Is there a budget set aside for machine learning?",
        options=YES_NO,
        help_text="A budget of its own lets an ML team plan for experiments that "
        "may not pay off at once.",
    )
    has_ml_lead = AnswerRadioField(
        label="Does someone lead your ML work today — a head of ML or data "
        "science who owns the plan?",
        # "Not sure" is stored as no answer (null), as the answers file has it.
        options=(*YES_NO, ("not_sure", "Not sure", None)),
        help_text="Someone whose job includes deciding what the ML people work "
        "on next, whatever their title.",
    )

    class Meta:
        model = Assessment
        fields = [
            "ai_focus",
            "ml_use_cases",
            "product_teams",
            "dedicated_ml_budget",
            "current_structure",
            "has_ml_lead",
        ]
        labels = {
            "ai_focus": "What do you want machine learning to do for you?",
            "ml_use_cases": "How many ML use cases do you plan for the next year?",
            "product_teams": "How many product teams will build or use ML features?",
            "current_structure": "How are your ML people organised today?",
        }
        help_texts = {
            "ai_focus": _choice_help(domain.AI_FOCUSES, domain.AI_FOCUS_HELP),
            "ml_use_cases": "Count each problem you want a model to solve, such as "
            "demand forecasting or fraud detection. 0 if you do not know yet.",
            "product_teams": "Teams that own a product or feature and would put a "
            "model into it.",
            "current_structure": "Pick the closest; choose “No ML team yet” if ML "
            "work happens only here and there.",
        }
        widgets = {
            "ai_focus": forms.RadioSelect,
            "current_structure": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ai_focus"].required = True
        self.fields["ml_use_cases"].required = True
        self.fields["product_teams"].required = True
        # ai_focus is required here: set means this section has been saved.
        self.show_saved_answers(bool(self.instance.pk and self.instance.ai_focus))


class TeamForm(SectionForm):
    class Meta:
        model = Assessment
        fields = [*ROLE_KEYS, "full_stack_data_scientists"]
        # The six roles keep their model names ("Data analysts", ...).
        labels = {
            "full_stack_data_scientists": "Of your data scientists, how many are "
            "full-stack?",
        }
        help_texts = {
            **HEADCOUNT_HELP,
            "full_stack_data_scientists": "A full-stack data scientist takes a "
            "model from idea to production and monitoring on their own. Count "
            "them among your data scientists too.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role in ROLE_KEYS:
            self.fields[role].required = True

    def clean(self):
        cleaned = super().clean()
        data_scientists = cleaned.get("data_scientist")
        full_stack = cleaned.get("full_stack_data_scientists")
        if (
            data_scientists is not None
            and full_stack is not None
            and full_stack > data_scientists
        ):
            # The answers file's rule, in its words, next to the field.
            self.add_error(
                "full_stack_data_scientists",
                forms.ValidationError(
                    _sentence(full_stack_error(data_scientists)),
                    code="full_stack_above_data_scientists",
                ),
            )
        organization = self.instance.organization
        counts = [cleaned.get(role) for role in ROLE_KEYS]
        complete = organization and all(count is not None for count in counts)
        if complete and sum(counts) > organization.employees:
            raise forms.ValidationError(
                "These headcounts add up to %(total)s people, more than the "
                "%(employees)s employees given under Organisation.",
                params={"total": sum(counts), "employees": organization.employees},
                code="headcount_exceeds_employees",
            )
        return cleaned


class PainPointsForm(SectionForm):
    pain_points = forms.MultipleChoiceField(
        label="Which of these do you recognise today?",
        choices=domain.PAIN_POINTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply, or none. Each one you tick raises the "
        "matching risk in your plan.",
    )

    class Meta:
        model = Assessment
        fields = ["pain_points"]

    def clean_pain_points(self) -> list[str]:
        chosen = set(self.cleaned_data["pain_points"])
        # Store in a fixed order so the same ticks always give the same answers.
        return [key for key in domain.keys(domain.PAIN_POINTS) if key in chosen]
