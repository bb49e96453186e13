"""The role plan (spec section 4): who is required, how many, and hiring order."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ..domain import ROLES, keys, label
from ..expressions import evaluate
from .results import Finding, Rationale, RoleAdvice
from .rulebook import PriorityRule, Rulebook


def _role(role: str, env: Mapping[str, object], book: Rulebook) -> RoleAdvice:
    rationale = []
    required = False
    for rule in book.required:
        if role not in rule.roles:
            continue
        if rule.applies(env):
            required = True
            rationale.append(Rationale.of(rule, rule.text, env))
        elif rule.otherwise:
            rationale.append(Rationale.of(rule, rule.otherwise, env))
    # Required roles need at least one person (Q-CORE); the sizing rules are all
    # "at least" rules, so the largest one wins and none can lower another.
    sizes = [1] if required else [0]
    for rule in book.sizing:
        if required and rule.role == role and rule.applies(env):
            value = evaluate(rule.formula, env)
            sizes.append(value)
            rationale.append(Rationale.of(rule, rule.text, {**env, "value": value}))
    recommended = max(sizes)
    current = env[f"headcount.{role}"]
    gap = max(0, recommended - current)
    cover = book.part_time
    covered = gap > 0 and role in cover.roles and cover.applies(env)
    if covered:
        rationale.append(Rationale.of(cover, cover.text, env))
    text = book.roles[role]
    return RoleAdvice(
        key=role,
        label=label(ROLES, role),
        description=text.description,
        required=required,
        recommended=recommended,
        current=current,
        gap=gap,
        priority=None,
        skills=text.skills,
        tech=text.tech,
        covered_part_time=covered,
        rationale=tuple(rationale),
    )


def _ranked(
    roles: list[RoleAdvice], env: Mapping[str, object], book: Rulebook
) -> list[tuple[str, list[PriorityRule]]]:
    """Open gaps hire-first: blocking weight, then bigger gap, then spec order.

    Gaps covered part-time come after every real hire, or, under rulebooks
    that predate ``part_time.ranked``, get no priority at all.
    """
    order = keys(ROLES)
    hires = []
    for role in roles:
        if role.gap == 0 or (role.covered_part_time and not book.part_time.ranked):
            continue
        # A covered gap blocks nothing yet, so no hiring-order rule speaks for it.
        rules = [
            r
            for r in book.hiring_order
            if r.role == role.key and r.applies(env) and not role.covered_part_time
        ]
        weight = sum(r.weight for r in rules)
        rank = (role.covered_part_time, -weight, -role.gap, order.index(role.key))
        hires.append((rank, role.key, rules))
    hires.sort(key=lambda hire: hire[0])
    return [(key, rules) for _, key, rules in hires]


def plan_roles(env: Mapping[str, object], book: Rulebook) -> tuple[RoleAdvice, ...]:
    """One ``RoleAdvice`` per role in spec order, with gaps and hiring priority."""
    roles = [_role(role, env, book) for role in keys(ROLES)]
    by_key = {role.key: role for role in roles}
    for priority, (key, rules) in enumerate(_ranked(roles, env, book), start=1):
        role = by_key[key]
        why = tuple(Rationale.of(r, r.text, env) for r in rules)
        by_key[key] = dataclasses.replace(
            role, priority=priority, rationale=role.rationale + why
        )
    return tuple(by_key[key] for key in keys(ROLES))


def part_time_warning(
    roles: tuple[RoleAdvice, ...], env: Mapping[str, object], book: Rulebook
) -> tuple[Finding, ...]:
    """The W-PART-TIME sentence, so the JSON shows which gaps are covered."""
    covered = [role.label for role in roles if role.covered_part_time]
    if not covered:
        return ()
    return (Finding.of(book.part_time_warning, env, roles=" and ".join(covered)),)
