"""Rulebook loading and versioning, and checks that keep the data honest."""

import json
import re
import shutil
from pathlib import Path

import pytest

from assessments.advice.domain import AI_FOCUS_HELP, PAIN_POINT_HELP, STAGE_HELP
from assessments.advice.expressions import ExpressionError, evaluate, names
from assessments.advice.facts import facts, render
from assessments.advice.first_edition import (
    CURRENT_VERSION,
    VERSIONS,
    RulebookError,
    UnknownRulebook,
    advise,
    load_rulebook,
)
from assessments.advice.first_edition.rulebook import RULEBOOK_DIR

from ..factories import ARTICLE, make_answers

ROOT = Path(__file__).resolve().parents[3]


def test_load_rulebook_defaults_to_current_version():
    assert load_rulebook().version == CURRENT_VERSION


def test_load_rulebook_is_cached():
    assert load_rulebook() is load_rulebook(CURRENT_VERSION)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_shipped_rulebook_loads(version):
    assert load_rulebook(version).version == version


def test_load_rulebook_unknown_version_refused():
    with pytest.raises(UnknownRulebook, match="2099.1 is not a first-edition rulebook"):
        load_rulebook("2099.1")


@pytest.mark.parametrize(
    "version",
    [
        "../2026.1",
        "2026.1/../../etc/passwd",
        "/etc/passwd",
        "2026.1.json",
        "",
        "2026.1\n",
    ],
)
def test_load_rulebook_path_traversal_refused(version):
    with pytest.raises(UnknownRulebook, match="is not a rulebook version"):
        load_rulebook(version)


def copy_rulebook(folder: Path, version: str, change=None) -> None:
    data = json.loads((RULEBOOK_DIR / f"{CURRENT_VERSION}.json").read_text())
    data["version"] = version
    if change:
        change(data)
    (folder / f"{version}.json").write_text(json.dumps(data))


def test_old_version_stays_loadable_next_to_new_one(tmp_path):
    shutil.copy(RULEBOOK_DIR / f"{CURRENT_VERSION}.json", tmp_path)

    def centralize_small_product(data):
        data["decisions"][0]["structure"] = "centralized"
        data["decisions"][0]["alternative"] = "decentralized"

    copy_rulebook(tmp_path, "2099.1", centralize_small_product)
    answers = make_answers(stage="small_startup", ai_focus="product")
    old = advise(answers, load_rulebook(CURRENT_VERSION, tmp_path))
    new = advise(answers, load_rulebook("2099.1", tmp_path))
    assert (old.rulebook_version, old.structure.key) == (
        CURRENT_VERSION,
        "decentralized",
    )
    assert (new.rulebook_version, new.structure.key) == ("2099.1", "centralized")


def test_rulebook_with_wrong_version_field_refused(tmp_path):
    copy_rulebook(tmp_path, "2030.1")
    (tmp_path / "2030.1.json").rename(tmp_path / "2030.2.json")
    with pytest.raises(RulebookError, match="says it is version '2030.1'"):
        load_rulebook("2030.2", tmp_path)


def test_rulebook_missing_decision_row_refused(tmp_path):
    copy_rulebook(tmp_path, "2030.1", lambda data: data["decisions"].pop())
    with pytest.raises(RulebookError, match="one row per stage and focus"):
        load_rulebook("2030.1", tmp_path)


def test_rulebook_duplicate_rule_id_refused(tmp_path):
    def duplicate(data):
        data["sizing"][1]["id"] = data["sizing"][0]["id"]

    copy_rulebook(tmp_path, "2030.1", duplicate)
    with pytest.raises(RulebookError, match="unique"):
        load_rulebook("2030.1", tmp_path)


def test_rulebook_unknown_source_refused(tmp_path):
    def folklore(data):
        data["sizing"][0]["source"] = "folklore"

    copy_rulebook(tmp_path, "2030.1", folklore)
    with pytest.raises(RulebookError, match="unknown source"):
        load_rulebook("2030.1", tmp_path)


def test_rulebook_unknown_key_refused(tmp_path):
    copy_rulebook(tmp_path, "2030.1", lambda data: data["sizing"][0].update(x=1))
    with pytest.raises(RulebookError, match="unknown keys"):
        load_rulebook("2030.1", tmp_path)


def test_rulebook_ranked_flag_must_be_a_boolean(tmp_path):
    copy_rulebook(
        tmp_path, "2030.1", lambda data: data["part_time"].update(ranked="no")
    )
    with pytest.raises(RulebookError, match="ranked"):
        load_rulebook("2030.1", tmp_path)


RULES = load_rulebook().rules()


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_rule_expressions_and_texts_work_for_every_structure(rule):
    extra = {"value": 1, "rule": "S-X", "other_teams": 1, "roles": "data_engineer"}
    for structure in load_rulebook().structures:
        env = facts(
            make_answers(),
            structure=structure,
            other_structure="Hybrid",
            structure_label="Centralized",
            **extra,
        )
        rule.applies(env)
        if formula := getattr(rule, "formula", None):
            assert evaluate(formula, env) >= 0
        for template in (rule.text, getattr(rule, "otherwise", "")):
            assert "{" not in render(template, env)


def test_every_rule_documented_with_its_source():
    doc = (ROOT / "docs" / "advice-rules-first-edition.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^### (\S+) — (article|house)$", doc, re.M))
    assert documented == {rule.id: rule.source for rule in RULES}


def test_every_rule_cited_by_a_test_name_or_id():
    own = Path(__file__).name
    sources = [p for p in Path(__file__).parent.glob("test_*.py") if p.name != own]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    snake = text.lower().replace("_", "-")
    missing = [r.id for r in RULES if r.id not in text and r.id.lower() not in snake]
    assert missing == []


def six_word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + 6]) for i in range(len(words) - 5)}


def strings_in(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


@pytest.mark.parametrize("version", VERSIONS)
def test_rulebook_texts_are_not_copied_from_article(version):
    # Facts may be reused, sentences may not: no six-word run in common.
    article = six_word_runs(ARTICLE.read_text(encoding="utf-8"))
    data = json.loads((RULEBOOK_DIR / f"{version}.json").read_text(encoding="utf-8"))
    copied = [s for s in strings_in(data) if six_word_runs(s) & article]
    assert copied == []


def test_domain_help_texts_are_not_copied_from_article():
    article = six_word_runs(ARTICLE.read_text(encoding="utf-8"))
    helps = (STAGE_HELP, AI_FOCUS_HELP, PAIN_POINT_HELP)
    copied = [
        s for texts in helps for s in texts.values() if six_word_runs(s) & article
    ]
    assert copied == []


def test_expression_unknown_operator_refused():
    with pytest.raises(ExpressionError, match="unknown operator 'pow'"):
        evaluate({"pow": [2, 3]}, {})


def test_expression_unknown_fact_refused():
    with pytest.raises(ExpressionError, match="unknown fact 'teams'"):
        evaluate({"ceil_div": ["teams", 2]}, {})


def test_expression_names_skip_literal_choices():
    expr = {"all": [{"in": ["stage", ["enterprise"]]}, {"pain": "silos"}]}
    assert names(expr) == ("stage", "pain_points")


def test_advice_package_has_no_django_imports():
    package = ROOT / "assessments" / "advice"
    offenders = [
        p.name
        for p in package.rglob("*.py")
        if re.search(r"^\s*(from|import) django", p.read_text(), re.M)
    ]
    assert offenders == []
