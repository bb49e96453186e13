"""Choosing the structure (spec section 3) and what would change it (section 10)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .answers import Answers
from .domain import (
    AI_FOCUS_WORDS,
    AI_FOCUSES,
    MAX_COUNT,
    STAGE_WORDS,
    STAGES,
    STRUCTURES,
    keys,
    label,
)
from .facts import counted
from .results import Neighbour
from .rulebook import Rule, Rulebook


@dataclass(frozen=True)
class Decision:
    """The table's choice: the row that made it and, past eight teams, S-SCALE."""

    structure: str
    alternative: str
    row: Rule
    text: str  # the row's own sentence, or its "otherwise" sentence
    source: str
    scale: Rule | None = None


def squads_of(product_teams: int, ml_use_cases: int) -> int:
    """The teams that will really carry ML work (spec section 3)."""
    return max(1, min(product_teams, ml_use_cases))


def decide(
    stage: str, ai_focus: str, product_teams: int, ml_use_cases: int, book: Rulebook
) -> Decision:
    row = book.decision(stage, ai_focus)
    squads = squads_of(product_teams, ml_use_cases)
    outcome: Mapping = row.data
    text, source = row.text, row.source
    threshold = row.get("squads_at_least")
    if threshold is not None and squads < threshold:
        outcome = row["otherwise"]
        text, source = outcome["text"], outcome.get("source", row.source)
    decision = Decision(outcome["structure"], outcome["alternative"], row, text, source)
    scale = book.rule("scale")
    if decision.structure == scale["from"] and squads >= scale["squads_at_least"]:
        return Decision(
            scale["structure"], scale["alternative"], row, text, source, scale
        )
    return decision


def decide_for(answers: Answers, book: Rulebook) -> Decision:
    return decide(
        answers.organization.stage,
        answers.ai_focus,
        answers.product_teams,
        answers.ml_use_cases,
        book,
    )


def _neighbours(answers: Answers):
    """(field, value, change) for every answer next to the client's (section 10)."""
    org = answers.organization
    for stage in keys(STAGES):
        if stage != org.stage:
            yield "organization.stage", stage, f"if you counted as {STAGE_WORDS[stage]}"
    for focus in keys(AI_FOCUSES):
        if focus != answers.ai_focus:
            yield "ai_focus", focus, f"if your AI focus were {AI_FOCUS_WORDS[focus]}"
    for field, value, noun in (
        ("product_teams", answers.product_teams, "product team"),
        ("ml_use_cases", answers.ml_use_cases, "ML use case"),
    ):
        for other in (value - 1, value + 1):
            if 0 <= other <= MAX_COUNT:
                yield field, other, f"with {counted(other, noun)} instead of {value}"


def sensitivity(answers: Answers, own: str, book: Rulebook) -> tuple[Neighbour, ...]:
    """Each neighbouring answer whose table choice differs from ``own``."""
    found = []
    for field, value, change in _neighbours(answers):
        org = answers.organization
        inputs = {
            "stage": org.stage,
            "ai_focus": answers.ai_focus,
            "product_teams": answers.product_teams,
            "ml_use_cases": answers.ml_use_cases,
        }
        inputs[field.removeprefix("organization.")] = value
        structure = decide(**inputs, book=book).structure
        if structure != own:
            found.append(
                Neighbour(field, value, change, structure, label(STRUCTURES, structure))
            )
    return tuple(found)
