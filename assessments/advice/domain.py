"""The advice vocabulary: every choice key and its label, in specification order.

This module is the single source of truth. The Django models build their
``TextChoices`` from these tuples and the rulebook refers to the same keys, so a
key renamed here fails loudly everywhere instead of drifting.
"""

Choices = tuple[tuple[str, str], ...]

STAGES: Choices = (
    ("small_startup", "Small startup"),
    ("large_startup", "Large startup"),
    ("enterprise", "Enterprise"),
)

AI_FOCUSES: Choices = (
    ("product", "Put AI into products"),
    ("research", "Research and new AI methods"),
    ("balanced", "Both products and research"),
)

CURRENT_STRUCTURES: Choices = (
    ("none", "No ML team yet"),
    ("centralized", "Centralized team"),
    ("decentralized", "Decentralized squads"),
    ("hybrid", "Hybrid: core team plus squads"),
    ("centralized_product", "Central ML product team"),
)

STRUCTURES: Choices = (
    ("centralized", "Centralized team"),
    ("decentralized", "Decentralized squads"),
    ("hybrid", "Hybrid: core team plus squads"),
    ("centralized_product", "Central ML product team"),
)

# How a sentence names each structure ("We recommend one central ML team.").
STRUCTURE_WORDS: dict[str, str] = {
    "centralized": "one central ML team",
    "decentralized": "ML people embedded in your product teams",
    "hybrid": "a central ML core plus ML people embedded in your product teams",
    "centralized_product": "a central ML team that builds and ships ML products itself",
}

ROLES: Choices = (
    ("data_analyst", "Data analyst"),
    ("data_engineer", "Data engineer"),
    ("data_scientist", "Data scientist"),
    ("research_scientist", "Research / applied scientist"),
    ("mlops_engineer", "MLOps engineer"),
    ("software_developer", "Software developer"),
)

# The data/ML roles: software developers integrate, they are not the ML team
# whose size sets the pace, the lone-person rule and the ML-lead test (§4).
ML_ROLES = tuple(key for key, _ in ROLES if key != "software_developer")

# How client text names people in a role: (one, several).
ROLE_NOUNS: dict[str, tuple[str, str]] = {
    "data_analyst": ("data analyst", "data analysts"),
    "data_engineer": ("data engineer", "data engineers"),
    "data_scientist": ("data scientist", "data scientists"),
    "research_scientist": ("research scientist", "research scientists"),
    "mlops_engineer": ("MLOps engineer", "MLOps engineers"),
    "software_developer": ("software developer", "software developers"),
}

PAIN_POINTS: Choices = (
    ("silos", "ML work happens in silos"),
    ("resource_conflicts", "Teams fight over the same people"),
    ("too_many_requests", "More ML requests than we can handle"),
    ("business_insight_gap", "ML people lack business insight"),
    ("estimation_difficulty", "ML projects are hard to estimate"),
    ("unclear_mandate", "Nobody knows what the ML team is for"),
    ("slow_delivery", "Models take too long to ship"),
    ("hiring_difficulty", "ML roles are hard to fill"),
    ("research_not_shipping", "Research never reaches the product"),
)

# Hard ceiling for every count: large enough for any real company, small enough
# to keep arithmetic and form widgets sane.
MAX_COUNT = 1_000_000
NAME_MAX_LENGTH = 200
INDUSTRY_MAX_LENGTH = 100

STAGE_HELP: dict[str, str] = {
    "small_startup": "A young company with a small team where people wear many hats.",
    "large_startup": "A growing company with several product teams and some "
    "specialists.",
    "enterprise": "An established organization with many departments and "
    "business units.",
}

# How a sentence names each stage ("if you counted as an enterprise").
STAGE_WORDS: dict[str, str] = {
    "small_startup": "a small startup",
    "large_startup": "a large startup",
    "enterprise": "an enterprise",
}

# How a sentence names each focus ("if your AI focus were ...").
AI_FOCUS_WORDS: dict[str, str] = {
    "product": "putting AI into products",
    "research": "research and new AI methods",
    "balanced": "both products and research",
}

AI_FOCUS_HELP: dict[str, str] = {
    "product": "You mainly want ML features shipped to customers soon.",
    "research": "You mainly want to explore new methods; payoff may take years.",
    "balanced": "You want both: features shipped now and research for later.",
}

PAIN_POINT_HELP: dict[str, str] = {
    "silos": "ML people and other teams rarely know what the other is doing.",
    "resource_conflicts": "Several teams compete for the same engineers or "
    "data scientists.",
    "too_many_requests": "Requests for ML work pile up faster than they get done.",
    "business_insight_gap": "Models are technically sound but miss what the "
    "business needs.",
    "estimation_difficulty": "Nobody can say how long an ML project will take or "
    "what it will cost.",
    "unclear_mandate": "It is unclear whether the ML team should research, build "
    "products, or both.",
    "slow_delivery": "Models work in notebooks but take months to go live.",
    "hiring_difficulty": "Open ML positions stay unfilled for a long time.",
    "research_not_shipping": "Promising research results never make it into a product.",
}


def keys(choices: Choices) -> tuple[str, ...]:
    """The keys of a choices tuple, in order."""
    return tuple(key for key, _ in choices)


def label(choices: Choices, key: str) -> str:
    """The label for ``key``; raises ``KeyError`` for an unknown key."""
    return dict(choices)[key]
