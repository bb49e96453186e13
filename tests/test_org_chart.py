"""The org chart of the team after the plan (issue 10): where each role's
people sit, today's people told apart from the hires, a drawing that stays
readable from 1 squad to a million, and the same picture on the web, in the
PDF and in words."""

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string

from assessments.advice import advise, parse_answers
from assessments.org_chart import PAD, WIDTH, build_org_chart, text_width
from assessments.pdf import render_report_pdf
from assessments.report import build_report
from assessments.selectors import assessment_report
from tests.factories import EXAMPLES_DIR, answers_dict, example, submitted_assessment
from tests.pdf_helpers import pdf_text

ORGANIZATIONS = Path(__file__).resolve().parent / "advice" / "organizations"
FILES = sorted(EXAMPLES_DIR.glob("*.json")) + sorted(ORGANIZATIONS.glob("*.json"))
SVG = "{http://www.w3.org/2000/svg}"


def _chart(data: dict):
    answers = parse_answers(data)
    advice = advise(answers)
    return advice, build_org_chart(advice, answers)


def _boxes(chart) -> dict[str, dict[str, tuple[int, int]]]:
    """Box title -> role label -> (today, to hire)."""
    return {
        box.title: {seat.label: (seat.today, seat.new) for seat in box.seats}
        for box in chart.boxes
    }


def test_hybrid_core_holds_the_platform_roles_and_the_squads_the_rest():
    _, chart = _chart(example("balanced-large-startup"))
    boxes = _boxes(chart)
    assert set(boxes["Core ML team"]) == {
        "Data engineer",
        "MLOps engineer",
        "Research / applied scientist",
    }
    assert set(boxes["4 product squads"]) == {
        "Data analyst",
        "Data scientist",
        "Software developer",
    }
    assert boxes["Core ML team"]["MLOps engineer"] == (1, 2)


def test_centralized_team_holds_everyone_and_product_teams_bring_use_cases():
    _, chart = _chart(example("research-startup"))
    titles = [box.title for box in chart.boxes]
    assert titles == ["Head of ML", "Central ML team", "Your 1 product team"]
    assert chart.boxes[-1].seats == ()


def test_decentralized_squads_share_their_mlops_engineers():
    _, chart = _chart(example("small-product-startup"))
    boxes = _boxes(chart)
    assert boxes["Shared by the squads"] == {"MLOps engineer": (0, 1)}
    assert "MLOps engineer" not in boxes["2 product squads"]
    squad = next(box for box in chart.boxes if box.title == "2 product squads")
    spread = {seat.label: seat.spread for seat in squad.seats}
    assert spread["Data scientist"] == "1 in every squad"
    assert spread["Software developer"] == "4 in every squad"
    assert spread["Data engineer"] == "in 1 of the 2 squads"


def test_one_squad_holds_everyone_with_no_shared_box():
    data = json.loads((ORGANIZATIONS / "seed-startup.json").read_text())
    advice, chart = _chart(data)
    assert advice.structure.key == "decentralized"
    assert [box.title for box in chart.boxes] == ["1 product squad"]
    assert all(seat.spread == "" for seat in chart.boxes[0].seats)


def test_combined_hire_is_drawn_as_one_person():
    data = json.loads((ORGANIZATIONS / "one-person-ml.json").read_text())
    advice, chart = _chart(data)
    combined = [h for h in advice.hires if len(h.roles) > 1]
    assert combined, "the fixture must have a combined hire"
    people = {s.label: (s.today, s.new) for b in chart.boxes for s in b.seats}
    assert people["ML engineer (pipelines + deployment)"] == (0, 1)
    # Its two roles' own rows do not count that person again.
    for key in combined[0].roles:
        role = next(r for r in advice.roles if r.key == key)
        label_row = people.get(role.label, (role.current, 0))
        assert label_row == (role.current, role.gap - 1)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_every_person_of_the_plan_is_drawn_once(path):
    advice, chart = _chart(json.loads(path.read_text()))
    drawn_today = sum(s.today for b in chart.boxes for s in b.seats)
    drawn_new = sum(s.new for b in chart.boxes for s in b.seats)
    assert drawn_today == sum(role.current for role in advice.roles)
    # Hires, a combined hire counting once: the roadmap's people.
    assert drawn_new == sum(hire.count for hire in advice.hires)
    for box in chart.boxes:
        for seat in box.seats:
            assert len(seat.dots) in (0, seat.today + seat.new)
            assert sum(dot.new for dot in seat.dots) in (0, seat.new)


