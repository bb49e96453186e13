"""``advise``: answers in, team plan out (second edition, spec sections 3-11).

Pure and deterministic: the output depends only on the answers, the override,
the cost table and the rulebook version, so stored advice can always be
reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .answers import Answers
from .domain import (
    CURRENT_STRUCTURES,
    PAIN_POINTS,
    ROLE_NOUNS,
    STRUCTURE_WORDS,
    STRUCTURES,
    label,
)
from .facts import facts, reads, render
from .hiring import LATER, QUARTERS, Group, group_cost, hire_noun, schedule
from .results import (
    Advice,
    Concern,
    Costs,
    Hire,
    Quarter,
    Rationale,
    RiskAdvice,
    StructureAdvice,
    Transition,
)
from .risks import plan_risks
from .roles import RolePlan, apply_cover, combined_hire, plan_needs, role_advice
from .rulebook import Rulebook, load_rulebook
from .structure import Decision, decide_for, sensitivity


@dataclass(frozen=True)
class Override:
    """A consultant's structure and the reason the client reads."""

    structure: str
    reason: str

    def __post_init__(self) -> None:
        if self.structure not in dict(STRUCTURES):
            raise ValueError(f"unknown structure {self.structure!r}")
        if not self.reason.strip():
            raise ValueError("an override needs a reason")


def advise(
    answers: Answers,
    rulebook: Rulebook | None = None,
    *,
    override: Override | None = None,
    costs: Mapping[str, object] | None = None,
) -> Advice:
    """The team plan for ``answers``: for ``override``'s structure if given."""
    book = rulebook or load_rulebook()
    decision = decide_for(answers, book)
    structure = override.structure if override else decision.structure
    env = facts(answers, structure=structure)

    plans = plan_needs(env, book)
    apply_cover(plans, env, book)
    combined = combined_hire(plans, env, book)
    risks = plan_risks(structure, combined, env, book)
    high = {risk.key for risk in risks if risk.level == "high"}
    plan = schedule(plans, combined, high, env, book)
    ranks = plan.priorities

    hires = _hires(plan.groups, ranks, costs, book)
    ml_lead = _ml_lead_due(plan.groups, structure, env, book)
    return Advice(
        rulebook_version=book.version,
        structure=_structure(decision, structure, override, risks, env, book),
        roles=tuple(
            role_advice(plan, ranks.get(key), env, book) for key, plan in plans.items()
        ),
        hires=hires,
        roadmap=_roadmap(hires, ml_lead, costs, env, book),
        risks=risks,
        transition=_transition(
            answers.current_structure, structure, ml_lead, env, book
        ),
        sensitivity=sensitivity(answers, decision.structure, book),
        stable_text=book.rule("sensitivity")["stable"],
        costs=_costs(hires, costs),
        warnings=_warnings(env, book),
        plan_rules=_plan_rules(plans, high, plan.paces, ml_lead, costs, env, book),
        concerns=tuple(
            Concern(rule["pain"], label(PAIN_POINTS, rule["pain"]), rule["risk"])
            for rule in book.risk_rules
            if rule.get("pain") and rule.applies(env)
        ),
        ml_lead_due=ml_lead,
    )


def answer_warnings(
    answers: Answers, rulebook: Rulebook | None = None
) -> tuple[Rationale, ...]:
    """Accepted-but-odd answers (spec section 6), each with its rule."""
    return _warnings(facts(answers), rulebook or load_rulebook())


def _warnings(env: Mapping[str, object], book: Rulebook) -> tuple[Rationale, ...]:
    return tuple(Rationale.of(rule, env) for rule in book.warnings if rule.applies(env))


