"""Risks (spec section 5): the structure's own, and those the answers raise.

A risk raised more than once is listed once, with all its reasons, at the
highest level raised.
"""

from __future__ import annotations

from collections.abc import Mapping

from .results import Rationale, RiskAdvice
from .rulebook import Rulebook

LEVELS = ("medium", "high")


def plan_risks(
    structure: str,
    combined: tuple[str, ...],
    env: Mapping[str, object],
    book: Rulebook,
) -> tuple[RiskAdvice, ...]:
    """Every risk of the plan, high ones first, then in the rulebook's order."""
    raised: dict[str, tuple[str, list[Rationale]]] = {}

    def raise_(key: str, level: str, reason: Rationale) -> None:
        old, reasons = raised.get(key, ("medium", []))
        raised[key] = (max(old, level, key=LEVELS.index), [*reasons, reason])

    own = book.structure_text(structure)["risks"]
    structure_rule = book.rule("structure_risks")
    fit = book.rule("research_fit")
    for key in own:
        if key != "research_fit":
            raise_(key, "medium", Rationale.of(structure_rule, env))
        elif env["ai_focus"] == "research":
            raise_(key, "high", Rationale.of(fit, env, fit["high_text"]))
        elif env["ai_focus"] == "balanced":
            raise_(key, "medium", Rationale.of(fit, env))
        # With a product focus, research cannot be squeezed out: no risk.
    for rule in book.risk_rules:
        if rule.applies(env):
            text = rule.get("combined_text") if combined else None
            raise_(rule["risk"], rule["level"], Rationale.of(rule, env, text))
    order = list(book.raw["risks"])
    keys = sorted(raised, key=lambda k: (raised[k][0] != "high", order.index(k)))
    return tuple(_advice(key, *raised[key], book) for key in keys)


def _advice(
    key: str,
    level: str,
    because: list[Rationale],
    book: Rulebook,
) -> RiskAdvice:
    text = book.risk_text(key)
    # A challenge the article names for some structure is the article's risk;
    # the two new ones (delivery, governance) are ours.
    article = any(
        key in book.structure_text(s)["risks"] for s in book.raw["structures"]
    )
    # Spec section 5: a risk raised twice appears once "with all its reasons",
    # the structure's own among them.
    return RiskAdvice(
        key=key,
        label=text["label"],
        level=level,
        source="article" if article else "house",
        because=tuple(because),
        mitigation=text["mitigation"],
    )
