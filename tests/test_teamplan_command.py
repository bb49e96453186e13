"""``manage.py teamplan``: the §7 JSON, text, PDF, and every refusal."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from tests.advice.factories import EXAMPLE_STRUCTURES
from tests.factories import EXAMPLES_DIR, answers_dict

ROOT = Path(__file__).resolve().parents[1]


def _run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            call_command("teamplan", *args, stdout=out)
        finally:
            sys.stdin = old
    else:
        call_command("teamplan", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(EXAMPLE_STRUCTURES))
def test_examples_get_their_listed_structure(name):
    advice = json.loads(_run(str(EXAMPLES_DIR / f"{name}.json")))
    assert (advice["structure"]["key"], advice["structure"]["alternative"]) == (
        EXAMPLE_STRUCTURES[name]
    )


def test_json_output_has_exactly_the_section_11_shape():
    advice = json.loads(_run(str(EXAMPLES_DIR / "balanced-large-startup.json")))
    assert list(advice) == [
        "rulebook_version",
        "structure",
        "roles",
        "hires",
        "roadmap",
        "risks",
        "transition",
        "sensitivity",
        "costs",
        "warnings",
    ]
    assert list(advice["structure"]) == [
        "key",
        "alternative",
        "recommended_by_teamadvisor",
        "override",
        "rationale",
    ]
    assert set(advice["structure"]["rationale"][0]) == {"rule", "source", "text"}
    assert [role["key"] for role in advice["roles"]] == [
        "data_analyst",
        "data_engineer",
        "data_scientist",
        "research_scientist",
        "mlops_engineer",
        "software_developer",
    ]
    assert list(advice["roles"][0]) == [
        "key",
        "required",
        "needed",
        "current",
        "gap",
        "status",
        "priority",
        "skills",
        "tech",
    ]
    assert list(advice["hires"][0]) == [
        "roles",
        "count",
        "priority",
        "tier",
        "seniority",
        "quarter",
    ]
    assert [q["quarter"] for q in advice["roadmap"]] == [1, 2, 3, 4, 5]
    assert list(advice["roadmap"][0]) == ["quarter", "actions", "hires", "added_cost"]
    assert list(advice["risks"][0]) == [
        "key",
        "level",
        "source",
        "because",
        "mitigation",
    ]
    assert list(advice["transition"]) == ["from", "to", "steps"]
    assert advice["costs"] is None


COSTS = {
    "currency": "EUR",
    "yearly_cost": {
        role: {"senior": 100_000 + i * 10_000, "mid": 80_000 + i * 10_000}
        for i, role in enumerate(
            [
                "data_analyst",
                "data_engineer",
                "data_scientist",
                "research_scientist",
                "mlops_engineer",
                "software_developer",
            ]
        )
    },
}


def test_override_recomputes_the_whole_plan_for_the_consultants_structure():
    path = str(EXAMPLES_DIR / "product-enterprise.json")
    reason = "Too few ML people to spread over eight teams."
    advice = json.loads(_run(path, "--override", "centralized", "--reason", reason))
    structure = advice["structure"]
    assert (structure["key"], structure["override"]) == ("centralized", "centralized")
    assert structure["recommended_by_teamadvisor"] == "hybrid"
    override = [r for r in structure["rationale"] if r["rule"] == "S-OVERRIDE"]
    assert override[0]["text"].endswith(reason)
    assert advice["transition"]["to"] == "centralized"
    # Centralized teams carry their own risks, not the hybrid's.
    keys = {risk["key"] for risk in advice["risks"]}
    assert "undefined_function" in keys and "responsibility_conflicts" not in keys


def test_override_with_teamadvisors_own_choice_is_refused(tmp_path):
    path = str(EXAMPLES_DIR / "product-enterprise.json")  # hybrid by the table
    out, pdf = io.StringIO(), tmp_path / "out.pdf"
    with pytest.raises(CommandError, match="TeamAdvisor's own choice"):
        call_command(
            "teamplan",
            path,
            "--override",
            "hybrid",
            "--reason",
            "x",
            "--pdf",
            str(pdf),
            stdout=out,
        )
    assert out.getvalue() == "" and not pdf.exists()


def test_override_without_reason_is_refused():
    path = str(EXAMPLES_DIR / "product-enterprise.json")
    with pytest.raises(CommandError, match="--reason"):
        call_command(
            "teamplan", path, "--override", "centralized", stdout=io.StringIO()
        )


def test_costs_price_each_quarter(tmp_path):
    costs = tmp_path / "costs.json"
    costs.write_text(json.dumps(COSTS))
    path = str(EXAMPLES_DIR / "research-startup.json")
    advice = json.loads(_run(path, "--costs", str(costs)))
    table = COSTS["yearly_cost"]
    for quarter in advice["roadmap"]:
        hires = [h for h in advice["hires"] if h["quarter"] == quarter["quarter"]]
        expected = sum(
            max(table[role][h["seniority"]] for role in h["roles"]) * h["count"]
            for h in hires
        )
        assert quarter["added_cost"] == expected
    quarters = advice["roadmap"]
    assert advice["costs"] == {
        "currency": "EUR",
        "total": sum(q["added_cost"] for q in quarters[:4]),
        "later": quarters[4]["added_cost"],
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda c: c.update(currency="euro"), "currency"),
        (lambda c: c["yearly_cost"].pop("data_analyst"), "yearly_cost.data_analyst"),
        (
            lambda c: c["yearly_cost"]["data_engineer"].update(mid=-1),
            "yearly_cost.data_engineer.mid",
        ),
        (
            lambda c: c["yearly_cost"]["mlops_engineer"].update(senior="lots"),
            "yearly_cost.mlops_engineer.senior",
        ),
        (lambda c: c.update(bonus=1), "bonus"),
    ],
)
def test_bad_cost_file_is_refused_naming_the_field(tmp_path, change, field):
    data = json.loads(json.dumps(COSTS))
    change(data)
    costs, pdf = tmp_path / "costs.json", tmp_path / "out.pdf"
    costs.write_text(json.dumps(data))
    out = io.StringIO()
    path = str(EXAMPLES_DIR / "research-startup.json")
    with pytest.raises(CommandError, match=field.replace(".", r"\.")):
        call_command(
            "teamplan", path, "--costs", str(costs), "--pdf", str(pdf), stdout=out
        )
    assert out.getvalue() == ""
    assert not pdf.exists()


def test_reads_answers_from_standard_input():
    advice = json.loads(_run("-", stdin=json.dumps(answers_dict())))
    assert advice["structure"]["key"] == "decentralized"


def test_text_format_names_structure_and_roles():
    text = _run(str(EXAMPLES_DIR / "research-startup.json"), "--format", "text")
    assert "RECOMMENDED STRUCTURE: Centralized team" in text
    assert "MLOps engineer" in text
    assert "Quanta Vision".upper() in text


def test_text_format_shows_part_time_cover_and_no_internal_keys():
    text = _run(str(EXAMPLES_DIR / "small-product-startup.json"), "--format", "text")
    assert (
        "- MLOps engineer: 0 -> 1. Covered part-time for now by full-stack data "
        "scientists; hire when that time runs out." in text
    )
    client_part = text.split("HOW WE REACHED THIS")[0]
    for key in ("small_startup", "ml_use_cases", "product_teams", "(s)"):
        assert key not in client_part
    assert "- [K-CONSISTENCY, house rule]" in text.split("HOW WE REACHED THIS")[1]


def test_text_format_strips_terminal_control_characters():
    data = answers_dict(organization={"name": "Evil\x1b[2J\u202eCorp"})
    text = _run("-", "--format", "text", stdin=json.dumps(data))
    assert "\x1b" not in text and "\u202e" not in text
    assert "EVIL[2JCORP" in text


def test_pdf_option_writes_a_readable_pdf(tmp_path):
    out = tmp_path / "plan.pdf"
    _run(str(EXAMPLES_DIR / "product-enterprise.json"), "--pdf", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Helvetia Mutual" in text
    assert "Hybrid" in text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"colour": "blue"}, "colour"),
        (
            {
                "organization": {
                    "name": "X",
                    "employees": 5,
                    "stage": "enterprise",
                    "x": 1,
                }
            },
            "organization.x",
        ),
        ({"ml_use_cases": "three"}, "ml_use_cases"),
        ({"ml_use_cases": True}, "ml_use_cases"),
        ({"ml_use_cases": 2.0}, "ml_use_cases"),
        ({"product_teams": -1}, "product_teams"),
        ({"product_teams": 1_000_001}, "product_teams"),
        ({"organization": {"employees": 0}}, "organization.employees"),
        ({"ai_focus": "profit"}, "ai_focus"),
        ({"current_structure": "matrix"}, "current_structure"),
        ({"pain_points": ["boredom"]}, "pain_points"),
        ({"dedicated_ml_budget": "yes"}, "dedicated_ml_budget"),
        ({"headcount": {"data_scientist": 500}}, "headcount"),
    ],
)
def test_invalid_answers_raise_command_error_naming_the_field(
    tmp_path, overrides, field
):
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(answers_dict(**overrides)))
    out, pdf = io.StringIO(), tmp_path / "out.pdf"
    with pytest.raises(CommandError, match=field.replace(".", r"\.")):
        call_command("teamplan", str(source), "--pdf", str(pdf), stdout=out)
    assert out.getvalue() == ""
    assert not pdf.exists()


def test_missing_required_field_is_named(tmp_path):
    data = answers_dict()
    del data["headcount"]
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="headcount"):
        call_command("teamplan", str(source), stdout=io.StringIO())


def test_malformed_json_is_refused_with_position(tmp_path):
    source = tmp_path / "answers.json"
    source.write_text('{"organization": ')
    with pytest.raises(CommandError, match="not valid JSON.*line 1"):
        call_command("teamplan", str(source), stdout=io.StringIO())


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("teamplan", str(tmp_path / "nope.json"), stdout=io.StringIO())


def test_command_line_exit_status_and_stderr(tmp_path):
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(answers_dict(ai_focus="profit")))
    result = subprocess.run(
        [sys.executable, "manage.py", "teamplan", str(source)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "ai_focus" in result.stderr