def _structure(
    decision: Decision,
    structure: str,
    override: Override | None,
    risks: tuple[RiskAdvice, ...],
    env: Mapping[str, object],
    book: Rulebook,
) -> StructureAdvice:
    row = decision.row
    why = render(decision.text, env)
    # A row is chosen by stage and focus; a row with a threshold reads the
    # teams too.
    names = ["stage", "ai_focus"]
    if row.get("squads_at_least") is not None:
        names.append("squads")
    rationale = [Rationale(row.id, decision.source, why, reads(names, env))]
    if decision.scale:
        why = render(decision.scale.text, env)
        rationale.append(Rationale.of(decision.scale, env))
    ours = STRUCTURE_WORDS[decision.structure]
    if override:
        rule = book.rule("override")
        words = {
            "structure_words": STRUCTURE_WORDS[structure],
            "recommended_words": ours,
            "reason": override.reason.strip(),
        }
        rationale.append(Rationale.of(rule, env, **words))
        # TeamAdvisor's own choice is named beside it, once.
        summary = (
            f"Your consultant recommends {STRUCTURE_WORDS[structure]}, and this "
            "plan is built for it."
        )
    else:
        summary = f"We recommend {ours}. {why}"
    consistency = book.rule("consistency")
    own = book.structure_text(structure)["risks"]
    for risk in risks:
        if risk.level == "high" and risk.key in own:
            words = {"risk": risk.label, "mitigation": risk.mitigation}
            rationale.append(Rationale.of(consistency, env, **words))
    text = book.structure_text(structure)
    return StructureAdvice(
        key=structure,
        label=label(STRUCTURES, structure),
        recommended_by_teamadvisor=decision.structure,
        recommended_label=label(STRUCTURES, decision.structure),
        alternative=decision.alternative,
        alternative_label=label(STRUCTURES, decision.alternative),
        override=override.structure if override else None,
        override_reason=override.reason.strip() if override else "",
        summary=summary,
        description=text["description"],
        strengths=tuple(text["strengths"]),
        rationale=tuple(rationale),
    )


def _hires(
    groups: tuple[Group, ...],
    ranks: Mapping[str, int],
    costs: Mapping[str, object] | None,
    book: Rulebook,
) -> tuple[Hire, ...]:
    """One entry per role group, tier, seniority and quarter, by quarter then order."""
    hires = []
    for group in groups:
        seniority_words = "senior" if group.seniority == "senior" else "mid-level"
        noun = hire_noun(group.roles, group.count, book)
        hires.append(
            Hire(
                roles=group.roles,
                people=f"{group.count} {seniority_words} {noun}",
                count=group.count,
                priority=ranks[group.roles[0]],
                tier=group.tier,
                seniority=group.seniority,
                quarter=group.quarter,
                cost=group_cost(group, costs),
            )
        )
    return tuple(hires)


def _ml_lead_due(
    groups: tuple[Group, ...],
    structure: str,
    env: Mapping[str, object],
    book: Rulebook,
) -> bool:
    rule = book.rule("roadmap", "ml_lead")
    if env["has_ml_lead"] is not False:
        return False  # they have one, or did not say
    ml_hires = sum(g.count for g in groups if g.is_ml and g.quarter in QUARTERS)
    return (
        env["ml_staff"] + ml_hires >= rule["team_at_least"]
        or structure in rule["structures"]
    )


def _roadmap(
    hires: tuple[Hire, ...],
    ml_lead: bool,
    costs: Mapping[str, object] | None,
    env: Mapping[str, object],
    book: Rulebook,
) -> tuple[Quarter, ...]:
    roadmap = book.raw["roadmap"]
    first_actions = []
    if ml_lead:
        first_actions.append(roadmap["ml_lead"]["text"])
    if env["ml_use_cases"] == 0:
        first_actions.append(roadmap["use_cases_first"]["text"])
    if env["regulated"]:
        first_actions += roadmap["governance"]["steps"]
    quarters = []
    for quarter in (*QUARTERS, LATER):
        these = [hire for hire in hires if hire.quarter == quarter]
        steps = tuple(first_actions) if quarter == 1 else ()
        quarters.append(
            Quarter(
                quarter=quarter,
                steps=steps,
                actions=steps + _hire_lines(these, book),
                hires=sum(hire.count for hire in these),
                added_cost=(
                    None if costs is None else sum(hire.cost for hire in these)
                ),
            )
        )
    return tuple(quarters)


