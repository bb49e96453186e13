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

Counts go up to a million, so units are never listed one by one. Each unit
has a place in the order (a number, its ``key``), computed from its role and
its index among the role's units; a quarter takes the units whose key lies
below a cut, found by bisection, so a plan costs the same for 3 hires as for
300,000.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .domain import ROLE_NOUNS, ROLES, keys
from .results import LATER
from .roles import RolePlan
from .rulebook import Rulebook

QUARTERS = (1, 2, 3, 4)
# Places 0-3 belong to the blocking tier; growing rounds follow, one slot per
# role; covered units come after every uncovered one.
_ROUNDS_START = 4
_SLOTS = len(ROLES)
_COVERED = 10**9


@dataclass(frozen=True)
class Group:
    """Units of one role (or the combined pair) that share tier, seniority and
    quarter: one entry of the plan's ``hires``."""

    roles: tuple[str, ...]
    tier: str
    seniority: str
    quarter: int
    count: int
    key: int  # place of its first unit in the hiring order

    @property
    def is_ml(self) -> bool:
        """Counts toward the ML team's size (software developers do not)."""
        return self.roles != ("software_developer",)


@dataclass(frozen=True)
class Schedule:
    groups: tuple[Group, ...]  # by quarter, then hiring order
    priorities: Mapping[str, int]
    paces: Mapping[int, int]  # each scheduled quarter's pace, for the trace


class _Order:
    """Where each unit of each role sits in the hiring order."""

    def __init__(self, plans, combined, high_risks, env, book) -> None:
        self.plans = plans
        blocking = book.rule("hiring", "blocking")["roles"]
        self.blocking = [
            r for r in blocking if plans[r].current == 0 and plans[r].uncovered
        ]
        self.slot = {r: i for i, r in enumerate(_round_order(env, high_risks, book))}
        self.combined = combined
        # The combined hire takes the earlier of its roles' first places; the
        # later one is gone, and both roles' own units start at index 1.
        self.combined_key = min((self.key(r, 0) for r in combined), default=None)

    def key(self, role: str, index: int) -> int:
        """The place of the ``index``-th uncovered unit of ``role``."""
        if role in self.blocking:
            if index == 0:
                return self.blocking.index(role)
            index -= 1
        return _ROUNDS_START + index * _SLOTS + self.slot[role]

    def tier(self, role: str, index: int) -> str:
        return "blocking" if index == 0 and role in self.blocking else "growing"

    def first(self, role: str) -> int:
        """Index of the role's first unit that is not part of the combined hire."""
        return 1 if role in self.combined else 0


def _round_order(env, high_risks: set[str], book: Rulebook) -> list[str]:
    """Roles raised by a high risk first, then the core order (section 4)."""
    raised_rule = book.rule("hiring", "raised")["order"]
    raised = [i["role"] for i in raised_rule if high_risks & set(i["risks"])]
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


