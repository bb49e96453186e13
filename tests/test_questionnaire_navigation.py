"""Moving freely through the questionnaire: going back never loses or blocks,
finished steps are links, "Change" on the review returns to the review, every
message names its question once, and the stage question says what each stage
usually means."""

import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments import questions, services
from assessments.advice import domain, load_rulebook
from assessments.models import Assessment, SectionDraft
from tests.factories import draft_assessment, section_url, submitted_assessment
from tests.hostile_inputs import HOSTILE_NUMBERS, HOSTILE_TEXT

pytestmark = pytest.mark.django_db


def _review_url(assessment: Assessment) -> str:
    return reverse("assessments:review", args=[assessment.token])


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _input_value(page: str, name: str) -> str | None:
    (tag,) = re.findall(rf'<input\b[^>]*\sname="{name}"[^>]*>', page)
    found = re.search(r'\svalue="([^"]*)"', tag)
    return found[1] if found else None


def _checked(page: str, name: str) -> list[str]:
    tags = re.findall(rf'<input\b[^>]*\sname="{name}"[^>]*>', page)
    return [
        re.search(r'\svalue="([^"]*)"', tag)[1]
        for tag in tags
        if re.search(r"\schecked\b", tag)
    ]


def _summary_texts(page: str) -> list[str]:
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    return [_text(text) for text in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)]


def _half_filled_team(post_data) -> dict:
    return {
        **post_data["team"],
        "data_engineer": "3",  # valid, changed
        "data_scientist": "",  # left empty
        "mlops_engineer": "-2",  # refused
    }


def test_back_from_a_half_filled_step_goes_back_and_keeps_it_as_typed(
    client, post_data
):
    assessment = draft_assessment()
    before = Assessment.objects.filter(pk=assessment.pk).values().get()
    data = {**_half_filled_team(post_data), "action": "back"}
    response = client.post(section_url(assessment, "team"), data)

    assert response.status_code == 302
    assert response["Location"] == section_url(assessment, "goals")
    # What was saved before stays saved; what was typed waits as typed.
    assert Assessment.objects.filter(pk=assessment.pk).values().get() == before
    draft = SectionDraft.objects.get(assessment=assessment)
    assert draft.section == "team"
    assert draft.data == {
        key: [value] for key, value in _half_filled_team(post_data).items()
    }


def test_returning_to_a_half_filled_step_shows_it_as_typed_without_errors(
    client, post_data
):
    assessment = draft_assessment()
    url = section_url(assessment, "team")
    client.post(url, {**_half_filled_team(post_data), "action": "back"})

    page = client.get(url).content.decode()
    assert _input_value(page, "data_engineer") == "3"
    assert _input_value(page, "data_scientist") is None
    assert _input_value(page, "mlops_engineer") == "-2"
    assert 'id="draft-notice"' in page
    assert 'id="error-summary"' not in page  # flagged when next submitted


def test_half_filled_step_is_flagged_when_next_submitted_and_then_saved(
    client, post_data
):
    assessment = draft_assessment()
    url = section_url(assessment, "team")
    client.post(url, {**_half_filled_team(post_data), "action": "back"})

    response = client.post(url, {**_half_filled_team(post_data), "action": "next"})
    assert response.status_code == 200
    assert _summary_texts(response.content.decode()) == [
        "Enter the number of data scientists, as a whole number.",
        "The number of MLOps engineers must be 0 or more.",
    ]
    fixed = {**_half_filled_team(post_data), "data_scientist": "2"}
    fixed |= {"mlops_engineer": "1", "action": "next"}
    response = client.post(url, fixed)
    assert response["Location"] == section_url(assessment, "pain-points")
    assessment.refresh_from_db()
    assert (assessment.data_engineer, assessment.mlops_engineer) == (3, 1)
    assert not SectionDraft.objects.exists()
    assert 'id="draft-notice"' not in client.get(url).content.decode()


def test_valid_step_saved_on_the_way_back_leaves_no_draft(client, post_data):
    assessment = draft_assessment()
    data = {**post_data["team"], "data_engineer": "4", "action": "back"}
    response = client.post(section_url(assessment, "team"), data)
    assert response["Location"] == section_url(assessment, "goals")
    assessment.refresh_from_db()
    assert assessment.data_engineer == 4
    assert not SectionDraft.objects.exists()


