"""The team plan as a web page: content, versions, queries."""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from assessments import services
from assessments.advice import domain, parse_answers
from assessments.advice import rulebook as rulebook_module
from assessments.models import Assessment
from assessments.report import build_report
from assessments.selectors import assessment_report
from tests.advice.factories import EXAMPLE_STRUCTURES
from tests.factories import example, submitted_assessment

pytestmark = pytest.mark.django_db

ORGANIZATIONS = Path(__file__).resolve().parent / "advice" / "organizations"


def _page(client, assessment) -> str:
    response = client.get(assessment.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, title_id: str) -> str:
    return page.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_report_shows_every_part_of_the_plan(client):
    assessment = submitted_assessment(**example("balanced-large-startup"))
    page = _page(client, assessment)
    assert "<h1>Team plan for Northwind Mobility</h1>" in page
    summary = _section(page, "summary-title")
    assert (
        '<dd class="recommended-structure">Hybrid: core team plus squads</dd>'
        in summary
    )
    assert "<dt>Alternative</dt>\n    <dd>Centralized team</dd>" in summary
    assert summary.count("Centralized team") == 1  # the alternative, named once
    assert '<table class="table role-table"' in page
    assert "<svg" in page and '<title id="chart-title">' in page
    assert "Terraform" in _section(page, "cards-title")
    assert "Quarter 1" in _section(page, "roadmap-title")
    assert "<strong>ML work happens in silos.</strong> The plan treats" in _section(
        page, "concerns-title"
    )
    assert "From today's “Centralized team” to “Hybrid" in _section(
        page, "transition-title"
    )
    assert "high risk" in _section(page, "risks-title")
    appendix = _section(page, "appendix-title")
    assert "S-LARGE-BALANCED" in appendix and "house rule" in appendix
    assert "transport" in appendix  # the answers
    assert f"Rulebook {rulebook_module.CURRENT_VERSION}" in page
    revision = assessment_report(assessment).revision
    pdf = ["team-plan-northwind-mobility"]
    pdf_link = reverse(
        "assessments:stored_pdf", args=[assessment.token, revision, *pdf]
    )
    assert pdf_link in page


def test_report_shows_what_would_change_the_advice(client):
    answers = example("balanced-large-startup")
    assessment = submitted_assessment(**{**answers, "product_teams": 3})
    items = _section(_page(client, assessment), "sensitivity-title")
    assert "<li>With 2 product teams instead of 3: Decentralized squads.</li>" in items


def test_report_labels_house_rules_in_the_appendix(client):
    answers = example("balanced-large-startup")
    answers["organization"]["employees"] = 30  # too few for a large startup
    page = _page(client, submitted_assessment(**answers))
    siloing = page.split('id="risk-siloing"')[1].split("</article>")[0]
    assert "from the article" in siloing
    assert "You reported that ML work happens in silos." in siloing
    appendix = _section(page, "appendix-title")
    trace = appendix.split("K-PAIN-SILOS")[1].split("</li>")[0]
    assert "house rule" in trace
    warning = appendix.split("W-STAGE-LARGE")[1].split("</li>")[0]
    assert "house rule" in warning


def _role_card(page: str, key: str) -> str:
    return page.split(f'id="role-{key}"')[1].split("</article>")[0]


def test_report_of_small_startup_marks_part_time_cover(client):
    page = _page(client, submitted_assessment(**example("small-product-startup")))
    roles = _section(page, "roles-title")
    mlops = roles.split('<th scope="row">MLOps engineer</th>')[1].split("</tr>")[0]
    assert (
        "Covered part-time for now by full-stack data scientists; hire when that "
        "time runs out." in mlops
    )
    roadmap = _section(page, "roadmap-title")
    later = roadmap.split("<h3>Later</h3>")[1]
    assert "Hire 1 senior MLOps engineer." in later


def test_report_under_2026_1_shows_part_time_cover_without_a_priority(client):
    assessment = submitted_assessment(**example("small-product-startup"))
    Assessment.objects.filter(pk=assessment.pk).update(rulebook_version="2026.1")
    page = _page(client, Assessment.objects.get(pk=assessment.pk))
    card = _role_card(page, "mlops_engineer")
    assert "Covered part-time by your full-stack data scientists for now." in card
    assert "hiring priority" not in card
    order = page.split('class="hiring-order"')[1].split("</ol>")[0]
    assert "MLOps engineer" not in order