def pace(team: int, env: Mapping[str, object], book: Rulebook) -> int:
    """How many hires a quarter that starts with ``team`` ML people takes."""
    rule = book.rule("roadmap", "pace")
    slow = book.rule("roadmap", "pace_hiring")
    if slow.applies(env):
        rule = slow
    return max(rule["minimum"], -(-team // rule["divisor"]))


def schedule(
    plans: Mapping[str, RolePlan],
    combined: tuple[str, ...],
    high_risks: set[str],
    env: Mapping[str, object],
    book: Rulebook,
) -> Schedule:
    """Every unit of gap with its tier, seniority and quarter, as groups."""
    order = _Order(plans, combined, high_risks, env, book)
    per_role = book.rule("roadmap", "per_role")["minimum"]
    every = book.rule("roadmap", "seniority")["every"]
    roles = keys(ROLES)
    next_index = {r: order.first(r) for r in roles}
    size = {r: plans[r].current for r in roles}
    team = env["ml_staff"]
    combined_quarter = LATER
    placed: list[tuple[str, int, int, int]] = []  # role, from, to, quarter
    paces = {}
    # With no use case yet, quarter 1 is for choosing them, not for hiring.
    for quarter in QUARTERS[1 if env["ml_use_cases"] == 0 else 0 :]:
        paces[quarter] = limit = pace(team, env, book)
        waiting = bool(combined) and combined_quarter == LATER
        # A unit that would more than double its role waits: each role offers
        # at most its quota, the combined hire using one of each of its roles.
        offered = {
            r: min(
                max(per_role, size[r]) - (waiting and r in combined),
                plans[r].uncovered - next_index[r],
            )
            for r in roles
        }

        def taken(cut: int, role: str, offered=offered) -> int:
            """How many of ``role``'s offered units sit before ``cut``."""
            start = next_index[role]
            places = _Places(order, role, start, start + offered[role])
            return bisect_left(places, cut)

        def count(cut: int, waiting=waiting) -> int:
            return (waiting and order.combined_key < cut) + sum(
                taken(cut, r) for r in roles
            )

        top = _COVERED  # beyond every uncovered unit
        cut = top if count(top) <= limit else _smallest_cut(count, limit, top)
        take = {r: taken(cut, r) for r in roles}
        if waiting and order.combined_key < cut:
            combined_quarter = quarter
            for role in combined:
                size[role] += 1
            team += 1
        for role in roles:
            if take[role]:
                start = next_index[role]
                placed.append((role, start, start + take[role], quarter))
                next_index[role] += take[role]
                size[role] += take[role]
                team += take[role] if role != "software_developer" else 0
    for role in roles:
        if next_index[role] < plans[role].uncovered:
            placed.append((role, next_index[role], plans[role].uncovered, LATER))

    groups = []
    if combined:
        senior = any(_senior(plans[r], 0, every) for r in combined)
        tier = order.tier(min(combined, key=lambda r: order.key(r, 0)), 0)
        groups.append(
            Group(
                combined,
                tier,
                "senior" if senior else "mid",
                combined_quarter,
                1,
                order.combined_key,
            )
        )
    for role, start, end, quarter in placed:
        groups += _split(role, start, end, quarter, order, plans[role], every)
    for rank, role in enumerate(book.rule("cover")["order"]):
        plan = plans[role]
        if plan.covered:
            start = plan.uncovered
            groups += _split(
                role,
                start,
                start + plan.covered,
                LATER,
                order,
                plan,
                every,
                covered_key=_COVERED + rank * _COVERED,
            )
    return Schedule(_merged(groups), _priorities(groups), paces)


def _merged(groups: list[Group]) -> tuple[Group, ...]:
    """One group per role, tier, seniority and quarter, by quarter then order
    (a role's first unit and its later ones may share all four)."""
    merged: dict[tuple, Group] = {}
    for g in groups:
        same = (g.roles, g.tier, g.seniority, g.quarter)
        if same in merged:
            old = merged[same]
            g = replace(old, count=old.count + g.count, key=min(old.key, g.key))
        merged[same] = g
    return tuple(sorted(merged.values(), key=lambda g: (g.quarter, g.key)))


class _Places:
    """The places of a role's units ``start`` to ``end``, as a sorted sequence
    that ``bisect`` can search without listing them."""

    def __init__(self, order: _Order, role: str, start: int, end: int) -> None:
        self.order, self.role, self.start, self.end = order, role, start, end

    def __len__(self) -> int:
        return max(0, self.end - self.start)

    def __getitem__(self, i: int) -> int:
        return self.order.key(self.role, self.start + i)


def _smallest_cut(count, limit: int, top: int) -> int:
    """The smallest place ``cut`` with ``count(cut)`` = ``limit``: places are
    distinct, so ``count`` climbs one at a time."""
    low, high = 0, top
    while low < high:
        middle = (low + high) // 2
        if count(middle) >= limit:
            high = middle
        else:
            low = middle + 1
    return low


def _senior(plan: RolePlan, index: int, every: int) -> bool:
    """A new or doubling role's first unit sets the practice; after it every
    fourth unit leads the ones who follow."""
    if index == 0:
        return plan.current == 0 or plan.gap >= plan.current
    return index % every == 0


def _split(
    role: str,
    start: int,
    end: int,
    quarter: int,
    order: _Order,
    plan: RolePlan,
    every: int,
    covered_key: int | None = None,
) -> list[Group]:
    """Units ``start`` to ``end`` of ``role`` in one quarter, as groups by tier
    and seniority. Covered units have index ``uncovered`` onwards."""
    groups = []
    # The blocking unit (index 0) is a tier of its own.
    parts = [(start, min(end, 1)), (max(start, 1), end)] if start == 0 else []
    for low, high in parts or [(start, end)]:
        if low >= high:
            continue
        tier = "later" if covered_key is not None else order.tier(role, low)
        seniors = sum(_senior(plan, i, every) for i in (low,) if i == 0)
        first_regular = max(low, 1)
        if high > first_regular:
            seniors += (high - 1) // every - (first_regular - 1) // every
        for seniority, count in (("senior", seniors), ("mid", high - low - seniors)):
            if count:
                first = next(
                    i
                    for i in range(low, high)
                    if _senior(plan, i, every) == (seniority == "senior")
                )
                if covered_key is not None:
                    place = covered_key + first
                else:
                    place = order.key(role, first)
                groups.append(Group((role,), tier, seniority, quarter, count, place))
    return groups


def _priorities(groups: list[Group]) -> dict[str, int]:
    """Dense rank of each role's first unit; a combined pair shares one."""
    ranks: dict[str, int] = {}
    rank = 0
    for group in sorted(groups, key=lambda g: g.key):
        new = [role for role in group.roles if role not in ranks]
        if new:
            rank += 1
            ranks.update(dict.fromkeys(new, rank))
    return ranks


def group_cost(group: Group, costs: Mapping[str, object] | None) -> int | None:
    """The yearly cost of a group; a combined hire costs the dearer role."""
    if costs is None:
        return None
    table = costs["yearly_cost"]
    return max(table[role][group.seniority] for role in group.roles) * group.count


def hire_noun(roles: tuple[str, ...], count: int, book: Rulebook) -> str:
    if len(roles) > 1:
        # The combined hire is always one person.
        return book.rule("combined")["label"]
    one, several = ROLE_NOUNS[roles[0]]
    return one if count == 1 else several