def test_refused_step_keeps_radios_and_ticks_as_typed(client, post_data):
    assessment = draft_assessment()
    url = section_url(assessment, "goals")
    data = {**post_data["goals"], "ml_use_cases": "-1", "has_ml_lead": "yes"}
    del data["dedicated_ml_budget"]  # no radio chosen
    client.post(url, {**data, "action": "back"})
    page = client.get(url).content.decode()
    assert _checked(page, "has_ml_lead") == ["yes"]
    assert _checked(page, "dedicated_ml_budget") == []
    assert _input_value(page, "ml_use_cases") == "-1"


def test_review_lists_a_step_left_unsaved_and_submit_drops_it(client, post_data):
    assessment = draft_assessment()
    client.post(
        section_url(assessment, "team"),
        {**_half_filled_team(post_data), "action": "back"},
    )
    page = client.get(_review_url(assessment)).content.decode()
    box = page.split('id="unsaved-steps"')[1].split("</div>")[0]
    assert re.findall(r'<a href="([^"]+)">(.*?)</a>', box) == [
        (f"{section_url(assessment, 'team')}?from=review", "Current team")
    ]
    # Never blocked: the saved answers are submitted, the draft is dropped.
    assert client.post(_review_url(assessment)).status_code == 302
    assessment.refresh_from_db()
    assert not assessment.is_draft
    assert assessment.mlops_engineer == 0
    assert not SectionDraft.objects.exists()


def test_review_without_unsaved_steps_says_nothing_of_them(client):
    page = client.get(_review_url(draft_assessment())).content.decode()
    assert 'id="unsaved-steps"' not in page


@pytest.mark.parametrize("text", HOSTILE_TEXT + HOSTILE_NUMBERS)
def test_any_typed_text_is_kept_without_error(client, post_data, text):
    assessment = draft_assessment()
    data = {**post_data["team"], "data_scientist": text, "action": "back"}
    response = client.post(section_url(assessment, "team"), data)
    assert response.status_code == 302
    draft = SectionDraft.objects.first()
    if draft is None:  # a number after all ("١٢" is 12): saved
        assessment.refresh_from_db()
        assert assessment.data_scientist == int(text)
    else:
        (kept,) = draft.data["data_scientist"]
        assert kept == text.replace("\x00", "")[:1000]
    page = client.get(section_url(assessment, "team"))
    assert page.status_code == 200


def test_keeping_a_draft_refuses_other_fields_and_submitted_assessments():
    assessment = draft_assessment()
    with pytest.raises(ValueError):
        services.assessment_keep_section_draft(
            assessment=assessment, section_key="team", data={"name": ["x"]}
        )
    done = submitted_assessment()
    with pytest.raises(services.NotADraft):
        services.assessment_keep_section_draft(
            assessment=done, section_key="team", data={"data_scientist": ["x"]}
        )
    assert not SectionDraft.objects.exists()


def _progress_links(page: str) -> list[tuple[str, str]]:
    nav = page.split('class="progress-steps')[1].split("</nav>")[0]
    return [
        (href, _text(text))
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', nav, re.S)
    ]


def test_finished_steps_are_links_in_the_progress_bar(client, post_data):
    assessment = draft_assessment()
    page = client.get(section_url(assessment, "team")).content.decode()
    assert _progress_links(page) == [
        (section_url(assessment, "organisation"), "1. Organisation"),
        (section_url(assessment, "goals"), "2. AI goals"),
        (section_url(assessment, "pain-points"), "4. Pain points"),
        (_review_url(assessment), "5. Review &amp; submit"),
    ]
    # A fresh assessment: only the first step, which is the current one.
    fresh = Assessment.objects.create()
    page = client.get(section_url(fresh, "organisation")).content.decode()
    assert _progress_links(page) == []


def test_progress_bar_marks_a_step_left_unsaved(client, post_data):
    assessment = draft_assessment()
    client.post(
        section_url(assessment, "team"),
        {**_half_filled_team(post_data), "action": "back"},
    )
    page = client.get(section_url(assessment, "goals")).content.decode()
    nav = page.split('class="progress-steps')[1].split("</nav>")[0]
    (team,) = re.findall(r'<li class="step unfinished">(.*?)</li>', nav, re.S)
    assert _text(team) == "3. Current team (not saved yet)"


def test_change_from_the_review_returns_to_the_review(client, post_data):
    assessment = draft_assessment()
    review = client.get(_review_url(assessment)).content.decode()
    change = f"{section_url(assessment, 'goals')}?from=review"
    assert f'href="{change}"' in review

    page = client.get(change).content.decode()
    assert 'value="review"' in page and "Save and return to the review" in page
    data = {**post_data["goals"], "ml_use_cases": "5", "action": "review"}
    response = client.post(change, data)
    assert response["Location"] == _review_url(assessment)
    assessment.refresh_from_db()
    assert assessment.ml_use_cases == 5


