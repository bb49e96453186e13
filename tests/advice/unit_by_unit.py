"""The hiring order and roadmap of spec sections 4 and 7, unit by unit.

This is the spec's algorithm as written: one object per person to hire, in a
list. The engine computes the same plan from counts (it must stay fast at a
million), and ``test_hiring_by_counts.py`` checks the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from assessments.advice.domain import ROLES, keys
from assessments.advice.hiring import LATER, QUARTERS, pace
from assessments.advice.roles import RolePlan
from assessments.advice.rulebook import Rulebook


@dataclass(frozen=True)
class Unit:
    roles: tuple[str, ...]  # one role, or the combined pair
    tier: str
    seniority: str = "mid"
    quarter: int = LATER

    @property
    def is_ml(self) -> bool:
        """Counts toward the ML team's size (software developers do not)."""
        return self.roles != ("software_developer",)


def _raised_roles(high_risks: set[str], book: Rulebook) -> list[str]:
    raised = book.rule("hiring", "raised")["order"]
    return [item["role"] for item in raised if high_risks & set(item["risks"])]


def _round_order(env: Mapping[str, object], raised: list[str], book: Rulebook):
    growing = book.rule("hiring", "growing")
    core = list(growing["order"])
    research = growing["research_first"]
    # Research scientists come right after data scientists when research is
    # the focus, else last.
    if env["ai_focus"] == "research":
        core.insert(1, research)
    else:
        core.append(research)
    return raised + [role for role in core if role not in raised]


def order_units(
    plans: Mapping[str, RolePlan],
    combined: tuple[str, ...],
    high_risks: set[str],
    env: Mapping[str, object],
    book: Rulebook,
) -> list[Unit]:
    """Every unit of gap in hiring order, covered units last."""
    left = {role: plans[role].uncovered for role in keys(ROLES)}
    units: list[Unit] = []
    for role in book.rule("hiring", "blocking")["roles"]:
        if plans[role].current == 0 and left[role]:
            units.append(Unit((role,), "blocking"))
            left[role] -= 1
    order = _round_order(env, _raised_roles(high_risks, book), book)
    while any(left.values()):
        for role in order:
            if left[role]:
                units.append(Unit((role,), "growing"))
                left[role] -= 1
    if combined:
        first = [
            units.index(next(u for u in units if u.roles == (r,))) for r in combined
        ]
        units[min(first)] = replace(units[min(first)], roles=combined)
        del units[max(first)]
    for role in book.rule("cover")["order"]:
        units += [Unit((role,), "later")] * plans[role].covered
    return units


def priorities(units: list[Unit]) -> dict[str, int]:
    """Dense rank of each role's first unit; a combined pair shares one."""
    ranks: dict[str, int] = {}
    rank = 0
    for unit in units:
        new = [role for role in unit.roles if role not in ranks]
        if new:
            rank += 1
            ranks.update(dict.fromkeys(new, rank))
    return ranks


def with_seniority(
    units: list[Unit], plans: Mapping[str, RolePlan], book: Rulebook
) -> list[Unit]:
    """Senior: a new or doubling role's first unit, then every fourth unit."""
    every = book.rule("roadmap", "seniority")["every"]
    seen = dict.fromkeys(keys(ROLES), 0)
    result = []
    for unit in units:
        senior = False
        for role in unit.roles:
            plan, index = plans[role], seen[role]
            first = index == 0 and (plan.current == 0 or plan.gap >= plan.current)
            senior |= first or (index > 0 and index % every == 0)
            seen[role] += 1
        result.append(replace(unit, seniority="senior" if senior else "mid"))
    return result


def schedule(
    units: list[Unit],
    plans: Mapping[str, RolePlan],
    env: Mapping[str, object],
    book: Rulebook,
) -> tuple[list[Unit], dict[int, int]]:
    """Units with their quarter, and each quarter's pace (for the trace)."""
    per_role = book.rule("roadmap", "per_role")["minimum"]
    team = env["ml_staff"]
    size = {role: plans[role].current for role in keys(ROLES)}
    placed: dict[int, int] = {}  # index in ``units`` -> quarter
    paces = {}
    # With no use case yet, quarter 1 is for choosing them, not for hiring.
    first = 2 if env["ml_use_cases"] == 0 else 1
    for quarter in QUARTERS[first - 1 :]:
        paces[quarter] = limit = pace(team, env, book)
        taken: dict[str, int] = dict.fromkeys(keys(ROLES), 0)
        this_quarter = []
        for index, unit in enumerate(units):
            if len(this_quarter) == limit:
                break
            if index in placed or unit.tier == "later":
                continue
            if any(taken[r] + 1 > max(per_role, size[r]) for r in unit.roles):
                continue  # would more than double the role: waits a quarter
            this_quarter.append(index)
            for role in unit.roles:
                taken[role] += 1
        for index in this_quarter:
            placed[index] = quarter
            for role in units[index].roles:
                size[role] += 1
            team += units[index].is_ml
    scheduled = [
        replace(unit, quarter=placed.get(index, LATER))
        for index, unit in enumerate(units)
    ]
    return scheduled, paces


def hire_groups(plans, combined, high_risks, env, book) -> list[tuple]:
    """(roles, count, priority, tier, seniority, quarter) per group, by quarter
    then hiring order: the ``hires`` of spec section 11."""
    units = order_units(plans, combined, high_risks, env, book)
    ranks = priorities(units)
    units, _paces = schedule(with_seniority(units, plans, book), plans, env, book)
    groups: dict[tuple, list[int]] = {}
    for index, unit in enumerate(units):
        key = (unit.roles, unit.tier, unit.seniority, unit.quarter)
        groups.setdefault(key, []).append(index)
    ordered = sorted(groups, key=lambda k: (k[3], groups[k][0]))
    return [
        (roles, len(groups[key]), ranks[roles[0]], tier, seniority, quarter)
        for key in ordered
        for roles, tier, seniority, quarter in [key]
    ]
