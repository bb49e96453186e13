"""TeamAdvisor's advice engine: pure Python, no Django.

Answers (spec section 6) go in through ``parse_answers``; ``advise`` turns them
into a team plan under the current rulebook (second edition). Assessments
advised under a first-edition rulebook render with ``first_edition``;
``advice_under`` picks the edition from the stored version.
"""

from . import first_edition
from .answers import (
    Answers,
    AnswersInvalid,
    FieldError,
    Headcount,
    Organization,
    parse_answers,
)
from .costs import CostsInvalid, parse_costs
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
from .engine import Override, advise, answer_warnings
from .results import (
    Advice,
    Hire,
    Neighbour,
    Quarter,
    Rationale,
    RiskAdvice,
    RoleAdvice,
    StructureAdvice,
)
from .rulebook import (
    CURRENT_VERSION,
    Rulebook,
    RulebookError,
    UnknownRulebook,
    available_versions,
    is_first_edition,
    load_rulebook,
)
from .structure import Decision, decide_for


def advice_under(
    version: str,
    answers: Answers,
    *,
    override: Override | None = None,
    costs=None,
):
    """The advice of a stored assessment under its own rulebook ``version``.

    The first edition knew neither overrides nor costs: its report shows the
    consultant's structure beside TeamAdvisor's plan instead.
    """
    if is_first_edition(version):
        return first_edition.advise(answers, first_edition.load_rulebook(version))
    return advise(answers, load_rulebook(version), override=override, costs=costs)


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
    "CostsInvalid",
    "Decision",
    "FieldError",
    "Headcount",
    "Hire",
    "Neighbour",
    "Organization",
    "Override",
    "Quarter",
    "Rationale",
    "RiskAdvice",
    "RoleAdvice",
    "Rulebook",
    "RulebookError",
    "StructureAdvice",
    "UnknownRulebook",
    "advice_under",
    "advise",
    "answer_warnings",
    "available_versions",
    "decide_for",
    "first_edition",
    "is_first_edition",
    "load_rulebook",
    "parse_answers",
    "parse_costs",
]