def test_change_from_the_review_with_an_error_stays_on_the_step(client, post_data):
    assessment = draft_assessment()
    change = f"{section_url(assessment, 'goals')}?from=review"
    data = {**post_data["goals"], "ml_use_cases": "x", "action": "review"}
    response = client.post(change, data)
    assert response.status_code == 200
    assert "Save and return to the review" in response.content.decode()


def test_from_review_is_ignored_before_every_step_is_saved(client, post_data):
    assessment = draft_assessment()
    Assessment.objects.filter(pk=assessment.pk).update(sections_saved=2)
    url = f"{section_url(assessment, 'goals')}?from=review"
    assert "Save and return" not in client.get(url).content.decode()
    response = client.post(url, {**post_data["goals"], "action": "review"})
    assert response["Location"] == section_url(assessment, "team")


def test_headcount_total_error_shows_once(client, post_data):
    assessment = draft_assessment()  # 40 employees
    data = {**post_data["team"], "software_developer": "100"}
    page = client.post(section_url(assessment, "team"), data).content.decode()
    message = "The six roles add up to 102 people, more than the 40 employees."
    assert page.count(message) == 1
    assert _summary_texts(page) == [message]


def test_every_error_message_names_its_question():
    for question in questions.QUESTIONS:
        messages = question.error_messages(low=0, high=10)
        assert messages, question.field
        for message in messages.values():
            assert question.noun.lower() in message.lower(), message


def test_stage_question_says_what_each_stage_usually_means(client):
    page = client.get(section_url(draft_assessment(), "organisation")).content
    help_text = re.search(
        r'id="id_stage_helptext"[^>]*>(.*?)</div>', page.decode(), re.S
    )[1]
    stage = questions.by_field("organization", "stage")
    assert _text(help_text) == escape(stage.help)
    for _key, label in domain.STAGES:
        assert f"{label}: usually" in stage.help


def test_stage_guide_sizes_are_those_the_stage_warnings_check():
    # W-STAGE-LARGE: under 50; W-STAGE-ENTERPRISE: under 200; W-STAGE-SMALL: 1000.
    limits = {}
    for rule in load_rulebook().warnings:
        if rule.id.startswith("W-STAGE-"):
            text = json.dumps(rule.when)
            limits[rule.id] = int(re.search(r'"employees", (\d+)', text)[1])
    assert limits == {
        "W-STAGE-SMALL": 1000,
        "W-STAGE-LARGE": 50,
        "W-STAGE-ENTERPRISE": 200,
    }
    stage_help = questions.by_field("organization", "stage").help
    assert "Small startup: usually fewer than 50 employees" in stage_help
    assert "Large startup: usually 50 to 1,000 employees" in stage_help
    assert "Enterprise: usually 200 employees or more" in stage_help


def _sensitivity_items(client, assessment) -> list[str]:
    page = client.get(assessment.get_absolute_url()).content.decode()
    section = page.split('id="sensitivity-title"')[1].split("</section>")[0]
    return [_text(item) for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


@pytest.mark.parametrize(
    ("organization", "ai_focus", "other"),
    [
        # 210 employees: a large startup just past the enterprise border.
        ({"employees": 210, "stage": "large_startup"}, "product", "enterprise"),
        # 45 employees: a small startup just under the large-startup border.
        ({"employees": 45, "stage": "small_startup"}, "balanced", "large_startup"),
    ],
)
def test_report_near_a_stage_border_shows_the_other_stages_structure(
    client, organization, ai_focus, other
):
    """§10 (V-NEIGHBOURS) runs the engine again for each other stage."""
    assessment = submitted_assessment(
        organization=organization,
        ai_focus=ai_focus,
        product_teams=4,
        ml_use_cases=4,
        headcount={"software_developer": 6},
    )
    from assessments.advice import advise
    from assessments.answers_file import assessment_answers

    advice = advise(assessment_answers(assessment))
    (neighbour,) = [n for n in advice.sensitivity if n.value == other]
    assert neighbour.structure != advice.structure.recommended_by_teamadvisor
    expected = (
        f"If you counted as {domain.STAGE_WORDS[other]}: {neighbour.structure_label}."
    )
    assert expected in _sensitivity_items(client, assessment)
