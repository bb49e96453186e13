"""Twenty realistic organisations, read as an ML platform lead would read them.

Each answers file in ``organizations/`` is a client. For each one this module
states the structure the spec's decision table (second edition, section 3,
S-SCALE included) gives, and a few plan-level facts a consultant would check
before signing the plan. Every expected number is worked out by hand from the
spec; the comments show the sums so a reader can redo them.

Notation in the comments: U = use_cases = max(1, ml_use_cases);
squads = max(1, min(product_teams, ml_use_cases)); ml_staff = today's data/ML
headcount without software developers; S = data plus research scientists the
plan ends with (section 4, "scientists need engineers").
"""

import functools
import json
import re
from pathlib import Path

import pytest

from assessments.advice import advise, parse_answers

ORGANIZATIONS = Path(__file__).resolve().parent / "organizations"

DA, DE, DS, RS, MLOPS, DEV = (
    "data_analyst",
    "data_engineer",
    "data_scientist",
    "research_scientist",
    "mlops_engineer",
    "software_developer",
)
COMBINED = (DE, MLOPS)  # a small startup's combined ML engineer, in section 1 order


def answers_file(slug: str) -> dict:
    return json.loads((ORGANIZATIONS / f"{slug}.json").read_text())


@functools.cache
def _advice_json(slug: str) -> str:
    return json.dumps(advise(parse_answers(answers_file(slug))).to_dict())


def advice(slug: str) -> dict:
    """The spec section 11 output, rendered to JSON and read back."""
    return json.loads(_advice_json(slug))


def role(data: dict, key: str) -> dict:
    return next(r for r in data["roles"] if r["key"] == key)


def statuses(data: dict) -> dict[str, str]:
    return {r["key"]: r["status"] for r in data["roles"]}


def hires(data: dict) -> list[tuple]:
    """(roles, count, priority, tier, seniority, quarter) per hires entry."""
    return [
        (
            tuple(h["roles"]),
            h["count"],
            h["priority"],
            h["tier"],
            h["seniority"],
            h["quarter"],
        )
        for h in data["hires"]
    ]


def quarter(data: dict, number: int) -> dict:
    return next(q for q in data["roadmap"] if q["quarter"] == number)


def hires_per_quarter(data: dict) -> list[int]:
    return [q["hires"] for q in data["roadmap"]]


def risk_levels(data: dict) -> dict[str, str]:
    return {r["key"]: r["level"] for r in data["risks"]}


def risk(data: dict, key: str) -> dict:
    return next(r for r in data["risks"] if r["key"] == key)


def sensitivity(data: dict) -> list[tuple]:
    return [(n["field"], n["value"], n["structure"]) for n in data["sensitivity"]]


def names_head_of_ml(action: str) -> bool:
    return "head of ml" in action.lower()


def is_governance_step(action: str) -> bool:
    return "governance" in action.lower()


# --------------------------------------------------------------------------
# Section 3: the structure each organisation gets (and the table's alternative)
# --------------------------------------------------------------------------

