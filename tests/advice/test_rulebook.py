"""Rulebook loading, versions and editions, and checks that keep the data and
its documentation honest (second edition, rulebook 2026.3)."""

import copy
import json
import re
from pathlib import Path

import pytest

from assessments.advice import (
    CURRENT_VERSION,
    Rulebook,
    RulebookError,
    UnknownRulebook,
    advice_under,
    advise,
    available_versions,
    first_edition,
    is_first_edition,
    load_rulebook,
)
from assessments.advice.domain import (
    AI_FOCUSES,
    CURRENT_STRUCTURES,
    PAIN_POINTS,
    ROLES,
    STAGES,
    STRUCTURES,
    keys,
)
from assessments.advice.expressions import evaluate
from assessments.advice.facts import facts, render
from assessments.advice.rulebook import RULEBOOK_DIR

from .factories import ARTICLE, make_answers

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rulebook().rules()


def test_load_rulebook_defaults_to_current_version():
    assert CURRENT_VERSION == "2026.3"
    assert load_rulebook().version == CURRENT_VERSION
    assert load_rulebook() is load_rulebook(CURRENT_VERSION)


def test_available_versions_oldest_first():
    assert available_versions() == ("2026.1", "2026.2", "2026.3")


@pytest.mark.parametrize(
    ("version", "first"), [("2026.1", True), ("2026.2", True), ("2026.3", False)]
)
def test_every_shipped_version_loads_with_its_edition(version, first):
    assert is_first_edition(version) is first
    if first:
        assert first_edition.load_rulebook(version).version == version
        with pytest.raises(UnknownRulebook, match="is a first-edition rulebook"):
            load_rulebook(version)
    else:
        assert load_rulebook(version).version == version
        with pytest.raises(
            first_edition.UnknownRulebook, match="is not a first-edition rulebook"
        ):
            first_edition.load_rulebook(version)


@pytest.mark.parametrize("version", ["2026.1", "2026.2", "2026.3"])
def test_advice_under_uses_the_stored_versions_edition(version):
    advice = advice_under(version, make_answers())
    assert advice.rulebook_version == version
    assert isinstance(advice, first_edition.Advice) is is_first_edition(version)


def test_load_rulebook_unknown_version_refused():
    with pytest.raises(UnknownRulebook, match="no rulebook '2099.1'"):
        load_rulebook("2099.1")


@pytest.mark.parametrize(
    "version",
    [
        "../2026.3",
        "2026.3/../../etc/passwd",
        "/etc/passwd",
        "2026.3.json",
        "",
        "2026.3\n",
        "..",
        2026.3,
        "2026.3a",
    ],
)
def test_load_rulebook_path_traversal_refused(version):
    with pytest.raises(UnknownRulebook, match="is not a rulebook version"):
        load_rulebook(version)


def write_copy(folder: Path, version: str, change=None) -> None:
    data = json.loads((RULEBOOK_DIR / f"{CURRENT_VERSION}.json").read_text())
    data["version"] = version
    if change:
        change(data)
    (folder / f"{version}.json").write_text(json.dumps(data))


def test_new_version_loads_next_to_the_current_one(tmp_path):
    def centralize_small_product(data):
        data["decisions"][0]["structure"] = "centralized"

    write_copy(tmp_path, "2099.1", centralize_small_product)
    answers = make_answers(stage="small_startup", ai_focus="product")
    new = load_rulebook("2099.1", tmp_path)
    assert new.version == "2099.1"
    assert advise(answers, new).structure.key == "centralized"
    assert advise(answers).structure.key == "decentralized"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["decisions"].pop(), "one row per stage and focus"),
        (lambda d: d["needs"][1].update(id=d["needs"][0]["id"]), "unique"),
        (lambda d: d["needs"][0].update(source="folklore"), "unknown source"),
        (lambda d: d["risk_rules"][0].update(risk="boredom"), "unknown risks"),
        (lambda d: d["needs"][0].update(role="intern"), "unknown role"),
        (lambda d: d["structures"].pop("hybrid"), "structures must match"),
        (
            lambda d: d["transition"]["steps"]["none"].update(hybrid=["One.", "Two."]),
            "transition none to hybrid: 3-4 steps",
        ),
        (lambda d: d.pop("roles"), "malformed"),
    ],
    ids=[
        "missing-row",
        "duplicate-id",
        "unknown-source",
        "unknown-risk",
        "unknown-role",
        "missing-structure",
        "two-steps",
        "missing-key",
    ],
)
def test_malformed_rulebook_refused(tmp_path, change, message):
    write_copy(tmp_path, "2030.1", change)
    with pytest.raises(RulebookError, match=message):
        load_rulebook("2030.1", tmp_path)


