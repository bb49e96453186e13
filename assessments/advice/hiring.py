"""The hiring order (spec section 4) and the roadmap (section 7).

Every unit of gap is one person to hire. The order has three tiers:

1. blocking - the first unit of each working-team role nobody does today;
2. growing - every other uncovered unit, in rounds of one per role, roles
   raised by a high risk first in each round;
3. later - units covered part-time by full-stack data scientists.

A small startup's first data-engineer and MLOps units may be one combined
hire: it takes the earlier of their two places. The roadmap then fills
quarters 1-4 in this order, each within its pace (the ML team grows by about a
quarter per quarter) and without any role more than doubling in a quarter; what
does not fit is "later" (quarter 5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from .domain import ROLE_NOUNS, ROLES, keys
from .roles import RolePlan
from .rulebook import Rulebook

LATER = 5
QUARTERS = (1, 2, 3, 4)


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


def pace(team: int, env: Mapping[str, object], book: Rulebook) -> int:
    """How many hires a quarter that starts with ``team`` ML people takes."""
    rule = book.rule("roadmap", "pace")
    slow = book.rule("roadmap", "pace_hiring")
    if slow.applies(env):
        rule = slow
    return max(rule["minimum"], -(-team // rule["divisor"]))


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


def unit_cost(unit: Unit, costs: Mapping[str, object] | None) -> int | None:
    """The yearly cost of one unit; a combined hire costs the dearer role."""
    if costs is None:
        return None
    table = costs["yearly_cost"]
    return max(table[role][unit.seniority] for role in unit.roles)


def hire_noun(roles: tuple[str, ...], count: int, book: Rulebook) -> str:
    if len(roles) > 1:
        name = book.rule("combined")["label"]
        return name if count == 1 else f"{name}s"
    one, several = ROLE_NOUNS[roles[0]]
    return one if count == 1 else several
