"""The answers file (spec section 6): parsing, validation and warnings.

``parse_answers`` is the only way untrusted data becomes ``Answers``; it reports
every problem at once so a form or the command line can show them all together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from .domain import (
    AI_FOCUSES,
    CURRENT_STRUCTURES,
    INDUSTRY_MAX_LENGTH,
    MAX_COUNT,
    NAME_MAX_LENGTH,
    PAIN_POINTS,
    ROLES,
    STAGES,
    Choices,
    keys,
)


# Keyword-only, so fields can follow the answers file's order despite defaults.
@dataclass(frozen=True, kw_only=True)
class Organization:
    name: str
    industry: str = ""
    employees: int
    stage: str
    regulated: bool = False


@dataclass(frozen=True)
class Headcount:
    """People in each role today, one field per role in ``domain.ROLES`` order."""

    data_analyst: int = 0
    data_engineer: int = 0
    data_scientist: int = 0
    research_scientist: int = 0
    mlops_engineer: int = 0
    software_developer: int = 0

    def of(self, role: str) -> int:
        return getattr(self, role)

    def total(self) -> int:
        return sum(self.of(role) for role in keys(ROLES))


@dataclass(frozen=True, kw_only=True)
class Answers:
    organization: Organization
    ai_focus: str
    ml_use_cases: int
    product_teams: int
    dedicated_ml_budget: bool = False
    current_structure: str = "none"
    # None when the client did not say (first-edition answers files).
    has_ml_lead: bool | None = None
    headcount: Headcount
    full_stack_data_scientists: int = 0
    # Kept in spec order, so the same set of pain points is always equal.
    pain_points: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The canonical answers file with every key present."""
        org = self.organization
        return {
            "organization": {
                "name": org.name,
                "industry": org.industry,
                "employees": org.employees,
                "stage": org.stage,
                "regulated": org.regulated,
            },
            "ai_focus": self.ai_focus,
            "ml_use_cases": self.ml_use_cases,
            "product_teams": self.product_teams,
            "dedicated_ml_budget": self.dedicated_ml_budget,
            "current_structure": self.current_structure,
            "has_ml_lead": self.has_ml_lead,
            "headcount": {
                f.name: getattr(self.headcount, f.name) for f in fields(Headcount)
            },
            "full_stack_data_scientists": self.full_stack_data_scientists,
            "pain_points": list(self.pain_points),
        }


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field or '(answers)'}: {self.message}"


class AnswersInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        lines = "\n".join(f"- {error}" for error in errors)
        super().__init__(f"The answers are invalid:\n{lines}")


