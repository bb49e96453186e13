"""TeamAdvisor's advice engine: pure Python, no Django.

Answers (spec section 6) go in through ``parse_answers``; ``advise`` turns them
into structure, role and risk advice using a versioned rulebook.
"""

from .answers import (
    Answers,
    AnswersInvalid,
    FieldError,
    Headcount,
    Organization,
    answer_warnings,
    parse_answers,
)
from .domain import (
    AI_FOCUSES,
    CURRENT_STRUCTURES,
    INDUSTRY_MAX_LENGTH,
    MAX_COUNT,
    NAME_MAX_LENGTH,
    PAIN_POINTS,
    ROLES,
    STAGES,
    STRUCTURES,
)
from .engine import Decision, advise, decide_structure
from .results import Advice, Rationale, RiskAdvice, RoleAdvice, StructureAdvice
from .rulebook import (
    CURRENT_VERSION,
    Rulebook,
    RulebookError,
    UnknownRulebook,
    available_versions,
    load_rulebook,
)

__all__ = [
    "AI_FOCUSES",
    "CURRENT_STRUCTURES",
    "CURRENT_VERSION",
    "INDUSTRY_MAX_LENGTH",
    "MAX_COUNT",
    "NAME_MAX_LENGTH",
    "PAIN_POINTS",
    "ROLES",
    "STAGES",
    "STRUCTURES",
    "Advice",
    "Answers",
    "AnswersInvalid",
    "Decision",
    "FieldError",
    "Headcount",
    "Organization",
    "Rationale",
    "RiskAdvice",
    "RoleAdvice",
    "Rulebook",
    "RulebookError",
    "StructureAdvice",
    "UnknownRulebook",
    "advise",
    "answer_warnings",
    "available_versions",
    "decide_structure",
    "load_rulebook",
    "parse_answers",
]
