"""Copies explain themselves: a copy knows its origin, says so on its first
page, and its plan can be compared with the earlier one."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments import services
from assessments.advice import parse_answers
from assessments.choices import Status
from assessments.compare import _rows, compare
from assessments.models import Assessment, Organization
from assessments.report import build_report
from assessments.selectors import assessment_report
from tests.factories import answers_dict, section_url, submitted_assessment
from tests.hostile_inputs import HOSTILE_TEXT

pytestmark = pytest.mark.django_db


def _copy(assessment: Assessment) -> Assessment:
    return services.assessment_copy(assessment=assessment, address="192.0.2.1")


def _grown_copy(assessment: Assessment) -> Assessment:
    """A submitted copy of ``assessment`` after the company grew: an
    enterprise with twelve product teams and two more data scientists."""
    copy = _copy(assessment)
    Organization.objects.filter(pk=copy.organization_id).update(
        stage="enterprise", employees=1200
    )
    Assessment.objects.filter(pk=copy.pk).update(product_teams=12, data_scientist=3)
    copy.refresh_from_db()
    copy.organization.refresh_from_db()
    services.assessment_submit(assessment=copy)
    return copy


def _report(**overrides):
    return build_report(parse_answers(answers_dict(**overrides)))


def _row(group, label):
    return next(row for row in group.rows if row.label == label)


# The comparison itself, on reports.


def test_identical_plans_have_no_changes():
    comparison = compare(_report(), _report())
    assert comparison.answers_changed == 0
    assert comparison.advice.changes == 0
    assert not comparison.structure_changed
    # Every section of the questionnaire is there, each with its questions.
    assert [group.title for group in comparison.answers] == [
        section.title for section, _ in _report().answer_rows
    ]
    assert all(group.rows for group in comparison.answers)


def test_changed_answers_and_advice_are_marked_and_nothing_else():
    earlier = _report()
    later = _report(
        organization={"stage": "large_startup", "employees": 400}, product_teams=12
    )
    comparison = compare(earlier, later)
    changed = {
        row.label: (row.earlier, row.later)
        for group in comparison.answers
        for row in group.rows
        if row.changed
    }
    assert changed == {
        "Which describes your organisation best?": ("Small startup", "Large startup"),
        "Number of employees": ("40", "400"),
        "How many product teams will build or use ML features?": ("2", "12"),
    }
    structure = comparison.advice.rows[0]
    assert structure.label == "Recommended structure"
    # A small startup's two squads, then a large startup's twelve.
    assert (structure.earlier, structure.later) == (
        earlier.advice.structure.label,
        later.advice.structure.label,
    )
    assert comparison.structure_changed is (
        earlier.advice.structure.key != later.advice.structure.key
    )


def test_role_rows_read_today_to_after_the_plan():
    earlier, later = _report(), _report(headcount={"data_scientist": 3})
    comparison = compare(earlier, later)
    row = _row(comparison.advice, "Data scientist: today → after the plan")
    role = next(r for r in later.roles if r.key == "data_scientist")
    assert row.later == f"3 → {3 + role.gap}"
    assert row.earlier.startswith("1 → ")
    assert row.changed


def test_first_hires_and_risks_are_compared():
    # Without the "silos" pain point the silo risk drops from high to medium;
    # the hires stay.
    earlier, later = _report(), _report(pain_points=[])
    comparison = compare(earlier, later)
    hires = _row(comparison.advice, "First hires")
    assert (hires.earlier, hires.later) == ("1 senior data scientist",) * 2
    risks = _row(comparison.advice, "Risks")
    assert "ML work drifts into a silo (high)" in risks.earlier
    assert "ML work drifts into a silo (medium)" in risks.later
    assert risks.changed
    pain_points = _row(comparison.answers[-1], "Which of these do you recognise today?")
    assert pain_points.later == "None"


def test_a_first_edition_plan_compares_with_a_second_edition_one():
    earlier = build_report(parse_answers(answers_dict()), rulebook_version="2026.2")
    later = _report()
    comparison = compare(earlier, later)
    row = _row(comparison.advice, "Data engineer: today → after the plan")
    role = next(r for r in earlier.roles if r.key == "data_engineer")
    assert row.earlier == f"1 → {role.recommended}"
    # The same answers: only the advice differs between the editions.
    assert comparison.answers_changed == 0
    assert _row(comparison.advice, "MLOps engineer: today → after the plan").changed


def test_a_line_only_one_plan_has_shows_a_dash_on_the_other():
    earlier, later = _report(), _report(headcount={"data_scientist": 3})
    comparison = compare(earlier, later)
    labels = [row.label for row in comparison.advice.rows]
    assert labels.index("First hires") > labels.index(
        "Software developer: today → after the plan"
    )
    rows = _rows({"a": "1", "gone": "2"}, {"a": "1", "new": "3"})
    assert [(r.label, r.earlier, r.later, r.changed) for r in rows] == [
        ("a", "1", "1", False),
        ("new", "—", "3", True),
        ("gone", "2", "—", True),
    ]


# The copy knows its origin.


def test_a_copy_knows_the_assessment_it_was_copied_from(client):
    earlier = submitted_assessment()
    response = client.post(reverse("assessments:copy", args=[earlier.token]))
    copy = Assessment.objects.get(copied_from=earlier)
    assert response["Location"] == reverse("assessments:review", args=[copy.token])
    assert list(earlier.copies.all()) == [copy]
    # One client over time: the copy continues the earlier one's lineage.
    assert copy.lineage == earlier.lineage
    unrelated = submitted_assessment()
    assert unrelated.copied_from is None
    assert unrelated.lineage not in (earlier.lineage, None)


def test_the_copys_first_page_says_it_is_a_copy_and_of_when(client):
    earlier = submitted_assessment()
    Assessment.objects.filter(pk=earlier.pk).update(
        submitted_at=datetime(2026, 3, 9, 12, tzinfo=UTC)
    )
    copy = _copy(earlier)
    for url in (
        reverse("assessments:review", args=[copy.token]),
        section_url(copy, "goals"),
    ):
        page = client.get(url).content.decode()
        assert "This is a copy of your assessment of 9 March 2026" in page
        assert "Change what has changed and submit" in page
        # The earlier assessment's own link is never shown on the copy.
        assert earlier.token not in page
    assert (
        "This is a copy"
        not in client.get(
            reverse("assessments:review", args=[submitted_assessment().token])
        ).content.decode()
    )


def test_a_copy_whose_origin_was_deleted_has_no_notice_and_no_compare(client):
    earlier = submitted_assessment()
    copy = _copy(earlier)
    services.assessment_submit(assessment=copy)
    earlier.delete()
    copy.refresh_from_db()
    assert copy.copied_from is None
    report = client.get(copy.get_absolute_url()).content.decode()
    assert "Compare with the earlier assessment" not in report
    compare_url = reverse("assessments:compare", args=[copy.token])
    assert client.get(compare_url).status_code == 404


# The compare page.


def test_the_report_of_a_copy_links_to_the_comparison(client):
    earlier = submitted_assessment()
    copy = _grown_copy(earlier)
    compare_url = reverse("assessments:compare", args=[copy.token])
    assert (
        f'href="{compare_url}"' in client.get(copy.get_absolute_url()).content.decode()
    )
    # The original has nothing to compare with.
    assert (
        "Compare with the earlier"
        not in client.get(earlier.get_absolute_url()).content.decode()
    )


def test_the_compare_page_shows_both_plans_and_marks_what_changed(client):
    earlier = submitted_assessment()
    copy = _grown_copy(earlier)
    response = client.get(reverse("assessments:compare", args=[copy.token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert earlier.token not in page  # the earlier one's own link stays private
    rows = re.findall(r'<tr class="changed">\s*<th scope="row">([^<]+) <span', page)
    expected = compare(assessment_report(earlier), assessment_report(copy))
    assert rows == [
        row.label for group in expected.groups for row in group.rows if row.changed
    ]
    assert "How many product teams will build or use ML features?" in rows
    # Stage, employees, product teams and data scientists.
    assert expected.answers_changed == 4
    assert "4 answers changed" in page
    structures = (expected.advice.rows[0].earlier, expected.advice.rows[0].later)
    assert structures == ("Decentralized squads", "Hybrid: core team plus squads")
    before, after = structures
    assert f"from <strong>{before}</strong> to <strong>{after}</strong>" in page


@pytest.mark.parametrize("name", HOSTILE_TEXT[:6])
def test_the_compare_page_escapes_what_clients_typed(client, name):
    earlier = submitted_assessment(organization={"name": name})
    copy = _copy(earlier)
    Organization.objects.filter(pk=copy.organization_id).update(name="Plain name")
    services.assessment_submit(assessment=copy)
    page = client.get(
        reverse("assessments:compare", args=[copy.token])
    ).content.decode()
    assert name not in page
    assert escape(name) in page


def test_compare_needs_a_submitted_copy(client):
    earlier = submitted_assessment()
    draft_copy = _copy(earlier)
    url = reverse("assessments:compare", args=[draft_copy.token])
    # A draft has no plan yet: the link leads back to the questionnaire.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:review", args=[draft_copy.token]
    )
    # An assessment that is not a copy has nothing to compare with.
    assert (
        client.get(reverse("assessments:compare", args=[earlier.token])).status_code
        == 404
    )
    assert client.post(url).status_code == 405
    assert client.get("/a/" + "x" * 43 + "/compare/").status_code == 404


def test_compare_page_query_count_is_fixed(client, django_assert_max_num_queries):
    copy = _grown_copy(submitted_assessment())
    # The copy with its organisation, consultant and origin; the origin's
    # organisation and consultant.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("assessments:compare", args=[copy.token]))
    assert response.status_code == 200


def test_status_of_the_earlier_assessment_does_not_matter(client):
    earlier = submitted_assessment()
    copy = _grown_copy(earlier)
    Assessment.objects.filter(pk=earlier.pk).update(status=Status.REVIEWED)
    assert (
        client.get(reverse("assessments:compare", args=[copy.token])).status_code == 200
    )
