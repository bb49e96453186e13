"""The mails: what each says, to whom, and what none of them carries."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail as outbox

from assessments import mail, services
from assessments.advice import parse_answers
from tests.factories import answers_dict, submitted_assessment

pytestmark = pytest.mark.django_db

SITE = "https://testserver"  # the first allowed host of the test settings


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def _consultant(username: str, email: str, *, active: bool = True) -> User:
    user = User.objects.create_user(
        username, email=email, is_staff=True, is_active=active
    )
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


def test_private_link_mail_carries_the_link_of_its_assessment_only():
    assessment = submitted_assessment()
    message = mail.private_link(assessment, to="ada@example.com")
    link = f"{SITE}/a/{assessment.token}/"
    assert message.to == ["ada@example.com"]
    assert message.subject == "Your private link to TeamAdvisor"
    assert [line for line in message.body.splitlines() if "/a/" in line] == [link]
    assert f'href="{link}"' in _html(message)


def test_no_mail_carries_what_the_client_typed():
    typed = "Buy cheap pills at spam.example"
    assessment = services.assessment_create_from_answers(
        answers=parse_answers(answers_dict(organization={"name": typed})),
        contact_name=typed,
        contact_email="ada@example.com",
    )
    services.assessment_submit(assessment=assessment)
    messages = [
        mail.private_link(assessment, to="ada@example.com"),
        mail.submission_notice(assessment, to=["carla@example.com"]),
        mail.review_done(assessment),
    ]
    for message in messages:
        for text in (message.subject, message.body, _html(message)):
            assert "spam.example" not in text


def test_submission_notice_links_to_the_admin_and_holds_no_answers():
    assessment = submitted_assessment()
    message = mail.submission_notice(assessment, to=["carla@example.com"])
    link = f"{SITE}/admin/assessments/assessment/{assessment.pk}/change/"
    assert message.subject == f"New assessment to review (no. {assessment.pk})"
    assert [line for line in message.body.splitlines() if "://" in line] == [
        link,
        f"{SITE}/",
    ]
    assert f'href="{link}"' in _html(message)
    assert assessment.token not in message.body + _html(message)


def test_review_done_mail_goes_to_the_contact_address():
    assessment = services.assessment_create_from_answers(
        answers=parse_answers(answers_dict()), contact_email="ada@example.com"
    )
    services.assessment_submit(assessment=assessment)
    message = mail.review_done(assessment)
    assert message.to == ["ada@example.com"]
    assert message.subject == "Your team plan has been reviewed"
    assert f"{SITE}/a/{assessment.token}/" in message.body.splitlines()


def test_mails_come_from_the_configured_sender(settings):
    settings.DEFAULT_FROM_EMAIL = "TeamAdvisor <advice@example.com>"
    mail.private_link(submitted_assessment(), to="ada@example.com").send()
    [sent] = outbox.outbox
    assert sent.from_email == "TeamAdvisor <advice@example.com>"


def test_links_use_the_site_address(settings):
    settings.TEAMADVISOR_SITE_URL = "https://advice.example.com"
    assessment = submitted_assessment()
    message = mail.private_link(assessment, to="ada@example.com")
    assert f"https://advice.example.com/a/{assessment.token}/" in message.body


def test_consultant_addresses_are_active_consultants_with_an_address():
    _consultant("carla", "carla@example.com")
    _consultant("dan", "dan@example.com")
    _consultant("erin", "")
    _consultant("gone", "gone@example.com", active=False)
    User.objects.create_user("staff", email="staff@example.com", is_staff=True)
    assert mail.consultant_addresses() == ["carla@example.com", "dan@example.com"]
