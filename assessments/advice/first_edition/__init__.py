"""The first edition of the advice (rulebooks 2026.1 and 2026.2), frozen.

Assessments advised under these rulebooks keep rendering with them; new
assessments use the second edition in the parent package.
"""

from .engine import Decision, advise, answer_warnings, decide_structure
from .results import Advice, Finding, Rationale, RiskAdvice, RoleAdvice
from .rulebook import (
    CURRENT_VERSION,
    RULEBOOK_DIR,
    VERSIONS,
    Rulebook,
    RulebookError,
    UnknownRulebook,
    load_rulebook,
)

__all__ = [
    "CURRENT_VERSION",
    "RULEBOOK_DIR",
    "VERSIONS",
    "Advice",
    "Decision",
    "Finding",
    "Rationale",
    "RiskAdvice",
    "RoleAdvice",
    "Rulebook",
    "RulebookError",
    "UnknownRulebook",
    "advise",
    "answer_warnings",
    "decide_structure",
    "load_rulebook",
]
