"""Answers flattened into named facts that rulebook expressions and texts use.

Each fact name maps back to the answer fields it was computed from, so every
rationale can say exactly which answers it read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .domain import AI_FOCUS_WORDS, ML_ROLES, ROLES, STAGES, keys, label

if TYPE_CHECKING:
    from .answers import Answers

Reads = tuple[tuple[str, str], ...]

# Facts that are not answer fields of the same name. ``structure`` is the
# engine's own decision, so it reads no answer directly.
_SOURCES: dict[str, tuple[str, ...]] = {
    "stage": ("organization.stage",),
    "employees": ("organization.employees",),
    "use_cases": ("ml_use_cases",),
    "squads": ("product_teams", "ml_use_cases"),
    "structure": (),
    "regulated": ("organization.regulated",),
    "ml_staff": tuple(f"headcount.{role}" for role in ML_ROLES),
    "science_staff": ("headcount.data_scientist", "headcount.research_scientist"),
    "stage_words": ("organization.stage",),
}
# {fact} or {fact|noun} ("3 teams") or {fact|singular|plural} ("1 ML person").
_PLACEHOLDER = re.compile(r"\{([a-z_.]+)(?:\|([^|{}]+))?(?:\|([^|{}]+))?\}")


def facts(answers: Answers, **extra: object) -> dict[str, object]:
    """Every fact about ``answers`` (spec section 4 derived numbers included)."""
    env: dict[str, object] = {
        "stage": answers.organization.stage,
        "employees": answers.organization.employees,
        "ai_focus": answers.ai_focus,
        "ml_use_cases": answers.ml_use_cases,
        "product_teams": answers.product_teams,
        "dedicated_ml_budget": answers.dedicated_ml_budget,
        "current_structure": answers.current_structure,
        "full_stack_data_scientists": answers.full_stack_data_scientists,
        "pain_points": answers.pain_points,
        "use_cases": max(1, answers.ml_use_cases),
        "squads": max(1, min(answers.product_teams, answers.ml_use_cases)),
        "regulated": answers.organization.regulated,
        "has_ml_lead": answers.has_ml_lead,
        "ml_staff": sum(answers.headcount.of(role) for role in ML_ROLES),
        "stage_words": label(STAGES, answers.organization.stage).lower(),
        "focus_words": AI_FOCUS_WORDS[answers.ai_focus],
    }
    for role in keys(ROLES):
        env[f"headcount.{role}"] = answers.headcount.of(role)
    env.update(extra)
    return env


def show(value: object) -> str:
    """A fact as it appears in texts: JSON-like booleans, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "not known"  # has_ml_lead left unanswered
    if isinstance(value, tuple | list):
        return ", ".join(value) if value else "none"
    return str(value)


def reads(names: Iterable[str], env: Mapping[str, object]) -> Reads:
    """The answer fields behind ``names`` with their values, without repeats."""
    fields = [f for name in names for f in _SOURCES.get(name, (name,))]
    answer_env = {
        "organization.stage": env["stage"],
        "organization.employees": env["employees"],
        "organization.regulated": env["regulated"],
    }
    return tuple(
        (f, show(answer_env.get(f, env.get(f)))) for f in dict.fromkeys(fields)
    )


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` with its noun in agreement: "1 team", "2 teams"."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return f"{count} {noun}"


def render(template: str, env: Mapping[str, object]) -> str:
    """Fill ``{fact}`` placeholders; an unknown name is a rulebook bug and raises."""

    def fill(match: re.Match) -> str:
        value = env[match[1]]
        return counted(value, match[2], match[3]) if match[2] else show(value)

    return _PLACEHOLDER.sub(fill, template)


def cite(text: str, read: Reads) -> str:
    """Append the answers a rule read, so the text alone shows what it used."""
    if not read:
        return text
    listed = "; ".join(f"{name} = {value}" for name, value in read)
    return f"{text} (Answers used: {listed}.)"