@pytest.mark.parametrize(
    ("has_ml_lead", "expected"),
    [(True, "in place today"), (False, "name or hire in quarter 1"), (None, None)],
)
def test_head_of_ml_when_there_is_one_or_the_plan_names_one(has_ml_lead, expected):
    data = example("balanced-large-startup")
    data["has_ml_lead"] = has_ml_lead
    advice, chart = _chart(data)
    lead = [box for box in chart.boxes if box.title == "Head of ML"]
    if expected is None:
        assert lead == []
        return
    assert advice.ml_lead_due is (has_ml_lead is False)
    assert lead[0].note == expected
    assert lead[0].planned is (has_ml_lead is False)


def _sizes():
    for squads in (*range(1, 46), 1_000, 1_000_000):
        for stage, focus in (("large_startup", "product"), ("enterprise", "balanced")):
            yield answers_dict(
                organization={"stage": stage, "employees": 5_000},
                ai_focus=focus,
                product_teams=squads,
                ml_use_cases=squads,
            )
    big = example("product-enterprise")
    big["organization"]["employees"] = 1_000_000
    big["headcount"] = dict.fromkeys(big["headcount"], 166_666)
    big["full_stack_data_scientists"] = 0
    yield big


def _overlaps(a, b) -> bool:
    return a.left < b.right and b.left < a.right


def test_drawing_never_overlaps_from_one_squad_to_a_million():
    heights = {}
    for data in _sizes():
        _, chart = _chart(data)
        below = 0
        for box in chart.boxes:
            assert box.y >= below, "boxes overlap"
            below = box.y + box.height
            texts = [*box.texts, *(t for s in box.seats for t in s.texts)]
            for text in texts:
                assert text.left >= PAD and text.right <= WIDTH - PAD, text
                assert box.y < text.y - text.size < text.y < below, text
            for a in texts:
                for b in texts:
                    same_line = abs(a.y - b.y) < a.size
                    assert a is b or not (same_line and _overlaps(a, b)), (a, b)
            for tile in box.tiles:
                assert tile.x >= PAD and tile.x + 14 <= WIDTH - PAD
                assert box.y < tile.y < below
            for seat in box.seats:
                for dot in seat.dots:
                    assert box.y < dot.y < below
        assert chart.height == below
        heights[data["organization"]["stage"], data["product_teams"]] = chart.height
    # Past 40 squads the drawing stops growing: the tiles are summarised.
    for stage in ("large_startup", "enterprise"):
        assert heights[stage, 45] == heights[stage, 1_000]


def test_svg_is_accessible_and_tells_hires_apart_not_by_colour_alone():
    report = build_report(parse_answers(example("balanced-large-startup")))
    markup = render_to_string("assessments/_org_chart.svg", {"org": report.org_chart})
    # Our own template's output, not untrusted input: the stdlib parser is safe.
    svg = ElementTree.fromstring(  # noqa: S314
        markup[markup.index("<svg") : markup.index("</svg>") + 6]
    )
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Your team after the plan: Hybrid: core team plus squads"
    assert "MLOps engineer: 1 today and 2 to hire" in desc.text
    assert "Head of ML (name or hire in quarter 1)" in desc.text
    circles = svg.findall(f"{SVG}circle")
    hires = [c for c in circles if c.get("fill") == "#ffffff"]
    today = [c for c in circles if c.get("fill") != "#ffffff"]
    # The legend's two circles, then one per person.
    assert len(today) == 1 + 2 + 1 + 1 + 2 + 4 + 6
    assert len(hires) == 1 + 1 + 2 + 1
    # A hire is an outline with a dashed stroke, not only another colour.
    assert all(c.get("stroke-dasharray") for c in hires)
    assert not any(c.get("stroke-dasharray") for c in today)
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert labels[:2] == ["today", "to hire"]


def test_text_estimate_is_no_narrower_than_a_wide_sans_serif():
    # 0.55 em covers digits and most letters of Helvetica-like fonts (digits
    # are 0.556 em), the widest strings the chart draws being numbers.
    assert text_width("1,000,000", 10) >= 0.55 * 10 * 9


@pytest.mark.django_db
def test_web_page_pdf_and_text_show_the_same_team(client):
    assessment = submitted_assessment(**example("balanced-large-startup"))
    report = assessment_report(assessment)
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert page.count('class="org-chart"') == 1
    assert 'id="org-title">Your team after the plan<' in page
    pdf = pdf_text(render_report_pdf(report))
    assert "Your team after the plan" in pdf
    assert "Core ML team" in pdf and "4 product squads" in pdf
    text = render_to_string("assessments/report.txt", {"report": report})
    for box in report.org_chart.boxes:
        assert f"- {box.words}" in text