def test_rulebook_with_wrong_version_field_refused(tmp_path):
    write_copy(tmp_path, "2030.1")
    (tmp_path / "2030.1.json").rename(tmp_path / "2030.2.json")
    with pytest.raises(RulebookError, match="says it is version '2030.1'"):
        load_rulebook("2030.2", tmp_path)


def test_every_rule_has_a_unique_id_and_a_source():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids)) >= 77
    assert {rule.source for rule in RULES} == {"article", "house"}


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_rule_expressions_and_texts_work_for_every_structure(rule):
    extra = {
        "value": 1,
        "covered": 1,
        "uncovered": 1,
        "gap": 1,
        "current": 1,
        "risk": "Risk",
        "mitigation": "Do it.",
        "risks": "siloing",
        "pace": 2,
        "team": 3,
        "people": "1 senior data scientist",
        "role": "data scientists",
        "structure_words": "one team",
        "recommended_words": "another",
        "reason": "Because.",
        "science_staff": 4,
    }
    for structure in keys(STRUCTURES):
        env = facts(make_answers(), structure=structure, **extra)
        rule.applies(env)
        if formula := rule.get("formula"):
            assert evaluate(formula, env) >= 0
        for template in strings_in(rule.data or {}):
            assert "{" not in render(template, env)
        assert "{" not in render(rule.text, env)


def strings_in(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def six_word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + 6]) for i in range(len(words) - 5)}


@pytest.mark.parametrize("version", ["2026.1", "2026.2", "2026.3"])
def test_rulebook_texts_are_not_copied_from_article(version):
    # Facts may be reused, sentences may not: no six-word run in common.
    article = six_word_runs(ARTICLE.read_text(encoding="utf-8"))
    data = json.loads((RULEBOOK_DIR / f"{version}.json").read_text(encoding="utf-8"))
    copied = [s for s in strings_in(data) if six_word_runs(s) & article]
    assert copied == []


INTERNAL = {
    key
    for choices in (
        STAGES,
        AI_FOCUSES,
        CURRENT_STRUCTURES,
        STRUCTURES,
        ROLES,
        PAIN_POINTS,
    )
    for key in keys(choices)
    if "_" in key
} | {
    "ml_use_cases",
    "product_teams",
    "use_cases",
    "ml_staff",
    "science_staff",
    "dedicated_ml_budget",
    "full_stack_data_scientists",
    "has_ml_lead",
    "business_insight_gap",
}


def test_rulebook_client_texts_have_no_internal_keys():
    # Client text is any sentence; keys, ids and conditions hold no spaces.
    # Placeholders such as {use_cases|use case} are filled before anyone reads.
    data = load_rulebook().raw
    offenders = []
    for text in strings_in(dict(data)):
        if " " not in text:
            continue
        words = set(re.findall(r"[a-z]+(?:_[a-z]+)+", re.sub(r"\{[^}]*\}", "", text)))
        if words & INTERNAL:
            offenders.append(text)
    assert offenders == []
    assert "small_startup" in INTERNAL and "centralized_product" in INTERNAL


def test_advice_package_has_no_django_imports():
    package = ROOT / "assessments" / "advice"
    files = list(package.rglob("*.py"))
    assert len(files) > 10
    assert any(p.parent.name == "first_edition" for p in files)
    offenders = [
        str(p.relative_to(package))
        for p in files
        if re.search(r"^\s*(from|import) django", p.read_text(), re.M)
    ]
    assert offenders == []


# Documentation -------------------------------------------------------------

DOC = ROOT / "docs" / "advice-rules.md"


def test_every_rule_documented_with_its_source():
    doc = DOC.read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### (\S+) — (article|house)$", doc, re.M))
    assert documented == {rule.id: rule.source for rule in RULES}


def test_every_rule_cited_by_a_test_name_or_id():
    here = Path(__file__).parent
    sources = [p for p in here.glob("test_*.py") if p.name != Path(__file__).name]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    snake = text.lower().replace("_", "-")
    missing = [r.id for r in RULES if r.id not in text and r.id.lower() not in snake]
    assert missing == []


def test_documented_tests_exist():
    doc = DOC.read_text(encoding="utf-8")
    cited = re.findall(r"`(test_\w+\.py)::(test_\w+)`", doc)
    assert len(cited) >= len(RULES)
    here = Path(__file__).parent
    missing = [
        f"{name}::{test}"
        for name, test in set(cited)
        if not re.search(rf"^def {test}\(", (here / name).read_text(), re.M)
    ]
    assert missing == []


def test_rulebook_object_is_plain_data():
    book = load_rulebook()
    clone = Rulebook(version=book.version, raw=copy.deepcopy(dict(book.raw)))
    assert [r.id for r in clone.rules()] == [r.id for r in RULES]
