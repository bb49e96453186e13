"""Versioned rulebooks: the advice rules as data, loaded from ``rulebooks/``.

An assessment stores the rulebook version it was advised under, so every
version ever shipped stays loadable: never edit a released file, add a new
version and point ``CURRENT_VERSION`` at it. Versions 2026.1 and 2026.2 are
first-edition rulebooks (``first_edition``); newer ones are read here.

Numbers and sentences live in the JSON; the algorithms that use them (the
hiring order, the roadmap) are code, written out in ``docs/advice-rules.md``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .domain import AI_FOCUSES, CURRENT_STRUCTURES, ROLES, STAGES, STRUCTURES, keys
from .expressions import Expr, evaluate, names
from .versions import (
    FIRST_EDITION,
    SOURCES,
    VERSION_PATTERN,
    RulebookError,
    UnknownRulebook,
)

CURRENT_VERSION = "2026.3"
RULEBOOK_DIR = Path(__file__).resolve().parent / "rulebooks"


@dataclass(frozen=True)
class Rule:
    """Something the advice says, with its id, its source and its condition."""

    id: str
    source: str
    text: str = ""
    when: Expr = None
    data: Mapping[str, Any] | None = None  # the rule's other keys, as written

    def applies(self, env: Mapping[str, object]) -> bool:
        return self.when is None or bool(evaluate(self.when, env))

    def names(self) -> tuple[str, ...]:
        """The facts the rule reads: its condition's, its formula's, and for a
        rule the code applies, the ``reads`` it lists."""
        found = names(self.when) if self.when is not None else ()
        formula = self.get("formula")
        if formula is not None:
            found = names(formula) + found
        return tuple(dict.fromkeys(found + tuple(self.get("reads", ()))))

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return (self.data or {}).get(key, default)


def _rule(raw: Mapping[str, Any]) -> Rule:
    known = {"id", "source", "text", "when"}
    return Rule(
        id=raw["id"],
        source=raw["source"],
        text=raw.get("text", ""),
        when=raw.get("when"),
        data={k: v for k, v in raw.items() if k not in known},
    )


@dataclass(frozen=True)
class Rulebook:
    version: str
    raw: Mapping[str, Any]

    @functools.cached_property
    def decisions(self) -> tuple[Rule, ...]:
        return tuple(_rule(r) for r in self.raw["decisions"])

    @functools.cached_property
    def needs(self) -> tuple[Rule, ...]:
        return tuple(_rule(r) for r in self.raw["needs"])

    @functools.cached_property
    def required(self) -> tuple[Rule, ...]:
        return tuple(_rule(r) for r in self.raw["required"])

    @functools.cached_property
    def risk_rules(self) -> tuple[Rule, ...]:
        return tuple(_rule(r) for r in self.raw["risk_rules"])

    @functools.cached_property
    def warnings(self) -> tuple[Rule, ...]:
        return tuple(_rule(r) for r in self.raw["warnings"])

    def rule(self, *path: str) -> Rule:
        """The single rule at ``path``, e.g. ``rule("roadmap", "pace")``."""
        # Built once per rulebook: the engine asks for the same rules per plan.
        cache = self.__dict__.setdefault("_rule_cache", {})
        if path not in cache:
            raw = self.raw
            for key in path:
                raw = raw[key]
            cache[path] = _rule(raw)
        return cache[path]

    def decision(self, stage: str, ai_focus: str) -> Rule:
        for row in self.decisions:
            if (row["stage"], row["ai_focus"]) == (stage, ai_focus):
                return row
        raise RulebookError(f"no decision row for {stage} / {ai_focus}")

    def structure_text(self, key: str) -> Mapping[str, Any]:
        return self.raw["structures"][key]

    def role_text(self, key: str) -> Mapping[str, Any]:
        return self.raw["roles"][key]

    def risk_text(self, key: str) -> Mapping[str, Any]:
        return self.raw["risks"][key]

    def transition_steps(
        self, current: str, structure: str, *, lead: bool
    ) -> tuple[str, ...]:
        """The steps from ``current`` to ``structure``; with ``lead``, steps
        that would name a head of ML build on the one there is instead."""
        steps = list(self.raw["transition"]["steps"][current][structure])
        if lead:
            for change in self.raw["transition"]["lead"]["steps"]:
                if (change["from"], change["to"]) == (current, structure):
                    steps[change["step"]] = change["text"]
        return tuple(steps)

    def rules(self) -> tuple[Rule, ...]:
        """Every rule with an id, in rulebook order."""
        single = [
            ("scale",),
            ("override",),
            ("status",),
            ("cover",),
            ("lone",),
            ("combined",),
            *(("hiring", key) for key in self.raw["hiring"]),
            *(("roadmap", key) for key in self.raw["roadmap"]),
            ("structure_risks",),
            ("research_fit",),
            ("consistency",),
            *(("transition", key) for key in ("none", "same", "move", "lead")),
            ("sensitivity",),
        ]
        return (
            *self.decisions,
            *(self.rule(*path) for path in single),
            *self.required,
            *self.needs,
            *self.risk_rules,
            *self.warnings,
        )


def _check(book: Rulebook) -> None:
    """Refuse a rulebook whose keys disagree with the vocabulary in ``domain``."""
    rules = book.rules()
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise RulebookError("rule ids must be unique")
    if bad := [rule.id for rule in rules if rule.source not in SOURCES]:
        raise RulebookError(f"rules with an unknown source: {bad}")
    pairs = sorted((row["stage"], row["ai_focus"]) for row in book.decisions)
    if pairs != sorted((s, f) for s in keys(STAGES) for f in keys(AI_FOCUSES)):
        raise RulebookError("the decision table needs one row per stage and focus")
    raw = book.raw
    if set(raw["structures"]) != set(keys(STRUCTURES)):
        raise RulebookError("structures must match domain.STRUCTURES")
    if set(raw["roles"]) != set(keys(ROLES)):
        raise RulebookError("roles must match domain.ROLES")
    if {rule["role"] for rule in book.needs} - set(keys(ROLES)):
        raise RulebookError("a need names an unknown role")
    risks = set(raw["risks"])
    named = {r for s in raw["structures"].values() for r in s["risks"]}
    named |= {rule["risk"] for rule in book.risk_rules}
    if named - risks:
        raise RulebookError(f"unknown risks: {sorted(named - risks)}")
    steps = raw["transition"]["steps"]
    for current in keys(CURRENT_STRUCTURES):
        for structure in keys(STRUCTURES):
            if not 3 <= len(steps.get(current, {}).get(structure, ())) <= 4:
                raise RulebookError(f"transition {current} to {structure}: 3-4 steps")


def available_versions(directory: Path | None = None) -> tuple[str, ...]:
    """Every rulebook version on disk, oldest first."""
    folder = directory or RULEBOOK_DIR
    found = [p.stem for p in folder.glob("*.json") if VERSION_PATTERN.fullmatch(p.stem)]
    return tuple(sorted(found, key=lambda v: tuple(int(n) for n in v.split("."))))


def is_first_edition(version: str) -> bool:
    """Whether ``version`` is a first-edition rulebook (2026.1 or 2026.2)."""
    return version in FIRST_EDITION


@functools.cache
def _load(version: str, folder: Path) -> Rulebook:
    path = folder / f"{version}.json"
    if not path.is_file():
        raise UnknownRulebook(f"no rulebook {version!r}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        book = Rulebook(version=data["version"], raw=data)
        if book.version != version:
            raise RulebookError(f"{path.name} says it is version {book.version!r}")
        _check(book)
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        raise RulebookError(f"rulebook {version!r} is malformed: {error}") from error
    return book


def load_rulebook(
    version: str | None = None, directory: Path | None = None
) -> Rulebook:
    """The second-edition rulebook ``version`` (default current), parsed once.

    ``directory`` lets tests load rulebooks from elsewhere; the app never sets it.
    """
    version = CURRENT_VERSION if version is None else version
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version):
        raise UnknownRulebook(f"{version!r} is not a rulebook version (e.g. '2026.3')")
    if is_first_edition(version):
        raise UnknownRulebook(f"{version} is a first-edition rulebook")
    return _load(version, directory.resolve() if directory else RULEBOOK_DIR)