def _hire_lines(hires: list[Hire], book: Rulebook) -> tuple[str, ...]:
    """One line per role in a quarter: "Hire 5 data engineers (1 senior, 4
    mid-level)." Covered units say so, as they wait for the cover to end."""
    groups: dict[tuple, list[Hire]] = {}
    for hire in hires:
        groups.setdefault((hire.roles, hire.tier == "later"), []).append(hire)
    rule = book.rule("roadmap", "hire")
    lines = []
    for (roles, covered), group in groups.items():
        count = sum(hire.count for hire in group)
        senior = sum(hire.count for hire in group if hire.seniority == "senior")
        noun = hire_noun(roles, count, book)
        if senior in (0, count):
            people = f"{count} {'senior' if senior else 'mid-level'} {noun}"
        else:
            people = f"{count} {noun} ({senior} senior, {count - senior} mid-level)"
        line = render(rule.text, {"people": people})
        if covered:
            line += " " + book.rule("hiring", "later")["action"]
        lines.append(line)
    return tuple(lines)


def _costs(hires: tuple[Hire, ...], costs: Mapping[str, object] | None) -> Costs | None:
    if costs is None:
        return None
    return Costs(
        currency=costs["currency"],
        total=sum(h.cost for h in hires if h.quarter in QUARTERS),
        later=sum(h.cost for h in hires if h.quarter == LATER),
    )


def _transition(
    current: str,
    structure: str,
    ml_lead: bool,
    env: Mapping[str, object],
    book: Rulebook,
) -> Transition:
    transition = book.raw["transition"]
    if current == "none":
        key = "none"
    elif current == structure:
        key = "same"
    else:
        key = "move"
    rules = [Rationale.of(book.rule("transition", key), env)]
    # A head of ML is already there or named first by the roadmap: build on them.
    lead = env["has_ml_lead"] is True or ml_lead
    steps = book.transition_steps(current, structure, lead=lead)
    if steps != book.transition_steps(current, structure, lead=False):
        rules.append(Rationale.of(book.rule("transition", "lead"), env))
    return Transition(
        current=current,
        current_label=label(CURRENT_STRUCTURES, current),
        structure=structure,
        rules=tuple(rules),
        lead=transition["same_lead"] if key == "same" else "",
        steps=steps,
    )


def _plan_rules(
    plans: Mapping[str, RolePlan],
    high: set[str],
    paces: Mapping[int, int],
    ml_lead: bool,
    costs: Mapping[str, object] | None,
    env: Mapping[str, object],
    book: Rulebook,
) -> tuple[Rationale, ...]:
    """The rules that shaped the hiring order and roadmap, for the trace."""
    rules = [Rationale.of(book.rule("hiring", "blocking"), env)]
    rules.append(Rationale.of(book.rule("hiring", "growing"), env))
    raised = book.rule("hiring", "raised")
    for item in raised["order"]:
        if found := [r for r in item["risks"] if r in high]:
            labels = ", ".join(book.risk_text(r)["label"] for r in found)
            role = ROLE_NOUNS[item["role"]][1]
            rules.append(Rationale.of(raised, env, risks=labels, role=role))
    if any(plan.covered for plan in plans.values()):
        rules.append(Rationale.of(book.rule("hiring", "later"), env))
    pace = book.rule("roadmap", "pace")
    team = env["ml_staff"]
    if paces:
        first = min(paces)
        rules.append(Rationale.of(pace, env, pace=paces[first], team=team))
    slow = book.rule("roadmap", "pace_hiring")
    if slow.applies(env):
        rules.append(Rationale.of(slow, env))
    rules.append(Rationale.of(book.rule("roadmap", "per_role"), env))
    rules.append(Rationale.of(book.rule("roadmap", "seniority"), env))
    if ml_lead:
        rules.append(Rationale.of(book.rule("roadmap", "ml_lead"), env))
    if env["ml_use_cases"] == 0:
        rules.append(Rationale.of(book.rule("roadmap", "use_cases_first"), env))
    if costs is not None:
        rules.append(Rationale.of(book.rule("roadmap", "costs"), env))
    return tuple(rules)