STRUCTURES = {
    # S-SMALL-PRODUCT; squads = max(1, min(1, 2)) = 1.
    "seed-startup": ("decentralized", "centralized"),
    # S-LARGE-PRODUCT; squads = min(4, 5) = 4 < 8.
    "fintech-without-data-engineers": ("decentralized", "centralized"),
    # S-ENT-PRODUCT; squads = min(6, 12) = 6 >= 2.
    "siloed-bank": ("hybrid", "centralized_product"),
    # S-LARGE-RESEARCH.
    "llm-research-lab": ("centralized", "decentralized"),
    # S-ENT-PRODUCT with squads = min(1, 6) = 1 < 2: the single-team case.
    "retailer": ("centralized_product", "hybrid"),
    # S-SMALL-PRODUCT; squads = min(2, 3) = 2.
    "one-person-ml": ("decentralized", "centralized"),
    # S-LARGE-PRODUCT gives decentralized; squads = min(40, 60) = 40 >= 8: S-SCALE.
    "forty-squad-marketplace": ("hybrid", "decentralized"),
    # S-ENT-PRODUCT; squads = max(1, min(5, 0)) = 1 < 2.
    "zero-use-case-enterprise": ("centralized_product", "hybrid"),
    # S-ENT-BALANCED.
    "hospital-group": ("hybrid", "centralized_product"),
    # S-ENT-PRODUCT; squads = min(4, 8) = 4.
    "insurer": ("hybrid", "centralized_product"),
    # S-LARGE-PRODUCT; squads = min(5, 6) = 5 < 8.
    "logistics-scale-up": ("decentralized", "centralized"),
    # S-LARGE-PRODUCT; squads = min(3, 9) = 3.
    "media-too-many-requests": ("decentralized", "centralized"),
    # S-LARGE-BALANCED; squads = min(6, 4) = 4 >= 3.
    "gaming-research-not-shipping": ("hybrid", "centralized"),
    # S-ENT-PRODUCT; squads = min(8, 3) = 3.
    "public-sector-agency": ("hybrid", "centralized_product"),
    # S-LARGE-PRODUCT; squads = min(6, 4) = 4.
    "b2b-saas-slow-delivery": ("decentralized", "centralized"),
    # S-ENT-PRODUCT; squads = min(12, 10) = 10.
    "telecom-hiring-difficulty": ("hybrid", "centralized_product"),
    # S-SMALL-RESEARCH.
    "biotech-research-startup": ("centralized", "decentralized"),
    # S-ENT-BALANCED.
    "centralized-to-hybrid": ("hybrid", "centralized_product"),
    # S-ENT-PRODUCT; squads = min(9, 15) = 9.
    "hybrid-in-place": ("hybrid", "centralized_product"),
    # S-ENT-PRODUCT; squads = min(4, 6) = 4.
    "ecommerce-300-developers": ("hybrid", "centralized_product"),
}
SLUGS = sorted(STRUCTURES)

REGULATED = {
    "fintech-without-data-engineers",
    "siloed-bank",
    "hospital-group",
    "insurer",
    "public-sector-agency",
}

# Section 7, ML lead: has_ml_lead false (not absent) and either ml_staff plus
# the data/ML hires of quarters 1-4 (a combined hire once) is >= 4, or the
# structure is centralized, hybrid or centralized_product.
ML_LEAD_DUE = {
    "seed-startup": False,  # false, but 1 + 1 combined hire = 2 < 4, decentralized
    "fintech-without-data-engineers": False,  # has a lead
    "siloed-bank": True,  # false, hybrid
    "llm-research-lab": False,  # has a lead
    "retailer": True,  # false, centralized_product
    "one-person-ml": False,  # false, 1 + combined + 1 DS = 3 < 4, decentralized
    "forty-squad-marketplace": False,  # has a lead
    "zero-use-case-enterprise": True,  # false, centralized_product
    "hospital-group": True,  # false, hybrid
    "insurer": False,  # has a lead
    "logistics-scale-up": True,  # false, 7 + 5 hires = 12 >= 4 (decentralized)
    "media-too-many-requests": False,  # not known (absent), although 7 >= 4
    "gaming-research-not-shipping": False,  # has a lead
    "public-sector-agency": True,  # false, hybrid
    "b2b-saas-slow-delivery": False,  # has a lead
    "telecom-hiring-difficulty": False,  # has a lead
    "biotech-research-startup": False,  # has a lead
    "centralized-to-hybrid": False,  # has a lead
    "hybrid-in-place": False,  # has a lead
    "ecommerce-300-developers": True,  # false, hybrid
}

# The known challenges of each structure (section 2).
OWN_RISKS = {
    "centralized": {
        "siloing",
        "resource_management",
        "too_many_use_cases",
        "business_insight",
        "estimation",
        "undefined_function",
    },
    "decentralized": {"research_fit", "siloing", "recruitment"},
    "hybrid": {"responsibility_conflicts", "siloing"},
    "centralized_product": {"integration", "business_insight"},
}


def test_there_are_twenty_organisations():
    on_disk = sorted(p.stem for p in ORGANIZATIONS.glob("*.json"))
    assert on_disk == SLUGS
    assert len(SLUGS) == 20


@pytest.mark.parametrize("slug", SLUGS)
def test_structure_follows_the_decision_table(slug):
    structure = advice(slug)["structure"]
    expected, alternative = STRUCTURES[slug]
    assert structure["key"] == expected
    assert structure["recommended_by_teamadvisor"] == expected
    assert structure["alternative"] == alternative
    assert structure["override"] is None


