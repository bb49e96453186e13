"""The role plan (spec section 4): what each role needs, its gap and its status.

Sizes are "at least" rules, so the largest that applies wins and none can
lower another: more use cases or teams never lower a need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .domain import ROLES, keys, label
from .expressions import evaluate
from .facts import render
from .results import Rationale, RoleAdvice
from .rulebook import Rulebook

SCIENCE_ROLES = ("data_scientist", "research_scientist")


@dataclass
class RolePlan:
    """One role while the plan is being built; ``RoleAdvice`` once it is done."""

    key: str
    current: int
    required: bool = False
    needed: int = 0
    covered: int = 0
    combined: bool = False  # its first hire is the combined ML engineer
    rationale: list[Rationale] = field(default_factory=list)

    @property
    def gap(self) -> int:
        return max(0, self.needed - self.current)

    @property
    def uncovered(self) -> int:
        return self.gap - self.covered

    @property
    def status(self) -> str:
        if self.needed == 0:
            return "optional"
        if self.gap == 0:
            return "enough"
        return "part_time" if self.covered == self.gap else "hire"


def plan_needs(env: dict[str, object], book: Rulebook) -> dict[str, RolePlan]:
    """Required roles and their needed sizes; adds ``science_staff`` to ``env``."""
    plans = {
        role: RolePlan(role, current=env[f"headcount.{role}"]) for role in keys(ROLES)
    }
    for rule in book.required:
        if rule.applies(env):
            for role in rule["roles"]:
                plans[role].required = True
                plans[role].rationale.append(Rationale.of(rule, env))

    def size(rules) -> None:
        for rule in rules:
            plan = plans[rule["role"]]
            if plan.required and rule.applies(env):
                value = evaluate(rule["formula"], env)
                plan.needed = max(plan.needed, value)
                plan.rationale.append(Rationale.of(rule, env, value=value))

    # Engineers are sized on the scientists the plan ends with, so the
    # scientists are sized first (house rule "scientists need engineers").
    science = [rule for rule in book.needs if "science_staff" in rule.names()]
    size(rule for rule in book.needs if rule not in science)
    env["science_staff"] = sum(
        max(plans[role].current, plans[role].needed) for role in SCIENCE_ROLES
    )
    size(science)
    return plans


def apply_cover(
    plans: Mapping[str, RolePlan], env: Mapping[str, object], book: Rulebook
) -> None:
    """Full-stack data scientists cover gaps part-time, never for a lone person."""
    cover, lone = book.rule("cover"), book.rule("lone")
    if cover.applies(env):
        people = min(env["full_stack_data_scientists"], env["headcount.data_scientist"])
        for role in cover["order"]:
            plan = plans[role]
            plan.covered = min(people, plan.gap)
            people -= plan.covered
            if plan.covered:
                plan.rationale.append(Rationale.of(cover, env, covered=plan.covered))
    elif lone.applies(env):
        for role in cover["order"]:
            if plans[role].gap:
                plans[role].rationale.append(Rationale.of(lone, env))


def combined_hire(
    plans: Mapping[str, RolePlan], env: Mapping[str, object], book: Rulebook
) -> tuple[str, ...]:
    """The pair hired as one person (spec section 4), or ``()``."""
    rule = book.rule("combined")
    pair = tuple(rule["roles"])
    if rule.applies(env) and all(plans[role].uncovered for role in pair):
        for role in pair:
            plans[role].combined = True
            plans[role].rationale.append(Rationale.of(rule, env))
        return pair
    return ()


def role_advice(
    plan: RolePlan, priority: int | None, env: Mapping[str, object], book: Rulebook
) -> RoleAdvice:
    text = book.role_text(plan.key)
    status_rule = book.rule("status")
    key = plan.status
    if plan.status == "hire" and plan.combined:
        key = "hire_combined_covered" if plan.covered else "hire_combined"
    elif plan.status == "hire" and plan.covered:
        key = "hire_covered"
    elif plan.status == "optional" and plan.current:
        key = "optional_kept"
    numbers = {
        "gap": plan.gap,
        "current": plan.current,
        "covered": plan.covered,
        "uncovered": plan.uncovered,
    }
    status_text = render(status_rule[key], {**env, **numbers})
    return RoleAdvice(
        key=plan.key,
        label=label(ROLES, plan.key),
        description=text["description"],
        required=plan.required,
        needed=plan.needed,
        current=plan.current,
        gap=plan.gap,
        covered=plan.covered,
        status=plan.status,
        status_text=status_text,
        priority=priority,
        skills=tuple(text["skills"]),
        tech=tuple(text["tech"]),
        rationale=tuple(plan.rationale),
    )
