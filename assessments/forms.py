"""Questionnaire forms: they clean and normalise one section each.

Which fields a section asks, their labels, help texts and widgets come from
the table in ``assessments.questions``; here is only what cleaning needs.
Field limits come from the model validators, which share their numbers with the
advice engine, so the web form refuses exactly what the answers file refuses.
"""

from collections.abc import Mapping

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import QueryDict

from assessments import questions
from assessments.advice import domain
from assessments.advice.answers import full_stack_error, headcount_error
from assessments.models import ROLE_KEYS, Assessment, Organization


def _sentence(text: str) -> str:
    """An engine message ("must not be ...") as a sentence for the client."""
    return f"{text[:1].upper()}{text[1:]}."


def headcount_sum_error(headcount: Mapping[str, int], employees: int) -> str | None:
    """The engine's message, as a sentence, when ``headcount`` adds up to more
    than ``employees``; None when the rule holds."""
    message = headcount_error(sum(headcount.values()), employees)
    return _sentence(message) if message else None


def full_stack_message(data_scientists: int) -> str:
    """The answers file's rule, in its words, after the question it concerns."""
    noun = questions.by_field("assessment", "full_stack_data_scientists").noun
    return f"{questions.capfirst(noun)} {full_stack_error(data_scientists)}."


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


def _limits(model_field: models.Field) -> tuple[int | None, int | None]:
    """The lowest and highest value the model's validators let a count take."""
    validators = model_field.validators
    lows = [v.limit_value for v in validators if type(v) is MinValueValidator]
    highs = [v.limit_value for v in validators if type(v) is MaxValueValidator]
    return max(lows, default=None), min(highs, default=None)


def question_formfield(model_field: models.Field, **kwargs) -> forms.Field:
    """The form field of the question ``model_field`` stores, from its row of
    ``questions.QUESTIONS``: label, help text, error messages and the widget of
    its kind."""
    owner = model_field.model._meta.model_name
    question = questions.by_field(owner, model_field.name)
    low, high = _limits(model_field) if question.kind == "count" else (None, None)
    kwargs |= {
        "label": question.label,
        "help_text": question.help,
        # ModelForm also puts these on the model validators' errors, by code.
        "error_messages": question.error_messages(low=low, high=high),
    }
    if question.options:
        return AnswerRadioField(options=question.options, **kwargs)
    if question.kind == "choices":
        return forms.MultipleChoiceField(
            choices=question.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )
    if question.kind == "choice":
        kwargs |= {"widget": forms.RadioSelect, "required": True}
    elif question.kind == "count":
        kwargs["required"] = True
    return model_field.formfield(**kwargs)


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

    def show_typed(self, typed: Mapping[str, list[str]]) -> None:
        """Show a step's draft (``typed_values`` of an earlier request) instead
        of its saved answers: each field as the browser sent it, a field it
        did not send (no radio chosen, no box ticked) empty."""
        data = QueryDict(mutable=True)
        for name, values in typed.items():
            data.setlist(name, values)
        for name, field in self.fields.items():
            self.initial[name] = field.widget.value_from_datadict(
                data, {}, self.add_prefix(name)
            )


# A draft keeps what was typed, within bounds: a longer value is refused on
# any step anyway, and PostgreSQL's JSON cannot hold a NUL character.
DRAFT_VALUE_MAX_LENGTH = 1000
DRAFT_VALUES_PER_FIELD = 50


def typed_values(form: forms.Form) -> dict[str, list[str]]:
    """What the browser sent for each of ``form``'s fields, to keep as a draft."""
    return {
        name: [
            value[:DRAFT_VALUE_MAX_LENGTH].replace("\x00", "")
            for value in form.data.getlist(name)[:DRAFT_VALUES_PER_FIELD]
        ]
        for name in form.fields
        if name in form.data
    }


class OrganizationForm(SectionForm):
    class Meta:
        model = Organization
        fields = questions.field_names("organisation")
        formfield_callback = question_formfield

    def __init__(self, *args, headcount: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The six headcounts already saved under Current team, if any: the
        # sum rule of §6 holds whichever of the two sections changes last.
        self.headcount = headcount
        self.show_saved_answers(self.instance.pk is not None)

    def clean_employees(self) -> int:
        employees = self.cleaned_data["employees"]
        # Below 1, the model's own minimum gives the message.
        if (
            self.headcount is not None
            and employees >= 1
            and headcount_sum_error(self.headcount, employees)
        ):
            # Said as what to do on this step; the engine says why.
            raise forms.ValidationError(
                "Your current team already adds up to %(total)s people, so "
                "enter at least %(total)s employees, or lower the headcounts "
                "under Current team first.",
                params={"total": sum(self.headcount.values())},
                code="employees_below_headcount",
            )
        return employees


def saved_headcount(assessment: Assessment) -> dict[str, int] | None:
    """The six saved headcounts; None until all six are saved."""
    headcount = assessment.headcount()
    if any(count is None for count in headcount.values()):
        return None
    return headcount


class GoalsForm(SectionForm):
    class Meta:
        model = Assessment
        fields = questions.field_names("goals")
        formfield_callback = question_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ai_focus is required here: set means this section has been saved.
        self.show_saved_answers(bool(self.instance.pk and self.instance.ai_focus))


class TeamForm(SectionForm):
    class Meta:
        model = Assessment
        fields = questions.field_names("team")
        formfield_callback = question_formfield

    def clean(self):
        cleaned = super().clean()
        data_scientists = cleaned.get("data_scientist")
        full_stack = cleaned.get("full_stack_data_scientists")
        if (
            data_scientists is not None
            and full_stack is not None
            and full_stack > data_scientists
        ):
            self.add_error(
                "full_stack_data_scientists",
                forms.ValidationError(
                    full_stack_message(data_scientists),
                    code="full_stack_above_data_scientists",
                ),
            )
        organization = self.instance.organization
        headcount = {role: cleaned.get(role) for role in ROLE_KEYS}
        if organization and None not in headcount.values():
            message = headcount_sum_error(headcount, organization.employees)
            if message:
                raise forms.ValidationError(message, code="headcount_exceeds_employees")
        return cleaned


class PainPointsForm(SectionForm):
    class Meta:
        model = Assessment
        fields = questions.field_names("pain-points")
        formfield_callback = question_formfield

    def clean_pain_points(self) -> list[str]:
        chosen = set(self.cleaned_data["pain_points"])
        # Store in a fixed order so the same ticks always give the same answers.
        return [key for key in domain.keys(domain.PAIN_POINTS) if key in chosen]


class PrivateLinkForm(forms.Form):
    """The "send me my private link" form: the address to send it to."""

    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter the e-mail address to send the link to.",
            "invalid": "Enter an e-mail address in the form name@example.com.",
        },
    )