@pytest.mark.parametrize("slug", SLUGS)
def test_answers_are_plausible(slug):
    """Stages fit the employee counts; only the zero-use-case file warns."""
    expected = 1 if slug == "zero-use-case-enterprise" else 0
    assert len(advice(slug)["warnings"]) == expected


@pytest.mark.parametrize("slug", SLUGS)
def test_regulated_organisations_get_governance_in_quarter_one(slug):
    data = advice(slug)
    assert answers_file(slug)["organization"]["regulated"] is (slug in REGULATED)
    if slug in REGULATED:  # sections 5 and 9
        assert risk_levels(data).get("governance") == "high"
        assert any(is_governance_step(a) for a in quarter(data, 1)["actions"])
    else:
        assert "governance" not in risk_levels(data)
        assert not any(is_governance_step(a) for a in quarter(data, 1)["actions"])


@pytest.mark.parametrize("slug", SLUGS)
def test_ml_lead_is_the_first_action_exactly_when_due(slug):
    actions = quarter(advice(slug), 1)["actions"]
    if ML_LEAD_DUE[slug]:
        assert actions and names_head_of_ml(actions[0])
    else:
        assert not any(names_head_of_ml(a) for a in actions)


@pytest.mark.parametrize("slug", SLUGS)
def test_high_risk_of_the_structure_is_answered_in_the_rationale(slug):
    """Section 5, consistency: the rationale carries the mitigation."""
    data = advice(slug)
    own = OWN_RISKS[data["structure"]["key"]]
    texts = [r["text"] for r in data["structure"]["rationale"]]
    for item in data["risks"]:
        if item["level"] == "high" and item["key"] in own:
            assert any(item["mitigation"] in text for text in texts), item["key"]


# --------------------------------------------------------------------------
# Plan-level facts, organisation by organisation
# --------------------------------------------------------------------------


def test_seed_startup():
    # 8 people, 1 full-stack data scientist, 2 developers who wire in ML.
    # U = 2, squads = 1, ml_staff = 1, S = 1.
    data = advice("seed-startup")
    # DS ceil(2/2) = 1 = today's; DEV ceil(2/4) = 1 <= 2; MLOps and DE need 1
    # each. A lone ML person covers nothing (ml_staff <= 1): no part_time.
    assert statuses(data) == {
        DA: "optional",
        DE: "hire",
        DS: "enough",
        RS: "optional",
        MLOPS: "hire",
        DEV: "enough",
    }
    # Both missing engineers block; a small startup hires them as one person,
    # senior (nobody today), in quarter 1 (pace max(2, ceil(1/4)) = 2).
    assert hires(data) == [(COMBINED, 1, 1, "blocking", "senior", 1)]
    # Risks: decentralized's own (research_fit dropped for product focus),
    # estimation medium without an ML budget; one squad, so no K-NO-MLOPS.
    assert risk_levels(data) == {
        "siloing": "medium",
        "recruitment": "medium",
        "estimation": "medium",
    }
    # Section 10: enterprise (1 squad -> centralized_product), research focus.
    assert sensitivity(data) == [
        ("organization.stage", "enterprise", "centralized_product"),
        ("ai_focus", "research", "centralized"),
    ]


def test_fintech_without_data_engineers():
    # U = 5, squads = 4, ml_staff = 1 + 0 + 4 + 0 + 1 = 6, S = 4.
    data = advice("fintech-without-data-engineers")
    # DE = max(ceil(5/4) = 2, ceil(4/2) = 2, ceil(4/6) = 1) = 2, nobody today.
    engineers = role(data, DE)
    assert [engineers[k] for k in ("needed", "current", "gap", "priority")] == [
        2,
        0,
        2,
        1,
    ]
    # Order: DE blocking; round 1: MLOps (needs max(2, 2, 1) = 2, has 1),
    # DE, DA (needs max(1, ceil(4/3)) = 2, has 1). Pace 2, then 2.
    assert hires(data) == [
        ((DE,), 1, 1, "blocking", "senior", 1),
        ((MLOPS,), 1, 2, "growing", "senior", 1),
        ((DE,), 1, 1, "growing", "mid", 2),
        ((DA,), 1, 3, "growing", "senior", 2),
    ]
    assert risk_levels(data) == {
        "governance": "high",
        "estimation": "high",
        "siloing": "medium",
        "recruitment": "medium",
    }
    # Has an ML lead: governance is the first thing to do.
    assert is_governance_step(quarter(data, 1)["actions"][0])


