"""Background tasks: what a submission and a review queue once they commit,
and what each task does. Tasks run at once here (the immediate backend of
the test settings); tests/test_mail_smtp.py and tests/test_worker.py run them
on the database queue."""

import smtplib

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail as outbox
from django.core.files.storage import default_storage
from django.urls import reverse

from assessments import pdf as pdf_module
from assessments import services, tasks
from assessments.advice import AnswersInvalid, parse_answers
from assessments.choices import Status
from assessments.models import Assessment
from assessments.selectors import assessment_report
from tests.factories import answers_dict, draft_assessment, submitted_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch) -> list:
    """One entry per PDF actually rendered (not served from storage)."""
    calls = []
    real = pdf_module.render_report_pdf
    monkeypatch.setattr(
        pdf_module, "render_report_pdf", lambda report: calls.append(1) or real(report)
    )
    return calls


@pytest.fixture
def quick_pdfs(monkeypatch) -> None:
    """For tests of mail: the PDF rendered at each submit or review is beside
    the point, and takes seconds."""
    monkeypatch.setattr(pdf_module, "render_report_pdf", lambda report: b"%PDF-")


@pytest.fixture
def consultant() -> User:
    user = User.objects.create_user("carla", email="carla@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


def _submit(assessment: Assessment, capture) -> None:
    with capture(execute=True):
        services.assessment_submit(assessment=assessment)


def _review(assessment: Assessment, capture, *, by: User, **fields) -> None:
    for field, value in fields.items():
        setattr(assessment, field, value)
    with capture(execute=True):
        services.assessment_save_review(assessment=assessment, by=by)


def _client_assessment(contact_email: str = "ada@example.com") -> Assessment:
    return services.assessment_create_from_answers(
        answers=parse_answers(answers_dict()), contact_email=contact_email
    )


def _stored_pdfs(assessment: Assessment) -> list[str]:
    return default_storage.listdir(f"team-plans/{assessment.token}")[1]


def test_submitting_renders_the_pdf_so_the_first_download_is_stored(
    client, renders, django_capture_on_commit_callbacks
):
    assessment = draft_assessment()
    _submit(assessment, django_capture_on_commit_callbacks)
    revision = assessment_report(assessment).revision
    assert _stored_pdfs(assessment) == [f"{revision}.pdf"]
    assert len(renders) == 1
    response = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    assert response.status_code == 200
    assert len(renders) == 1  # the download rendered nothing


def test_submitting_tells_the_consultants(
    quick_pdfs, consultant, django_capture_on_commit_callbacks
):
    assessment = draft_assessment()
    _submit(assessment, django_capture_on_commit_callbacks)
    [notice] = outbox.outbox
    assert notice.to == ["carla@example.com"]
    assert notice.subject == f"New assessment to review (no. {assessment.pk})"


def test_submitting_with_no_consultant_address_sends_nothing(
    quick_pdfs,
    django_capture_on_commit_callbacks,
):
    _submit(draft_assessment(), django_capture_on_commit_callbacks)
    assert outbox.outbox == []


def test_nothing_is_queued_when_the_submission_rolls_back(
    django_capture_on_commit_callbacks,
):
    assessment = draft_assessment()
    # More full-stack data scientists than data scientists: submit refuses.
    Assessment.objects.filter(pk=assessment.pk).update(full_stack_data_scientists=9)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(AnswersInvalid),
    ):
        services.assessment_submit(assessment=assessment)
    assert callbacks == []


def test_a_review_change_renders_the_new_revision(
    consultant, renders, django_capture_on_commit_callbacks
):
    assessment = draft_assessment()
    _submit(assessment, django_capture_on_commit_callbacks)
    _review(
        assessment,
        django_capture_on_commit_callbacks,
        by=consultant,
        client_comment="Hire the data engineer first.",
    )
    revision = assessment_report(assessment).revision
    assert _stored_pdfs(assessment) == [f"{revision}.pdf"]
    assert len(renders) == 2


def test_marking_the_review_done_tells_the_client_once(
    quick_pdfs, consultant, django_capture_on_commit_callbacks
):
    assessment = _client_assessment()
    _submit(assessment, django_capture_on_commit_callbacks)
    outbox.outbox.clear()
    _review(
        assessment, django_capture_on_commit_callbacks, by=consultant, status="reviewed"
    )
    _review(
        assessment,
        django_capture_on_commit_callbacks,
        by=consultant,
        client_comment="!",
    )
    [done] = outbox.outbox
    assert done.to == ["ada@example.com"]
    assert done.subject == "Your team plan has been reviewed"


def test_a_review_done_without_a_contact_address_sends_nothing(
    quick_pdfs, consultant, django_capture_on_commit_callbacks
):
    assessment = _client_assessment(contact_email="")
    _submit(assessment, django_capture_on_commit_callbacks)
    outbox.outbox.clear()
    _review(
        assessment, django_capture_on_commit_callbacks, by=consultant, status="reviewed"
    )
    assert outbox.outbox == []


def test_the_client_is_not_told_if_the_review_reopened_before_the_mail_went():
    assessment = _client_assessment()
    services.assessment_submit(assessment=assessment)
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.IN_REVIEW)
    result = tasks.notify_client_of_review.enqueue(assessment.pk)
    assert result.return_value == "not reviewed"
    assert outbox.outbox == []


def test_a_queue_that_cannot_take_the_task_does_not_fail_the_submission(
    quick_pdfs, client, settings, django_capture_on_commit_callbacks
):
    # A backend that refuses every task stands for a queue out of reach.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["elsewhere"],
        }
    }
    assessment = draft_assessment()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("assessments:review", args=[assessment.token]))
    assert response.status_code == 302
    assert len(callbacks) == 2
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


def test_render_task_skips_a_draft(renders):
    result = tasks.render_report_pdf.enqueue(draft_assessment().pk)
    assert result.return_value == "nothing to render"
    assert renders == []


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (smtplib.SMTPDataError(451, b"try again later"), True),
        (smtplib.SMTPDataError(554, b"rejected as spam"), False),
        (smtplib.SMTPSenderRefused(421, b"busy", "a@example.com"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad password"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"greylisted")}), True),
        (
            smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}),
            False,
        ),
        (smtplib.SMTPServerDisconnected("lost"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else "",
)
def test_only_failures_that_may_pass_are_retried(error, temporary):
    assert tasks.is_temporary(error) is temporary


def test_a_mail_fails_for_good_after_the_last_attempt(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nobody listens
    settings.TEAMADVISOR_MAIL_RETRY_DELAYS = (0, 0)
    assessment = submitted_assessment()
    result = tasks.send_private_link.enqueue(assessment.pk, "ada@example.com")
    # The immediate backend runs each retry inside the attempt that queued it.
    assert result.status == "FAILED"
    [error] = result.errors
    assert error.exception_class_path == "assessments.tasks.MailRetryScheduled"
    assert "attempt 1 of 3 failed" in error.traceback
    assert "ConnectionRefusedError" in error.traceback