def test_report_escapes_client_text(client):
    assessment = submitted_assessment(
        organization={"name": "<script>alert(1)</script>", "industry": "<b>x</b>"}
    )
    page = _page(client, assessment)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page


def test_draft_private_link_does_not_show_a_report(client):
    assessment = submitted_assessment()
    draft = services.assessment_copy(assessment=assessment, address="203.0.113.1")
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 302
    pdf = client.get(reverse("assessments:report_pdf", args=[draft.token]))
    assert pdf.status_code == 302


@pytest.mark.parametrize("name", ["small-product-startup", "product-enterprise"])
def test_report_query_count_is_constant(client, django_assert_num_queries, name):
    assessment = submitted_assessment(**example(name))
    # A first view: what the page shows, read in one query to key its cache
    # (render_cache.stored_state), the figures of organisations like yours
    # (one aggregate), the assessment joined with its organisation and
    # consultant, which reads the active cost assumptions that price the
    # roadmap in the same query (none set here: still asked), and what the
    # page shows once more, to check nothing changed while it rendered.
    with django_assert_num_queries(4):
        response = client.get(assessment.get_absolute_url())
    assert response.status_code == 200  # the report itself, not a redirect
    # Seen again: what it shows, read once; the figures come from the cache.
    with django_assert_num_queries(1):
        again = client.get(assessment.get_absolute_url())
    assert again.status_code == 200


def test_submit_stores_rulebook_version_and_structure():
    assessment = submitted_assessment(**example("research-startup"))
    assert assessment.rulebook_version == rulebook_module.CURRENT_VERSION
    assert assessment.recommended_structure == "centralized"


def test_old_assessment_keeps_its_rulebook_after_a_new_one_ships(
    client, tmp_path, monkeypatch
):
    old = submitted_assessment()
    current = rulebook_module.CURRENT_VERSION
    # Ship a next rulebook beside the shipped ones with a reworded mitigation.
    for path in rulebook_module.RULEBOOK_DIR.glob("*.json"):
        shutil.copy(path, tmp_path)
    data = json.loads((tmp_path / f"{current}.json").read_text())
    data["version"] = "2099.1"
    data["risks"]["siloing"]["mitigation"] = "Reworded in 2099.1."
    (tmp_path / "2099.1.json").write_text(json.dumps(data))
    monkeypatch.setattr(rulebook_module, "RULEBOOK_DIR", tmp_path)
    monkeypatch.setattr(rulebook_module, "CURRENT_VERSION", "2099.1")

    new = submitted_assessment()
    assert new.rulebook_version == "2099.1"
    assert "Reworded in 2099.1." in _page(client, new)
    old_page = _page(client, Assessment.objects.get(pk=old.pk))
    assert f"Rulebook {current}" in old_page
    assert "Reworded in 2099.1." not in old_page


def test_assessment_advised_under_2026_1_renders_with_2026_1(client):
    # 2026.1 shipped first; its assessments keep its wording and hiring order.
    old = submitted_assessment(pain_points=["silos"])
    Assessment.objects.filter(pk=old.pk).update(rulebook_version="2026.1")
    page = _page(client, Assessment.objects.get(pk=old.pk))
    assert "rulebook 2026.1" in page
    assert "pain point: silos" in page
    assert "You reported that ML work happens in silos" not in page


@pytest.mark.parametrize("version", ["2026.1", "2026.2"])
def test_first_edition_assessment_keeps_its_layout_and_pdf(client, version):
    # Advised before the second edition: its own report, no roadmap, and a
    # consultant's override shown beside TeamAdvisor's plan as it was then.
    old = submitted_assessment(**example("small-product-startup"))
    Assessment.objects.filter(pk=old.pk).update(
        rulebook_version=version,
        override_structure="centralized",
        override_reason="One data platform for both teams.",
    )
    old = Assessment.objects.get(pk=old.pk)
    page = _page(client, old)
    assert f"rulebook {version}" in page
    assert 'id="roadmap-title"' not in page
    assert "Your consultant recommends: Centralized team." in page
    pdf = client.get(reverse("assessments:report_pdf", args=[old.token]))
    assert pdf.status_code == 200 and pdf.getvalue().startswith(b"%PDF")


