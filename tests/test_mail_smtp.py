"""Mail through a real SMTP server (aiosmtpd on 127.0.0.1), sent by the
database queue's worker as in production, and read back from the server."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import services, tasks
from assessments.advice import parse_answers
from assessments.choices import Status
from tests.factories import answers_dict, submitted_assessment

# The worker checks its database connection between tasks, as after each
# request: no test transaction may stay open around it. (No serialized
# rollback: on PostgreSQL it cannot restore the content types an earlier
# transactional test's flush has made again under new ids.)
queue_test = pytest.mark.django_db(transaction=True)


def _parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def _attempts(task) -> list[tuple[str, int, str]]:
    """(status, attempt, error class) of each run of ``task``, oldest first."""
    return [
        (
            row.status,
            row.args_kwargs["kwargs"].get("attempt", 1),
            row.exception_class_path,
        )
        for row in DBTaskResult.objects.filter(task_path=task.module_path).order_by(
            "enqueued_at"
        )
    ]


@queue_test
def test_the_three_mails_go_out_through_smtp(smtp_settings, database_queue):
    consultant = User.objects.create_user(
        "carla", email="carla@example.com", is_staff=True
    )
    # Made by a migration, gone if an earlier transactional test flushed it.
    consultants, _created = Group.objects.get_or_create(name="Consultants")
    consultant.groups.add(consultants)
    assessment = services.assessment_create_from_answers(
        answers=parse_answers(answers_dict()), contact_email="ada@example.com"
    )
    client = Client()
    link = reverse("assessments:send_link", args=[assessment.token])
    client.post(link, {"email": "ada.home@example.com", "step": "review"})
    client.post(reverse("assessments:review", args=[assessment.token]))
    assessment.refresh_from_db()
    assessment.status = Status.REVIEWED
    services.assessment_save_review(assessment=assessment, by=consultant)
    database_queue()

    received = smtp_settings.wait_for(3)
    by_subject = {mail.message["Subject"]: mail for mail in received}
    assert sorted(by_subject) == [
        f"New assessment to review (no. {assessment.pk})",
        "Your private link to TeamAdvisor",
        "Your team plan has been reviewed",
    ]
    private = f"https://testserver/a/{assessment.token}/"
    admin = f"https://testserver/admin/assessments/assessment/{assessment.pk}/change/"
    expected = {
        "Your private link to TeamAdvisor": (["ada.home@example.com"], private),
        f"New assessment to review (no. {assessment.pk})": (
            ["carla@example.com"],
            admin,
        ),
        "Your team plan has been reviewed": (["ada@example.com"], private),
    }
    for subject, (recipients, url) in expected.items():
        mail = by_subject[subject]
        text, html = _parts(mail.message)
        assert mail.recipients == recipients
        assert mail.message["From"] == "TeamAdvisor <webmaster@localhost>"
        assert url in text.splitlines()
        assert f'href="{url}"' in html
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@queue_test
def test_a_mail_the_server_refused_once_is_sent_again(
    smtp_settings, database_queue, settings
):
    settings.TEAMADVISOR_MAIL_RETRY_DELAYS = (0, 0, 0, 0)
    smtp_settings.refusals.append("451 4.3.2 Too busy, try again later")
    assessment = submitted_assessment()
    tasks.send_private_link.enqueue(assessment.pk, "ada@example.com")
    database_queue()

    [mail] = smtp_settings.wait_for(1)
    assert mail.recipients == ["ada@example.com"]
    assert _attempts(tasks.send_private_link) == [
        ("FAILED", 1, "assessments.tasks.MailRetryScheduled"),
        ("SUCCESSFUL", 2, ""),
    ]
    first = DBTaskResult.objects.filter(status="FAILED").get()
    assert "SMTPDataError: (451" in first.traceback


@queue_test
def test_the_next_attempt_waits_for_its_delay(smtp_settings, database_queue):
    smtp_settings.refusals.append("421 4.7.0 Closing, try again later")
    assessment = submitted_assessment()
    tasks.send_private_link.enqueue(assessment.pk, "ada@example.com")
    before = timezone.now()
    database_queue()

    assert smtp_settings.received == []
    retry = DBTaskResult.objects.get(status="READY")
    assert timedelta(seconds=59) < retry.run_after - before < timedelta(seconds=61)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    database_queue()
    assert len(smtp_settings.wait_for(1)) == 1


@queue_test
def test_a_mail_refused_for_good_is_not_sent_again(smtp_settings, database_queue):
    smtp_settings.refusals.append("550 5.1.1 No such mailbox")
    assessment = submitted_assessment()
    tasks.send_private_link.enqueue(assessment.pk, "nobody@example.com")
    database_queue()

    assert smtp_settings.received == []
    assert _attempts(tasks.send_private_link) == [
        ("FAILED", 1, "smtplib.SMTPDataError"),
    ]


def test_sendtestemail_goes_through_the_configured_server(smtp_settings):
    call_command("sendtestemail", "ada@example.com")
    [mail] = smtp_settings.wait_for(1)
    assert mail.recipients == ["ada@example.com"]
    assert mail.message["Subject"].startswith("Test email from ")