def test_siloed_bank():
    # U = 12, squads = 6, ml_staff = 6 + 4 + 14 + 0 + 2 = 26, S = 14.
    data = advice("siloed-bank")
    # silos -> siloing high; resource_conflicts in a hybrid ->
    # responsibility_conflicts high (not resource_management); regulated.
    assert risk_levels(data) == {
        "siloing": "high",
        "responsibility_conflicts": "high",
        "governance": "high",
    }
    # MLOps = max(ceil(12/4) = 3, max(2, ceil(6/3)) = 2, ceil(14/5) = 3) = 3,
    # has 2: one mid-level hire (gap 1 < 2 today). Everything else is enough.
    assert hires(data) == [((MLOPS,), 1, 1, "growing", "mid", 1)]
    assert role(data, DS)["status"] == "enough"
    assert role(data, DS)["current"] == 14
    # Quarter 1: head of ML (hybrid), governance, then the hire.
    actions = quarter(data, 1)["actions"]
    assert names_head_of_ml(actions[0])
    assert is_governance_step(actions[1])
    assert len(actions) == 3
    assert data["transition"]["from"] == "decentralized"
    assert data["transition"]["to"] == "hybrid"


def test_llm_research_lab():
    # U = 4, squads = 2, S = max(3, ceil(4/2)) + max(12, ceil(4/3)) = 15.
    data = advice("llm-research-lab")
    # Scientists need engineers: MLOps ceil(15/5) = 3, DE ceil(15/6) = 3.
    assert role(data, MLOPS)["needed"] == 3
    assert role(data, DE)["needed"] == 3
    # One of each, mid-level (gap 1 < 2 today); research order: DS, RS,
    # MLOps, DE, ... so MLOps first. Pace max(2, ceil(19/4)) = 5.
    assert hires(data) == [
        ((MLOPS,), 1, 1, "growing", "mid", 1),
        ((DE,), 1, 2, "growing", "mid", 1),
    ]
    # All six centralized challenges; estimation raised by the pain point.
    assert risk_levels(data) == {
        "estimation": "high",
        "siloing": "medium",
        "resource_management": "medium",
        "too_many_use_cases": "medium",
        "business_insight": "medium",
        "undefined_function": "medium",
    }
    assert role(data, RS)["status"] == "enough"


def test_retailer():
    # U = 6, squads = 1, ml_staff = 3 + 1 + 2 + 0 + 0 = 6, S = 3.
    data = advice("retailer")
    # A team that ships ML products: DEV = max(2, ceil(6/2)) = 3.
    assert role(data, DEV)["needed"] == 3
    # MLOps (needs ceil(6/4) = 2, nobody) blocks; round 1: DS, MLOps, DE, DEV.
    # Pace 2 (t=6), 2 (t=8), 3 (t=10).
    assert hires(data) == [
        ((MLOPS,), 1, 1, "blocking", "senior", 1),
        ((DS,), 1, 2, "growing", "mid", 1),
        ((MLOPS,), 1, 1, "growing", "mid", 2),
        ((DE,), 1, 3, "growing", "senior", 2),
        ((DEV,), 1, 4, "growing", "mid", 3),
    ]
    # One more product team would tip it to hybrid (section 10).
    assert ("product_teams", 2, "hybrid") in sensitivity(data)
    assert risk_levels(data) == {
        "integration": "medium",
        "business_insight": "medium",
        "estimation": "medium",
    }


def test_one_person_ml_staff():
    # One full-stack data scientist and nobody else. U = 3, squads = 2.
    data = advice("one-person-ml")
    # Never three roles on one person: nothing is part-time.
    assert "part_time" not in statuses(data).values()
    # Blocking: combined DE+MLOps, DEV; then DS (needs max(2, 2), has 1,
    # gap 1 >= 1 so senior). Q1 pace 2; Q2 t = 1 + 1 (combined once) = 2.
    assert hires(data) == [
        (COMBINED, 1, 1, "blocking", "senior", 1),
        ((DEV,), 1, 2, "blocking", "senior", 1),
        ((DS,), 1, 3, "growing", "senior", 2),
    ]
    first = data["hires"][0]
    assert first["quarter"] == 1
    assert first["seniority"] == "senior"
    # No MLOps engineer for 2 squads: recruitment is high.
    assert risk_levels(data)["recruitment"] == "high"