def _section_posts(answers: dict) -> dict[str, dict]:
    """The POST data a client would send to give ``answers`` section by section."""
    org = answers["organization"]
    ml_lead = answers.get("has_ml_lead")
    return {
        "organisation": {
            **org,
            "industry": org.get("industry", ""),
            "regulated": "yes" if org.get("regulated") else "no",
        },
        "goals": {
            "ai_focus": answers["ai_focus"],
            "ml_use_cases": answers["ml_use_cases"],
            "product_teams": answers["product_teams"],
            "dedicated_ml_budget": "yes" if answers["dedicated_ml_budget"] else "no",
            "current_structure": answers["current_structure"],
            "has_ml_lead": {True: "yes", False: "no", None: "not_sure"}[ml_lead],
        },
        "team": {
            **answers["headcount"],
            "full_stack_data_scientists": answers["full_stack_data_scientists"],
        },
        "pain-points": {"pain_points": answers["pain_points"]},
    }


@pytest.mark.parametrize("name", EXAMPLE_STRUCTURES)
def test_examples_get_their_structure_through_the_web_flow(client, name):
    structure, _alternative = EXAMPLE_STRUCTURES[name]
    label = domain.label(domain.STRUCTURES, structure)
    client.post(reverse("assessments:start"))
    assessment = Assessment.objects.get()
    for key, data in _section_posts(example(name)).items():
        url = reverse("assessments:section", args=[assessment.token, key])
        assert client.post(url, data).status_code == 302
    client.post(reverse("assessments:review", args=[assessment.token]))
    page = _page(client, assessment)
    assert f'<dd class="recommended-structure">{label}</dd>' in page


def _review_line(client, assessment) -> str:
    page = _page(client, Assessment.objects.get(pk=assessment.pk))
    return page.split('<p class="review-status">')[1].split("</p>")[0]


def test_first_page_says_where_the_review_stands(client, django_user_model):
    assessment = submitted_assessment()
    assert _review_line(client, assessment) == (
        "<strong>Review:</strong> submitted; a consultant will review it."
    )
    alice = django_user_model.objects.create_user(
        "alice", first_name="Alice", last_name="Martin", is_staff=True
    )
    assessment.assigned_to = alice
    assessment.status = "in_review"
    services.assessment_save_review(assessment=assessment, by=alice)
    assert _review_line(client, assessment) == (
        "<strong>Review:</strong> in review with Alice Martin."
    )
    assessment.status = "reviewed"
    services.assessment_save_review(assessment=assessment, by=alice)
    assessment.refresh_from_db()
    day = assessment.reviewed_at
    assert _review_line(client, assessment) == (
        f"<strong>Review:</strong> reviewed by Alice Martin on {day.day} {day:%B %Y}."
    )
    # Back in review, the date goes: the plan no longer claims a review.
    assessment.status = "in_review"
    services.assessment_save_review(assessment=assessment, by=alice)
    assessment.refresh_from_db()
    assert assessment.reviewed_at is None


def test_chart_scales_each_role_so_no_bar_is_flattened():
    # 300 developers beside 1 data scientist: the scientist's bar still fills
    # its row once the plan doubles it.
    answers = parse_answers(example("small-product-startup"))
    answers = dataclasses.replace(
        answers,
        organization=dataclasses.replace(answers.organization, employees=2000),
        headcount=dataclasses.replace(answers.headcount, software_developer=300),
    )
    rows = {row.label: row for row in build_report(answers).chart.rows}
    developers, scientists = rows["Software developer"], rows["Data scientist"]
    assert (developers.current, developers.recommended) == (300, 300)
    assert developers.current_width == developers.recommended_width == 360
    assert (scientists.current, scientists.recommended) == (1, 2)
    assert (scientists.current_width, scientists.recommended_width) == (180, 360)
    # The web and PDF chart draws the same lengths as shares of its width.
    assert (scientists.current_percent, scientists.recommended_percent) == (42.5, 85)
    assert developers.current_percent == developers.recommended_percent == 85


def test_chart_leaves_out_roles_with_nobody_today_or_after_the_plan():
    answers = parse_answers(
        json.loads((ORGANIZATIONS / "one-person-ml.json").read_text())
    )
    report = build_report(answers)
    empty = {r.label for r in report.roles if r.current + r.gap == 0}
    assert empty, "the fixture must have a role with nobody"
    drawn = {row.label for row in report.chart.rows}
    assert drawn == {r.label for r in report.roles} - empty
