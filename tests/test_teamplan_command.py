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


def test_json_output_has_exactly_the_section_7_shape():
    advice = json.loads(_run(str(EXAMPLES_DIR / "balanced-large-startup.json")))
    assert set(advice) == {
        "rulebook_version",
        "structure",
        "roles",
        "risks",
        "warnings",
    }
    assert set(advice["structure"]) == {"key", "alternative", "rationale"}
    assert set(advice["structure"]["rationale"][0]) == {"rule", "source", "text"}
    assert [role["key"] for role in advice["roles"]] == [
        "data_analyst",
        "data_engineer",
        "data_scientist",
        "research_scientist",
        "mlops_engineer",
        "software_developer",
    ]
    assert set(advice["roles"][0]) == {
        "key",
        "required",
        "recommended",
        "current",
        "gap",
        "priority",
        "skills",
        "tech",
    }
    assert set(advice["risks"][0]) == {"key", "level", "because", "mitigation"}


def test_reads_answers_from_standard_input():
    advice = json.loads(_run("-", stdin=json.dumps(answers_dict())))
    assert advice["structure"]["key"] == "decentralized"


def test_text_format_names_structure_and_roles():
    text = _run(str(EXAMPLES_DIR / "research-startup.json"), "--format", "text")
    assert "RECOMMENDED STRUCTURE: Centralized team" in text
    assert "MLOps engineer" in text
    assert "Quanta Vision".upper() in text


def test_text_format_labels_rules_and_part_time_cover():
    text = _run(str(EXAMPLES_DIR / "small-product-startup.json"), "--format", "text")
    assert "MLOps engineer: 0 -> 2, gap 2 (covered part-time; hire #2 later)" in text
    assert "because [K-RECRUIT-PAIN, house rule] You reported that" in text
    assert "- [W-PART-TIME, house rule] Covered part-time:" in text


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