def test_forty_squad_marketplace():
    # U = 60, squads = 40, ml_staff = 8 + 10 + 30 + 0 + 5 = 53, S = 40.
    data = advice("forty-squad-marketplace")
    rules = [r["rule"] for r in data["structure"]["rationale"]]
    assert rules[:2] == ["S-LARGE-PRODUCT", "S-SCALE"]
    # MLOps is shared: the core term is max(2, ceil(40/3)) = 14, not 40; the
    # use-case term ceil(60/4) = 15 (every structure) is larger; S gives 8.
    assert role(data, MLOPS)["needed"] == 15
    # DS at least one per squad: 40; DE ceil(40/2) = 20; DA ceil(40/3) = 14.
    assert [role(data, k)["needed"] for k in (DS, DE, DA)] == [40, 20, 14]
    # 40 developers who integrate ML already exceed ceil(40/2) = 20.
    assert role(data, DEV)["status"] == "enough"
    # 36 hires in rounds DS, MLOps, DE, DA. Pace ceil(53/4) = 14,
    # ceil(67/4) = 17, ceil(84/4) = 21 for the 5 left; MLOps never more than
    # doubles (Q1: 4 <= 5).
    assert hires_per_quarter(data) == [14, 17, 5, 0, 0]


def test_zero_use_case_enterprise():
    # No use case: U = 1, squads = 1, ml_staff = 4 (analysts).
    data = advice("zero-use-case-enterprise")
    q1 = quarter(data, 1)
    assert q1["hires"] == 0
    assert not [h for h in data["hires"] if h["quarter"] == 1]
    # Quarter 1: the head of ML (centralized_product), then choosing use cases.
    assert len(q1["actions"]) == 2
    assert names_head_of_ml(q1["actions"][0])
    assert "use case" in q1["actions"][1].lower()
    # undefined_function is high, once, with both reasons (no use case, and
    # the reported unclear mandate).
    undefined = risk(data, "undefined_function")
    assert undefined["level"] == "high"
    assert len(undefined["because"]) == 2
    # Four blocking hires (DS, MLOps, DE, DEV), then the second developer
    # (DEV = max(2, ceil(1/2)) = 2). Pace 2 from quarter 2 (t = 4, 6, 7).
    assert hires(data) == [
        ((DS,), 1, 1, "blocking", "senior", 2),
        ((MLOPS,), 1, 2, "blocking", "senior", 2),
        ((DE,), 1, 3, "blocking", "senior", 3),
        ((DEV,), 1, 4, "blocking", "senior", 3),
        ((DEV,), 1, 4, "growing", "mid", 4),
    ]
    assert len(data["warnings"]) == 1


def test_hospital_group():
    # U = 5, squads = 3, ml_staff = 5 + 2 + 3 + 2 + 0 = 12, S = 3 + 2 = 5.
    data = advice("hospital-group")
    # The core needs max(2, ceil(3/3)) = 2 MLOps engineers; nobody today.
    mlops = role(data, MLOPS)
    assert (mlops["needed"], mlops["current"], mlops["status"]) == (2, 0, "hire")
    assert hires(data) == [
        ((MLOPS,), 1, 1, "blocking", "senior", 1),
        ((MLOPS,), 1, 1, "growing", "mid", 1),
    ]
    # Head of ML, governance, then the two hires on one line (M-HIRE).
    actions = quarter(data, 1)["actions"]
    assert names_head_of_ml(actions[0])
    assert is_governance_step(actions[1])
    assert actions[2:] == ["Hire 2 MLOps engineers (1 senior, 1 mid-level)."]
    assert risk_levels(data) == {
        "governance": "high",
        "recruitment": "high",
        "responsibility_conflicts": "medium",
        "siloing": "medium",
        "estimation": "medium",
    }


def test_insurer():
    # U = 8, squads = 4, ml_staff = 10 + 3 + 6 + 0 + 1 = 20, S = 6.
    data = advice("insurer")
    # No ML budget (medium) and hard estimates (high): one risk, high, both.
    estimation = risk(data, "estimation")
    assert estimation["level"] == "high"
    assert len(estimation["because"]) == 2
    # MLOps max(2, 2, ceil(6/5) = 2) = 2, has 1: one senior (gap 1 >= 1).
    assert hires(data) == [((MLOPS,), 1, 1, "growing", "senior", 1)]
    # Ten analysts against a need of max(1, ceil(4/3)) = 2: enough, no cut.
    analyst = role(data, DA)
    assert (analyst["status"], analyst["current"], analyst["gap"]) == (
        "enough",
        10,
        0,
    )
    assert is_governance_step(quarter(data, 1)["actions"][0])


