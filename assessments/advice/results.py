"""What ``advise`` returns: frozen dataclasses, and the JSON of spec section 11.

Client text and the trace are kept apart: ``text`` is in the questionnaire's
words; ``rule``, ``source`` and ``reads`` belong to the report's appendix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .facts import Reads, reads, render
from .rulebook import Rule

# Quarter 5 of the roadmap is "later" (spec section 11).
LATER = 5

SOURCE_LABELS = {"article": "from the article", "house": "house rule"}


@dataclass(frozen=True)
class Rationale:
    """One rule applied: what it says for this client and which answers it read."""

    rule: str
    source: str
    text: str
    reads: Reads = ()

    @classmethod
    def of(
        cls,
        rule: Rule,
        env: Mapping[str, object],
        template: str | None = None,
        **extra: object,
    ) -> Rationale:
        filled = {**env, **extra}
        text = render(rule.text if template is None else template, filled)
        return cls(rule.id, rule.source, text, reads(rule.names(), env))

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class StructureAdvice:
    key: str  # the structure the plan describes (the override, if any)
    label: str
    recommended_by_teamadvisor: str
    recommended_label: str
    alternative: str
    alternative_label: str
    override: str | None
    override_reason: str
    summary: str  # the structure and why, in two sentences
    description: str
    strengths: tuple[str, ...]
    rationale: tuple[Rationale, ...]


@dataclass(frozen=True)
class RoleAdvice:
    key: str
    label: str
    description: str
    required: bool
    needed: int
    current: int
    gap: int
    covered: int  # units of the gap covered part-time by full-stack scientists
    status: str  # "hire", "part_time", "enough" or "optional"
    status_text: str
    priority: int | None
    skills: tuple[str, ...]
    tech: tuple[str, ...]
    rationale: tuple[Rationale, ...]


@dataclass(frozen=True)
class Hire:
    roles: tuple[str, ...]  # one role, or the combined pair in spec order
    people: str  # "2 mid-level data scientists"
    count: int
    priority: int
    tier: str  # "blocking", "growing" or "later"
    seniority: str  # "senior" or "mid"
    quarter: int  # 1-4, or 5 for later
    cost: int | None  # yearly cost of these hires, when a cost table is given


@dataclass(frozen=True)
class Quarter:
    quarter: int
    steps: tuple[str, ...]  # what to do besides hiring (ML lead, use cases, ...)
    actions: tuple[str, ...]  # the steps, then one line per role hired
    hires: int
    added_cost: int | None

    @property
    def is_later(self) -> bool:
        return self.quarter == LATER


@dataclass(frozen=True)
class RiskAdvice:
    key: str
    label: str
    level: str  # "high" or "medium"
    source: str
    because: tuple[Rationale, ...]
    mitigation: str

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


@dataclass(frozen=True)
class Concern:
    """A pain point the client ticked and the risk through which the plan
    answers it (spec section 5: none may be missing)."""

    pain_point: str
    label: str
    risk: str


@dataclass(frozen=True)
class Transition:
    current: str
    current_label: str
    structure: str
    rules: tuple[Rationale, ...]
    lead: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Neighbour:
    """A nearby answer that would change TeamAdvisor's choice (spec section 10)."""

    field: str
    value: object
    change: str
    structure: str
    structure_label: str


@dataclass(frozen=True)
class Costs:
    currency: str
    total: int
    later: int


@dataclass(frozen=True)
class Advice:
    rulebook_version: str
    structure: StructureAdvice
    roles: tuple[RoleAdvice, ...]
    hires: tuple[Hire, ...]
    roadmap: tuple[Quarter, ...]
    risks: tuple[RiskAdvice, ...]
    transition: Transition
    sensitivity: tuple[Neighbour, ...]
    stable_text: str
    costs: Costs | None
    warnings: tuple[Rationale, ...]
    # Rules that shaped the plan as a whole (pace, seniority, ...), for the trace.
    plan_rules: tuple[Rationale, ...]
    concerns: tuple[Concern, ...] = ()
    # Quarter 1 opens by naming or hiring a head of ML (spec section 7).
    ml_lead_due: bool = False

    def risk(self, key: str) -> RiskAdvice:
        return next(risk for risk in self.risks if risk.key == key)

    def to_dict(self) -> dict[str, object]:
        """Exactly the spec section 11 shape; the report adds labels itself."""
        structure = self.structure
        return {
            "rulebook_version": self.rulebook_version,
            "structure": {
                "key": structure.key,
                "alternative": structure.alternative,
                "recommended_by_teamadvisor": structure.recommended_by_teamadvisor,
                "override": structure.override,
                "rationale": [_rationale(r) for r in structure.rationale],
            },
            "roles": [
                {
                    "key": role.key,
                    "required": role.required,
                    "needed": role.needed,
                    "current": role.current,
                    "gap": role.gap,
                    "status": role.status,
                    "priority": role.priority,
                    "skills": list(role.skills),
                    "tech": list(role.tech),
                }
                for role in self.roles
            ],
            "hires": [
                {
                    "roles": list(hire.roles),
                    "count": hire.count,
                    "priority": hire.priority,
                    "tier": hire.tier,
                    "seniority": hire.seniority,
                    "quarter": hire.quarter,
                }
                for hire in self.hires
            ],
            "roadmap": [
                {
                    "quarter": q.quarter,
                    "actions": list(q.actions),
                    "hires": q.hires,
                    "added_cost": q.added_cost,
                }
                for q in self.roadmap
            ],
            "risks": [
                {
                    "key": risk.key,
                    "level": risk.level,
                    "source": risk.source,
                    "because": [finding.text for finding in risk.because],
                    "mitigation": risk.mitigation,
                }
                for risk in self.risks
            ],
            "transition": {
                "from": self.transition.current,
                "to": self.transition.structure,
                "steps": list(self.transition.steps),
            },
            "sensitivity": [
                {
                    "field": n.field,
                    "value": n.value,
                    "change": n.change,
                    "structure": n.structure,
                }
                for n in self.sensitivity
            ],
            "costs": (
                None
                if self.costs is None
                else {
                    "currency": self.costs.currency,
                    "total": self.costs.total,
                    "later": self.costs.later,
                }
            ),
            "warnings": [warning.text for warning in self.warnings],
        }


def _rationale(step: Rationale) -> dict[str, str]:
    return {"rule": step.rule, "source": step.source, "text": step.text}
