"""The "send me my private link" form on each questionnaire page: its answer,
its rate limits, and the mail it queues."""

import re
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import LinkMailRequest
from tests.factories import NOT_FOUND_URL, draft_assessment, section_url

pytestmark = pytest.mark.django_db

SENT = (
    "We are sending the link to the address you gave. If it has not arrived in "
    "a few minutes, check the address and your spam folder."
)


def _url(assessment) -> str:
    return reverse("assessments:send_link", args=[assessment.token])


def _send(client, assessment, email="ada@example.com", step="goals", more=(), **extra):
    data = {"email": email, "step": step, **dict(more)}
    return client.post(_url(assessment), data, **extra)


def _element_text(page: str, element_id: str) -> str:
    found = re.search(rf'<(\w+)\b[^>]*\sid="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no element with id {element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found[2]).split())


def test_the_link_is_mailed_and_the_client_returns_to_the_step(
    client, django_capture_on_commit_callbacks
):
    assessment = draft_assessment()
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, assessment)
    assert response.status_code == 302
    assert response["Location"] == section_url(assessment, "goals") + (
        "?link=sent#send-link"
    )
    [sent] = outbox.outbox
    assert sent.to == ["ada@example.com"]
    assert f"https://testserver/a/{assessment.token}/" in sent.body.splitlines()


def test_the_page_says_the_link_is_on_its_way(client):
    assessment = draft_assessment()
    page = client.get(section_url(assessment, "goals") + "?link=sent").content.decode()
    assert _element_text(page, "send-link-sent") == SENT


def test_every_questionnaire_page_offers_the_form(client):
    assessment = draft_assessment()
    pages = [
        section_url(assessment, "organisation"),
        section_url(assessment, "pain-points"),
        reverse("assessments:review", args=[assessment.token]),
    ]
    for url, step in zip(pages, ["organisation", "pain-points", "review"], strict=True):
        page = client.get(url).content.decode()
        assert f'action="{_url(assessment)}"' in page
        assert f'<input type="hidden" name="step" value="{step}">' in page


def test_from_the_review_the_client_returns_to_the_review(client):
    assessment = draft_assessment()
    response = _send(client, assessment, step="review")
    assert response["Location"] == reverse(
        "assessments:review", args=[assessment.token]
    ) + ("?link=sent#send-link")


def test_a_section_opened_from_the_review_keeps_leading_back_there(client):
    # "Change" on the review opens a section with ?from=review; sending the
    # link from there must not drop it, or saving would move on to the next
    # step instead of back to the review.
    assessment = draft_assessment()
    page = client.get(section_url(assessment, "goals") + "?from=review")
    assert '<input type="hidden" name="from" value="review">' in page.content.decode()
    response = _send(client, assessment, more={"from": "review"})
    assert response["Location"] == section_url(assessment, "goals") + (
        "?from=review&link=sent#send-link"
    )
    # A malformed address: the page's way back keeps it too.
    page = _send(client, assessment, email="nope", more={"from": "review"})
    html = page.content.decode()
    assert f'href="{section_url(assessment, "goals")}?from=review"' in html
    assert '<input type="hidden" name="from" value="review">' in html
    # Without it, the plain section.
    plain = client.get(section_url(assessment, "goals")).content.decode()
    assert 'name="from"' not in plain


def test_an_unknown_step_leads_to_where_the_client_left_off(client):
    assessment = draft_assessment()
    response = _send(client, assessment, step="../../admin")
    assert response["Location"] == reverse(
        "assessments:review", args=[assessment.token]
    ) + ("?link=sent#send-link")


def test_the_answer_is_the_same_whatever_the_address(client):
    assessment = draft_assessment()
    answers = {
        (response.status_code, response["Location"])
        for response in (
            _send(client, assessment, email=email)
            for email in ("ada@example.com", "nobody@invalid.example", "x@y.zz")
        )
    }
    assert answers == {(302, section_url(assessment, "goals") + "?link=sent#send-link")}


def test_a_malformed_address_is_flagged_and_kept(client):
    assessment = draft_assessment()
    response = _send(client, assessment, email="ada at example")
    assert response.status_code == 400
    page = response.content.decode()
    assert _element_text(page, "send-link-error") == (
        "Enter an e-mail address in the form name@example.com."
    )
    assert 'value="ada at example"' in page
    assert LinkMailRequest.objects.count() == 0


def test_link_mails_are_limited_per_assessment(client, settings):
    settings.TEAMADVISOR_LINK_MAILS_PER_HOUR = 2
    assessment = draft_assessment()
    codes = [
        _send(client, assessment, REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert _send(Client(), draft_assessment()).status_code == 302


def test_link_mails_are_limited_per_client_address(client, settings):
    settings.TEAMADVISOR_LINK_MAILS_PER_ADDRESS_PER_HOUR = 2
    codes = [
        _send(client, draft_assessment(), REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    other = _send(client, draft_assessment(), REMOTE_ADDR="203.0.113.10")
    assert other.status_code == 302


def test_a_refused_request_queues_no_mail(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TEAMADVISOR_LINK_MAILS_PER_HOUR = 1
    assessment = draft_assessment()
    _send(client, assessment)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _send(client, assessment)
    assert response.status_code == 429
    assert callbacks == []


def test_requests_older_than_an_hour_count_no_more(client, settings):
    settings.TEAMADVISOR_LINK_MAILS_PER_HOUR = 1
    assessment = draft_assessment()
    _send(client, assessment)
    LinkMailRequest.objects.update(requested_at=timezone.now() - timedelta(hours=2))
    assert _send(client, assessment).status_code == 302
    assert LinkMailRequest.objects.count() == 1  # the old one is gone


def test_the_request_keeps_no_address_in_clear(client):
    _send(client, draft_assessment(), REMOTE_ADDR="203.0.113.10")
    [request] = LinkMailRequest.objects.all()
    assert "203.0.113.10" not in request.requested_from
    assert len(request.requested_from) == 64


def test_sending_needs_post_and_the_csrf_token():
    assessment = draft_assessment()
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(_url(assessment)).status_code == 405
    assert _send(strict, assessment).status_code == 403
    assert LinkMailRequest.objects.count() == 0


def test_an_unknown_link_is_not_found(client):
    assert (
        client.post(NOT_FOUND_URL + "send-link/", {"email": "a@b.cc"}).status_code
        == 404
    )