def test_logistics_scale_up():
    # U = 6, squads = 5, ml_staff = 2 + 2 + 3 + 0 + 0 = 7, S = 5.
    data = advice("logistics-scale-up")
    # DS at least one per squad: 5; MLOps max(2, 2, 1) = 2; DE max(2, 3, 1) = 3.
    assert [role(data, k)["needed"] for k in (DS, MLOPS, DE)] == [5, 2, 3]
    # MLOps blocks; rounds DS, MLOps, DE, then DS. Pace 2 (t=7), 3 (t=9).
    assert hires(data) == [
        ((MLOPS,), 1, 1, "blocking", "senior", 1),
        ((DS,), 1, 2, "growing", "mid", 1),
        ((MLOPS,), 1, 1, "growing", "mid", 2),
        ((DE,), 1, 3, "growing", "mid", 2),
        ((DS,), 1, 2, "growing", "mid", 2),
    ]
    assert risk_levels(data) == {"recruitment": "high", "siloing": "medium"}


def test_media_company_with_too_many_requests():
    # U = 9, squads = 3, ml_staff = 2 + 1 + 3 + 0 + 1 = 7, S = 5.
    data = advice("media-too-many-requests")
    assert risk_levels(data)["too_many_use_cases"] == "high"
    # DS ceil(9/2) = 5 (has 3), MLOps 3 (has 1), DE 3 (has 1), DEV 3 (has 2).
    # too_many_use_cases raises DS to the front of each round.
    assert hires(data) == [
        ((DS,), 1, 1, "growing", "mid", 1),
        ((MLOPS,), 1, 2, "growing", "senior", 1),
        ((DE,), 1, 3, "growing", "senior", 2),
        ((DEV,), 1, 4, "growing", "mid", 2),
        ((DS,), 1, 1, "growing", "mid", 2),
        ((MLOPS,), 1, 2, "growing", "mid", 3),
        ((DE,), 1, 3, "growing", "mid", 3),
    ]
    assert data["transition"]["from"] == "centralized"
    assert data["transition"]["to"] == "decentralized"


def test_gaming_studio_whose_research_never_ships():
    # U = 4, squads = 4, ml_staff = 1 + 1 + 2 + 4 + 0 = 8, S = 4 + 4 = 8.
    data = advice("gaming-research-not-shipping")
    levels = risk_levels(data)
    assert levels["integration"] == "high"
    assert levels["recruitment"] == "high"  # no MLOps engineer, 4 squads
    # integration raises MLOps to the front of each round: both MLOps units
    # (max(2, ceil(4/3), ceil(8/5)) = 2) come before the data scientists.
    assert hires(data) == [
        ((MLOPS,), 1, 1, "blocking", "senior", 1),
        ((MLOPS,), 1, 1, "growing", "mid", 1),
        ((DS,), 1, 2, "growing", "senior", 2),
        ((DE,), 1, 3, "growing", "senior", 2),
        ((DA,), 1, 4, "growing", "senior", 2),
        ((DS,), 1, 2, "growing", "mid", 3),
    ]
    # Four researchers against a need of 1: enough, never cut.
    assert (role(data, RS)["status"], role(data, RS)["current"]) == ("enough", 4)


def test_public_sector_agency():
    # U = 3, squads = 3, ml_staff = 6 + 1 + 1 + 0 + 0 = 8, S = 3.
    data = advice("public-sector-agency")
    assert risk_levels(data) == {
        "governance": "high",
        "undefined_function": "high",
        "recruitment": "high",
        "responsibility_conflicts": "medium",
        "siloing": "medium",
        "estimation": "medium",
    }
    # MLOps and DEV block; rounds DS, MLOps, DE, DEV, then DS.
    # Pace 2 (t=8), 3 (t=9: the developer does not count), 3 (t=12).
    assert hires(data) == [
        ((MLOPS,), 1, 1, "blocking", "senior", 1),
        ((DEV,), 1, 2, "blocking", "senior", 1),
        ((DS,), 1, 3, "growing", "senior", 2),
        ((MLOPS,), 1, 1, "growing", "mid", 2),
        ((DE,), 1, 4, "growing", "senior", 2),
        ((DEV,), 1, 2, "growing", "mid", 3),
        ((DS,), 1, 3, "growing", "mid", 3),
    ]
    actions = quarter(data, 1)["actions"]
    assert names_head_of_ml(actions[0])
    assert is_governance_step(actions[1])


