"""What ``advise`` returns: frozen dataclasses plus the spec section 7 JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..facts import Reads, cite, reads, render

if TYPE_CHECKING:
    from .rulebook import Rule


SOURCE_LABELS = {"article": "from the article", "house": "house rule"}


class _Sourced:
    """Something a rule said; the report labels house rules as such."""

    source: str  # "article" or "house"

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


@dataclass(frozen=True)
class Rationale(_Sourced):
    rule: str
    source: str
    text: str
    reads: Reads = ()

    @classmethod
    def of(
        cls,
        rule: Rule,
        template: str,
        env: Mapping[str, object],
        names: tuple[str, ...] | None = None,
    ) -> Rationale:
        """Explain ``rule``: its text filled in, followed by the answers it read.

        ``names`` overrides the facts the rule's own expressions read.
        """
        read = reads(rule.names() if names is None else names, env)
        return cls(rule.id, rule.source, cite(render(template, env), read), read)


@dataclass(frozen=True)
class Finding(_Sourced):
    """A sentence the advice adds (a risk trigger or a warning) and its rule."""

    rule: str
    source: str
    text: str

    @classmethod
    def of(cls, rule: Rule, env: Mapping[str, object], /, **extra: object) -> Finding:
        return cls(rule.id, rule.source, render(rule.text, {**env, **extra}))

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class StructureAdvice:
    key: str
    label: str
    alternative: str
    alternative_label: str
    summary: str
    description: str
    strengths: tuple[str, ...]
    rationale: tuple[Rationale, ...]


@dataclass(frozen=True)
class RoleAdvice:
    key: str
    label: str
    description: str
    required: bool
    recommended: int
    current: int
    gap: int
    priority: int | None
    skills: tuple[str, ...]
    tech: tuple[str, ...]
    covered_part_time: bool
    rationale: tuple[Rationale, ...]


@dataclass(frozen=True)
class RiskAdvice:
    key: str
    label: str
    level: str  # "high" when an answer shows the risk, else "medium"
    because: tuple[Finding, ...]
    mitigation: str


@dataclass(frozen=True)
class Advice:
    rulebook_version: str
    structure: StructureAdvice
    roles: tuple[RoleAdvice, ...]
    risks: tuple[RiskAdvice, ...]
    warnings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, object]:
        """Exactly the spec section 7 shape; the report adds labels itself."""
        structure = self.structure
        return {
            "rulebook_version": self.rulebook_version,
            "structure": {
                "key": structure.key,
                "alternative": structure.alternative,
                "rationale": [
                    {"rule": r.rule, "source": r.source, "text": r.text}
                    for r in structure.rationale
                ],
            },
            "roles": [
                {
                    "key": role.key,
                    "required": role.required,
                    "recommended": role.recommended,
                    "current": role.current,
                    "gap": role.gap,
                    "priority": role.priority,
                    "skills": list(role.skills),
                    "tech": list(role.tech),
                }
                for role in self.roles
            ],
            "risks": [
                {
                    "key": risk.key,
                    "level": risk.level,
                    "because": [finding.text for finding in risk.because],
                    "mitigation": risk.mitigation,
                }
                for risk in self.risks
            ],
            "warnings": [warning.text for warning in self.warnings],
        }
