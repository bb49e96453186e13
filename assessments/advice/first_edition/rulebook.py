"""Versioned rulebooks: the advice rules as data, loaded from ``rulebooks/``.

The first edition's rulebooks (2026.1 and 2026.2) are frozen: assessments
advised under them keep rendering with them. New versions are second-edition
rulebooks, loaded by ``assessments.advice.rulebook``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..domain import AI_FOCUSES, ROLES, STAGES, STRUCTURES, keys
from ..expressions import Expr, evaluate, names
from ..versions import (
    FIRST_EDITION,
    SOURCES,
    VERSION_PATTERN,
    RulebookError,
    UnknownRulebook,
)

VERSIONS = FIRST_EDITION
CURRENT_VERSION = VERSIONS[-1]
RULEBOOK_DIR = Path(__file__).resolve().parent.parent / "rulebooks"


@dataclass(frozen=True)
class Rule:
    id: str
    source: str
    text: str
    when: Expr = None

    def applies(self, env: Mapping[str, object]) -> bool:
        return self.when is None or bool(evaluate(self.when, env))

    def names(self) -> tuple[str, ...]:
        return names(self.when) if self.when is not None else ()


@dataclass(frozen=True)
class Threshold:
    product_teams_at_least: int
    structure: str
    alternative: str
    text: str


@dataclass(frozen=True)
class DecisionRow(Rule):
    stage: str = ""
    ai_focus: str = ""
    structure: str = ""
    alternative: str = ""
    threshold: Threshold | None = None


@dataclass(frozen=True)
class RequiredRule(Rule):
    roles: tuple[str, ...] = ()
    otherwise: str = ""


@dataclass(frozen=True)
class SizingRule(Rule):
    role: str = ""
    formula: Expr = None

    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(names(self.formula) + super().names()))


@dataclass(frozen=True)
class CoverRule(Rule):
    roles: tuple[str, ...] = ()
    # Whether covered gaps still get a hiring priority (after every real hire).
    ranked: bool = False


@dataclass(frozen=True)
class PriorityRule(Rule):
    role: str = ""
    weight: int = 0


@dataclass(frozen=True)
class RoleText:
    description: str
    skills: tuple[str, ...]
    tech: tuple[str, ...]


@dataclass(frozen=True)
class StructureText:
    source: str
    description: str
    strengths: tuple[str, ...]
    risks: tuple[str, ...]


@dataclass(frozen=True)
class RiskText:
    label: str
    mitigation: str
    triggers: tuple[Rule, ...]


@dataclass(frozen=True)
class Rulebook:
    version: str
    decisions: tuple[DecisionRow, ...]
    structures: Mapping[str, StructureText]
    roles: Mapping[str, RoleText]
    required: tuple[RequiredRule, ...]
    sizing: tuple[SizingRule, ...]
    part_time: CoverRule
    hiring_order: tuple[PriorityRule, ...]
    risks: Mapping[str, RiskText]
    answer_warnings: tuple[Rule, ...]
    threshold_warning: Rule
    part_time_warning: Rule

    def decision(self, stage: str, ai_focus: str) -> DecisionRow:
        for row in self.decisions:
            if (row.stage, row.ai_focus) == (stage, ai_focus):
                return row
        raise RulebookError(f"no decision row for {stage} / {ai_focus}")

    def rules(self) -> tuple[Rule, ...]:
        """Every rule with an id, in rulebook order."""
        triggers = tuple(t for risk in self.risks.values() for t in risk.triggers)
        return (
            *self.decisions,
            *self.required,
            *self.sizing,
            self.part_time,
            *self.hiring_order,
            *triggers,
            *self.answer_warnings,
            self.threshold_warning,
            self.part_time_warning,
        )


def _build(cls: type, raw: object) -> object:
    """Instantiate a rulebook dataclass; JSON lists of texts become tuples."""
    if not isinstance(raw, Mapping):
        raise RulebookError(f"{cls.__name__} must be an object: {raw!r}")
    known = {f.name for f in dataclasses.fields(cls)}
    if unknown := set(raw) - known:
        raise RulebookError(f"{cls.__name__} has unknown keys {sorted(unknown)}")
    values = {
        key: tuple(value) if isinstance(value, list) and key != "when" else value
        for key, value in raw.items()
    }
    if isinstance(values.get("threshold"), Mapping):
        values["threshold"] = _build(Threshold, values["threshold"])
    try:
        return cls(**values)
    except TypeError as error:
        raise RulebookError(f"{cls.__name__}: {error}") from error


def _parse(data: Mapping) -> Rulebook:
    risks = {
        key: RiskText(
            label=raw["label"],
            mitigation=raw["mitigation"],
            triggers=tuple(_build(Rule, t) for t in raw["triggers"]),
        )
        for key, raw in data["risks"].items()
    }
    warnings = data["warnings"]
    return Rulebook(
        version=data["version"],
        decisions=tuple(_build(DecisionRow, r) for r in data["decisions"]),
        structures={k: _build(StructureText, v) for k, v in data["structures"].items()},
        roles={k: _build(RoleText, v) for k, v in data["roles"].items()},
        required=tuple(_build(RequiredRule, r) for r in data["required_roles"]),
        sizing=tuple(_build(SizingRule, r) for r in data["sizing"]),
        part_time=_build(CoverRule, data["part_time"]),
        hiring_order=tuple(_build(PriorityRule, r) for r in data["hiring_order"]),
        risks=risks,
        answer_warnings=tuple(_build(Rule, r) for r in warnings["answers"]),
        threshold_warning=_build(Rule, warnings["threshold"]),
        part_time_warning=_build(Rule, warnings["part_time"]),
    )


def _check(book: Rulebook) -> None:
    """Refuse a rulebook whose keys disagree with the vocabulary in ``domain``."""
    rules = book.rules()
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise RulebookError("rule ids must be unique")
    if bad := [rule.id for rule in rules if rule.source not in SOURCES]:
        raise RulebookError(f"rules with an unknown source: {bad}")
    pairs = [(row.stage, row.ai_focus) for row in book.decisions]
    expected = [(s, f) for s in keys(STAGES) for f in keys(AI_FOCUSES)]
    if sorted(pairs) != sorted(expected):
        raise RulebookError("the decision table needs one row per stage and focus")
    if set(book.structures) != set(keys(STRUCTURES)):
        raise RulebookError("structures must match domain.STRUCTURES")
    if set(book.roles) != set(keys(ROLES)):
        raise RulebookError("roles must match domain.ROLES")
    outcomes = [o for row in book.decisions for o in (row, row.threshold) if o]
    if any({o.structure, o.alternative} - set(book.structures) for o in outcomes):
        raise RulebookError("a decision names an unknown structure")
    if any(set(s.risks) - set(book.risks) for s in book.structures.values()):
        raise RulebookError("a structure names an unknown risk")
    if not isinstance(book.part_time.ranked, bool):
        raise RulebookError("part_time.ranked must be true or false")
    named_roles = [r.role for r in (*book.sizing, *book.hiring_order)]
    named_roles += [r for rule in (*book.required, book.part_time) for r in rule.roles]
    if set(named_roles) - set(book.roles):
        raise RulebookError("a rule names an unknown role")


@functools.cache
def _load(version: str, folder: Path) -> Rulebook:
    path = folder / f"{version}.json"
    if not path.is_file():
        raise UnknownRulebook(f"no rulebook {version!r}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        book = _parse(data)
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        raise RulebookError(f"rulebook {version!r} is malformed: {error}") from error
    if book.version != version:
        raise RulebookError(f"{path.name} says it is version {book.version!r}")
    _check(book)
    return book


def load_rulebook(
    version: str | None = None, directory: Path | None = None
) -> Rulebook:
    """The rulebook ``version`` (default ``CURRENT_VERSION``), parsed once and cached.

    ``directory`` lets tests load rulebooks from elsewhere; the app never sets it.
    """
    version = CURRENT_VERSION if version is None else version
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version):
        raise UnknownRulebook(f"{version!r} is not a rulebook version (e.g. '2026.1')")
    if directory is None and version not in VERSIONS:
        raise UnknownRulebook(f"{version} is not a first-edition rulebook")
    # RULEBOOK_DIR is resolved already: no filesystem call on the hot path.
    return _load(version, directory.resolve() if directory else RULEBOOK_DIR)