def test_b2b_saas_with_slow_delivery():
    # U = 4, squads = 4, ml_staff = 1 + 1 + 3 + 0 + 1 = 6, S = 4.
    data = advice("b2b-saas-slow-delivery")
    delivery = risk(data, "delivery")
    assert (delivery["level"], delivery["source"]) == ("high", "house")
    # delivery raises MLOps ahead of the data scientist in round 1.
    assert role(data, MLOPS)["priority"] == 1
    assert role(data, DS)["priority"] == 2
    assert hires(data) == [
        ((MLOPS,), 1, 1, "growing", "senior", 1),
        ((DS,), 1, 2, "growing", "mid", 1),
        ((DE,), 1, 3, "growing", "senior", 2),
        ((DA,), 1, 4, "growing", "senior", 2),
    ]


def test_telecom_with_hiring_difficulty():
    # U = 10, squads = 10, ml_staff = 4 + 3 + 6 + 0 + 1 = 14, S = 10.
    data = advice("telecom-hiring-difficulty")
    # MLOps = max(ceil(10/4) = 3, max(2, ceil(10/3) = 4), ceil(10/5) = 2) = 4.
    assert role(data, MLOPS)["needed"] == 4
    # Half pace: max(1, ceil(t/8)) = 2 (t=14), 2 (16), 3 (18), 3 (21) instead
    # of ceil(14/4) = 4 in quarter 1. Nine hires, all within the year.
    assert hires_per_quarter(data) == [2, 2, 3, 2, 0]
    assert risk_levels(data) == {
        "recruitment": "high",
        "responsibility_conflicts": "medium",
        "siloing": "medium",
    }
    assert data["transition"]["from"] == "centralized_product"
    assert data["transition"]["to"] == "hybrid"


def test_biotech_research_startup():
    # U = 3, S = max(2, 2) + max(4, 1) = 6, ml_staff = 6, one full-stack DS.
    data = advice("biotech-research-startup")
    # MLOps needs ceil(6/5) = 2; the full-stack data scientist covers its
    # last unit. DE ceil(6/6) = 1. The first DE and MLOps units are one
    # combined senior hire; the covered MLOps unit is "later", mid-level.
    assert hires(data) == [
        (COMBINED, 1, 1, "blocking", "senior", 1),
        ((MLOPS,), 1, 1, "later", "mid", 5),
    ]
    assert (role(data, MLOPS)["gap"], role(data, MLOPS)["status"]) == (2, "hire")
    assert quarter(data, 5)["hires"] == 1
    # Centralized without an ML budget: estimation is high.
    assert risk(data, "estimation")["level"] == "high"


def test_company_moving_from_centralized_to_hybrid():
    # U = 7, squads = 5, S = 6 + 2 = 8, ml_staff = 1 + 3 + 6 + 2 + 2 = 14.
    data = advice("centralized-to-hybrid")
    transition = data["transition"]
    assert (transition["from"], transition["to"]) == ("centralized", "hybrid")
    assert 3 <= len(transition["steps"]) <= 4
    # Section 8: the central team becomes the core; a community of practice.
    steps = " ".join(transition["steps"]).lower()
    assert "core" in steps
    assert "community of practice" in steps
    # business_insight_gap raises the analyst (needs ceil(5/3) = 2, has 1)
    # ahead of the developer (needs ceil(5/2) = 3, has 2).
    assert risk_levels(data)["business_insight"] == "high"
    assert hires(data) == [
        ((DA,), 1, 1, "growing", "senior", 1),
        ((DEV,), 1, 2, "growing", "mid", 1),
    ]