class _Reader:
    """Collects errors while reading fields, so one pass reports all of them."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def obj(self, data: object, path: str, allowed: tuple[str, ...]) -> Mapping | None:
        if not isinstance(data, Mapping):
            self.error(path, "must be an object")
            return None
        for key in data:
            if key not in allowed:
                self.error(_join(path, str(key)), "is not a known field")
        return data

    def present(self, data: Mapping, path: str, key: str, required: bool) -> bool:
        if key in data:
            return True
        if required:
            self.error(_join(path, key), "is required")
        return False

    def count(self, data: Mapping, path: str, key: str, minimum: int = 0) -> int | None:
        value = data[key]
        where = _join(path, key)
        # bool is a subclass of int, and 3.0 is not a whole-number answer.
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(where, "must be a whole number")
            return None
        if not minimum <= value <= MAX_COUNT:
            self.error(where, f"must be between {minimum} and {MAX_COUNT:,}")
            return None
        return value

    def text(self, data: Mapping, path: str, key: str, max_length: int) -> str | None:
        value = data[key]
        where = _join(path, key)
        if not isinstance(value, str):
            self.error(where, "must be a string")
            return None
        value = value.strip()
        if len(value) > max_length:
            self.error(where, f"must be at most {max_length} characters")
            return None
        return value

    def boolean(
        self, data: Mapping, path: str, key: str, *, nullable: bool = False
    ) -> bool | None:
        value = data[key]
        if isinstance(value, bool) or (nullable and value is None):
            return value
        self.error(_join(path, key), "must be true or false")
        return None

    def choice(
        self, data: Mapping, path: str, key: str, choices: Choices
    ) -> str | None:
        value = data[key]
        allowed = keys(choices)
        if not isinstance(value, str) or value not in allowed:
            self.error(_join(path, key), f"must be one of: {', '.join(allowed)}")
            return None
        return value

    def pain_points(self, value: object) -> tuple[str, ...] | None:
        allowed = keys(PAIN_POINTS)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error("pain_points", "must be a list of strings")
            return None
        ok = True
        for unknown in sorted({v for v in value if v not in allowed}):
            self.error("pain_points", f"{unknown!r} is not a known pain point")
            ok = False
        # A set in spirit: repeats carry no meaning, so they are folded, not refused.
        return tuple(key for key in allowed if key in value) if ok else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_TOP = (
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
)
_ORG = ("name", "industry", "employees", "stage", "regulated")


def _organization(r: _Reader, data: Mapping) -> Organization | None:
    if not r.present(data, "", "organization", required=True):
        return None
    org = r.obj(data["organization"], "organization", _ORG)
    if org is None:
        return None
    p = "organization"
    name = employees = stage = None
    industry: str | None = ""
    if r.present(org, p, "name", required=True):
        name = r.text(org, p, "name", NAME_MAX_LENGTH)
        if name == "":
            r.error("organization.name", "must not be empty")
            name = None
    if r.present(org, p, "industry", required=False):
        industry = r.text(org, p, "industry", INDUSTRY_MAX_LENGTH)
    if r.present(org, p, "employees", required=True):
        employees = r.count(org, p, "employees", minimum=1)
    if r.present(org, p, "stage", required=True):
        stage = r.choice(org, p, "stage", STAGES)
    regulated: bool | None = False
    if r.present(org, p, "regulated", required=False):
        regulated = r.boolean(org, p, "regulated")
    if None in (name, industry, employees, stage, regulated):
        return None
    return Organization(
        name=name,
        industry=industry,
        employees=employees,
        stage=stage,
        regulated=regulated,
    )


def _headcount(r: _Reader, data: Mapping) -> Headcount | None:
    if not r.present(data, "", "headcount", required=True):
        return None
    raw = r.obj(data["headcount"], "headcount", keys(ROLES))
    if raw is None:
        return None
    counts = {}
    for role in keys(ROLES):
        if r.present(raw, "headcount", role, required=True):
            counts[role] = r.count(raw, "headcount", role)
    if len(counts) < len(ROLES) or None in counts.values():
        return None
    return Headcount(**counts)


def headcount_error(total: int, employees: int) -> str | None:
    """The rule that the six headcounts fit in the company, and its wording:
    the answers file and both questionnaire steps that set a side use it."""
    if total <= employees:
        return None
    return (
        f"the six roles add up to {total} people, more than the {employees} employees"
    )


def full_stack_error(data_scientists: int) -> str:
    """The one wording of the rule, for the answers file and the team step."""
    return (
        f"must not be more than the {data_scientists} data scientists: a "
        "full-stack data scientist is counted as a data scientist too"
    )


def parse_answers(data: object, *, first_edition: bool = False) -> Answers:
    """Validate an answers file (spec section 6) or raise ``AnswersInvalid``.

    ``first_edition`` reads answers saved under a first-edition rulebook, which
    only warned about more full-stack data scientists than data scientists:
    those assessments keep rendering.
    """
    r = _Reader()
    top = r.obj(data, "", _TOP)
    if top is None:
        raise AnswersInvalid(r.errors)
    organization = _organization(r, top)
    values: dict[str, object] = {}
    if r.present(top, "", "ai_focus", required=True):
        values["ai_focus"] = r.choice(top, "", "ai_focus", AI_FOCUSES)
    for key in ("ml_use_cases", "product_teams"):
        if r.present(top, "", key, required=True):
            values[key] = r.count(top, "", key)
    if r.present(top, "", "dedicated_ml_budget", required=False):
        values["dedicated_ml_budget"] = r.boolean(top, "", "dedicated_ml_budget")
    if r.present(top, "", "has_ml_lead", required=False):
        # null, like an absent key, means the client did not say.
        values["has_ml_lead"] = r.boolean(top, "", "has_ml_lead", nullable=True)
    if r.present(top, "", "current_structure", required=False):
        values["current_structure"] = r.choice(
            top, "", "current_structure", CURRENT_STRUCTURES
        )
    if r.present(top, "", "full_stack_data_scientists", required=False):
        values["full_stack_data_scientists"] = r.count(
            top, "", "full_stack_data_scientists"
        )
    if r.present(top, "", "pain_points", required=False):
        values["pain_points"] = r.pain_points(top["pain_points"])
    headcount = _headcount(r, top)
    total_error = (
        headcount_error(headcount.total(), organization.employees)
        if organization and headcount
        else None
    )
    if total_error:
        r.error("headcount", total_error)
    full_stack = values.get("full_stack_data_scientists")
    if (
        not first_edition
        and headcount
        and full_stack is not None
        and full_stack > headcount.data_scientist
    ):
        r.error(
            "full_stack_data_scientists", full_stack_error(headcount.data_scientist)
        )
    if r.errors:
        raise AnswersInvalid(r.errors)
    return Answers(organization=organization, headcount=headcount, **values)
