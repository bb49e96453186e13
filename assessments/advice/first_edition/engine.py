"""``advise``: answers in, advice out (spec sections 3 to 5).

Pure and deterministic: the output depends only on the answers and the
rulebook version, so stored advice can always be reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..answers import Answers
from ..domain import MAX_COUNT, STRUCTURES, label
from ..facts import facts, render
from .results import Advice, Finding, Rationale, RiskAdvice, StructureAdvice
from .roles import part_time_warning, plan_roles
from .rulebook import DecisionRow, Rulebook, load_rulebook


@dataclass(frozen=True)
class Decision:
    row: DecisionRow
    structure: str
    alternative: str
    text: str


def decide_structure(
    stage: str, ai_focus: str, product_teams: int, rulebook: Rulebook | None = None
) -> Decision:
    """The decision-table row for stage and focus, with its threshold applied."""
    row = (rulebook or load_rulebook()).decision(stage, ai_focus)
    above = row.threshold
    if above and product_teams >= above.product_teams_at_least:
        return Decision(row, above.structure, above.alternative, above.text)
    return Decision(row, row.structure, row.alternative, row.text)


def _rationale(decision: Decision, env: Mapping[str, object]) -> Rationale:
    row = decision.row
    # A row is selected by stage and focus; threshold rows also read the teams.
    read = ("stage", "ai_focus") + (("product_teams",) if row.threshold else ())
    return Rationale.of(row, decision.text, env, names=read)


def _structure(
    decision: Decision, env: Mapping[str, object], book: Rulebook
) -> StructureAdvice:
    text = book.structures[decision.structure]
    alternative = label(STRUCTURES, decision.alternative)
    summary = render(decision.text, env) + f" The runner-up is: {alternative}."
    return StructureAdvice(
        key=decision.structure,
        label=label(STRUCTURES, decision.structure),
        alternative=decision.alternative,
        alternative_label=alternative,
        summary=summary,
        description=text.description,
        strengths=text.strengths,
        rationale=(_rationale(decision, env),),
    )


def _threshold_warnings(
    answers: Answers, decision: Decision, env: Mapping[str, object], book: Rulebook
) -> tuple[Finding, ...]:
    """Warn when one product team more or fewer would change the structure."""
    warnings = []
    for other in (answers.product_teams - 1, answers.product_teams + 1):
        if not 0 <= other <= MAX_COUNT:
            continue
        org = answers.organization
        flipped = decide_structure(org.stage, answers.ai_focus, other, book)
        if flipped.structure != decision.structure:
            extra = {
                "rule": decision.row.id,
                "other_teams": other,
                "other_structure": label(STRUCTURES, flipped.structure),
                "structure_label": label(STRUCTURES, decision.structure),
            }
            warnings.append(Finding.of(book.threshold_warning, env, **extra))
    return tuple(warnings)


def _risks(
    structure: str, env: Mapping[str, object], book: Rulebook
) -> tuple[RiskAdvice, ...]:
    """The structure's known challenges in table order; high when triggered."""
    risks = []
    for key in book.structures[structure].risks:
        risk = book.risks[key]
        fired = [t for t in risk.triggers if t.applies(env)]
        risks.append(
            RiskAdvice(
                key=key,
                label=risk.label,
                level="high" if fired else "medium",
                because=tuple(Finding.of(t, env) for t in fired),
                mitigation=risk.mitigation,
            )
        )
    return tuple(risks)


def answer_warnings(
    answers: Answers, rulebook: Rulebook | None = None
) -> tuple[Finding, ...]:
    """Accepted-but-odd answers (spec section 6), each with its rule."""
    return warnings_from_facts(facts(answers), rulebook or load_rulebook())


def warnings_from_facts(
    env: Mapping[str, object], rulebook: Rulebook
) -> tuple[Finding, ...]:
    """``answer_warnings`` for facts already derived (``advise`` has them)."""
    return tuple(
        Finding.of(rule, env) for rule in rulebook.answer_warnings if rule.applies(env)
    )


def advise(answers: Answers, rulebook: Rulebook | None = None) -> Advice:
    """The full advice for ``answers`` under ``rulebook`` (default: current)."""
    book = rulebook or load_rulebook()
    org = answers.organization
    decision = decide_structure(
        org.stage, answers.ai_focus, answers.product_teams, book
    )
    env = facts(answers, structure=decision.structure)
    roles = plan_roles(env, book)
    warnings = (
        warnings_from_facts(env, book)
        + _threshold_warnings(answers, decision, env, book)
        + part_time_warning(roles, env, book)
    )
    return Advice(
        rulebook_version=book.version,
        structure=_structure(decision, env, book),
        roles=roles,
        risks=_risks(decision.structure, env, book),
        warnings=warnings,
    )