def test_hybrid_already_in_place():
    # U = 15, squads = 9, S = 10.
    data = advice("hybrid-in-place")
    transition = data["transition"]
    assert (transition["from"], transition["to"]) == ("hybrid", "hybrid")
    assert 3 <= len(transition["steps"]) <= 4
    # resource_conflicts in a hybrid shows up as responsibility_conflicts.
    assert risk_levels(data) == {
        "responsibility_conflicts": "high",
        "siloing": "medium",
    }
    # MLOps max(ceil(15/4) = 4, max(2, 3), 2) = 4, has 3: one mid-level hire.
    assert hires(data) == [((MLOPS,), 1, 1, "growing", "mid", 1)]


def test_ecommerce_with_300_developers():
    # 300 software developers, of whom 8 build or integrate ML features:
    # headcount counts the 8 (section 6). U = 6, squads = 4.
    data = advice("ecommerce-300-developers")
    developers = role(data, DEV)
    assert developers["status"] == "enough"
    assert developers["current"] == 8
    assert developers["gap"] == 0
    assert developers["priority"] is None
    # Needed is max(ceil(6/4), ceil(4/2)) = 2: no text may show it as a target.
    text = " ".join(client_texts(data))
    assert not re.search(r"\b2 (?:[\w-]+ )?software developers?\b", text)
    assert hires(data) == [((MLOPS,), 1, 1, "growing", "senior", 1)]


# --------------------------------------------------------------------------
# Section 12 over all twenty: client text in the client's words
# --------------------------------------------------------------------------

INTERNAL_KEYS = (
    "small_startup",
    "large_startup",
    "centralized_product",
    "ml_use_cases",
    "product_teams",
    "full_stack",
    "pain_points",
)
# Nouns that client text counts; (singular, plural).
COUNTED = (
    ("team", "teams"),
    ("product team", "product teams"),
    ("squad", "squads"),
    ("use case", "use cases"),
    ("ML use case", "ML use cases"),
    ("data analyst", "data analysts"),
    ("data engineer", "data engineers"),
    ("data scientist", "data scientists"),
    ("research scientist", "research scientists"),
    ("MLOps engineer", "MLOps engineers"),
    ("software developer", "software developers"),
    ("ML engineer", "ML engineers"),
    ("engineer", "engineers"),
    ("scientist", "scientists"),
    ("hire", "hires"),
    ("person", "people"),
    ("ML person", "ML people"),
)
ROLE_NOUNS = {
    DA: "data analyst",
    DE: "data engineer",
    DS: "data scientist",
    RS: "research scientist",
    MLOPS: "MLOps engineer",
    DEV: "software developer",
}
SENIORITY = r"(?:senior |mid-level )?"


def client_texts(data: dict):
    """Every text field of the section 11 output that the client reads."""
    yield from (r["text"] for r in data["structure"]["rationale"])
    for q in data["roadmap"]:
        yield from q["actions"]
    for item in data["risks"]:
        yield from item["because"]
        yield item["mitigation"]
    yield from data["transition"]["steps"]
    yield from (n["change"] for n in data["sensitivity"])
    yield from data["warnings"]


@pytest.mark.parametrize("slug", SLUGS)
def test_no_internal_key_in_client_text(slug):
    for text in client_texts(advice(slug)):
        for key in INTERNAL_KEYS:
            assert key not in text, text
        assert not re.search(r"[A-Za-z0-9]_[A-Za-z0-9]", text), text


@pytest.mark.parametrize("slug", SLUGS)
def test_plurals_agree(slug):
    for text in client_texts(advice(slug)):
        assert "(s)" not in text, text
        for singular, plural in COUNTED:
            assert not re.search(rf"\b1 {SENIORITY}{plural}\b", text), text
            many = rf"\b(?:0|[2-9]|\d{{2,}}) {SENIORITY}{singular}\b(?!s)"
            if singular != plural.removesuffix("s"):  # person / people
                many = rf"\b(?:0|[2-9]|\d{{2,}}) {SENIORITY}{singular}\b"
            assert not re.search(many, text), text


@pytest.mark.parametrize("slug", SLUGS)
def test_enough_never_reads_as_a_lower_target(slug):
    """Section 4: a role with more people than it needs shows no lower number."""
    data = advice(slug)
    text = " ".join(client_texts(data))
    for item in data["roles"]:
        if item["status"] == "enough" and item["needed"] < item["current"]:
            noun = ROLE_NOUNS[item["key"]]
            target = rf"\b{item['needed']} (?:[\w-]+ )?{noun}s?\b"
            assert not re.search(target, text), (item["key"], text)
