"""Background work: Django's tasks framework (the django-tasks backport), run by
``manage.py db_worker`` from the database queue.

Tasks take ids, not objects: they run later, maybe on another machine, and
read the rows as they are then. Each may run more than once (a retried mail,
a task re-queued after its worker died, see ``assessments.task_queue``), so
each is safe to repeat: a PDF is rendered once per revision, and a mail sent
twice is a nuisance, not a harm.

Mail is retried when the failure may pass (a 4xx reply, a lost connection,
a timeout): each attempt that fails is recorded as failed, with its error,
and queues the next one ``TEAMADVISOR_MAIL_RETRY_DELAYS`` later; after the
last one the mail fails for good. A 5xx reply (no such mailbox) is final.
"""

import contextlib
import secrets
import smtplib
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from assessments import exports, mail, retention
from assessments.choices import ExportStatus, Status
from assessments.models import Assessment, ExportJob
from assessments.pdf import cached_report_pdf
from assessments.selectors import assessment_report

# A mail waits behind no PDF: the client who asked for a link is waiting.
MAIL_PRIORITY = 10


class MailRetryScheduled(Exception):
    """This attempt failed; a later one is queued. Its cause is the SMTP error."""


def _assessment(assessment_id: int) -> Assessment | None:
    return (
        Assessment.objects.select_related("organization", "assigned_to")
        .filter(pk=assessment_id)
        .first()
    )


@task()
def render_report_pdf(assessment_id: int) -> str:
    """Render the team plan's PDF into storage, so the first download is cached.

    Returns the report revision rendered.
    """
    assessment = _assessment(assessment_id)
    if assessment is None or assessment.is_draft:
        return "nothing to render"
    report = assessment_report(assessment)
    cached_report_pdf(report, key=assessment.token)
    return report.revision


@task(priority=MAIL_PRIORITY)
def send_private_link(assessment_id: int, to: str, attempt: int = 1) -> str:
    assessment = _assessment(assessment_id)
    if assessment is None:
        return "no such assessment"
    message = mail.private_link(assessment, to=to)
    return _deliver(message, send_private_link, [assessment_id, to], attempt)


@task(priority=MAIL_PRIORITY)
def notify_consultants_of_submission(assessment_id: int, attempt: int = 1) -> str:
    assessment = _assessment(assessment_id)
    if assessment is None:
        return "no such assessment"
    to = mail.consultant_addresses()
    if not to:
        return "no consultant has an e-mail address"
    message = mail.submission_notice(assessment, to=to)
    return _deliver(message, notify_consultants_of_submission, [assessment_id], attempt)


@task(priority=MAIL_PRIORITY)
def notify_client_of_review(assessment_id: int, attempt: int = 1) -> str:
    assessment = _assessment(assessment_id)
    if assessment is None or assessment.status != Status.REVIEWED:
        # Back in review before the mail went out: the client is told next time.
        return "not reviewed"
    if not assessment.organization.contact_email:
        return "no contact address"
    message = mail.review_done(assessment)
    return _deliver(message, notify_client_of_review, [assessment_id], attempt)


def _deliver(message: EmailMessage, again: Task, args: Sequence, attempt: int) -> str:
    """Send ``message``; if that fails for now, queue ``again(*args)`` for later."""
    try:
        message.send()
    except OSError as error:  # smtplib's errors, refused connections, timeouts
        delays = settings.TEAMADVISOR_MAIL_RETRY_DELAYS
        if not is_temporary(error) or attempt > len(delays):
            raise
        delay = timedelta(seconds=delays[attempt - 1])
        if again.get_backend().supports_defer:
            again = again.using(run_after=timezone.now() + delay)
        again.enqueue(*args, attempt=attempt + 1)
        raise MailRetryScheduled(
            f"attempt {attempt} of {len(delays) + 1} failed; the next one is "
            f"queued to run in {delay}"
        ) from error
    return f"sent to {len(message.recipients())} recipient(s)"


# Bulk exports: progress is written after every ``progress_every`` files of
# the export's kind (exports.ZIP_KINDS), or after a second, whichever comes
# first; each write is its own small transaction.
EXPORT_PROGRESS_SECONDS = 1.0
# Assessments read per query while exporting.
EXPORT_CHUNK = 100
# An export and its ZIP are deleted when a later export starts this much later.
EXPORT_KEPT_FOR = timedelta(days=7)


@task()
def build_export(job_id: int) -> str:
    """Write the job's team-plan PDFs or answers files (its kind) into one ZIP
    in storage.

    Safe to repeat: a job run again (its worker died) starts over and writes
    a new ZIP; a finished job is left as it is. A failure is recorded on the
    job, then raised, so that the queue records it too.
    """
    _prune_export_jobs()
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "no such export"
    if job.status == ExportStatus.DONE:
        return "already done"
    jobs = ExportJob.objects.filter(pk=job_id)
    jobs.update(
        status=ExportStatus.RUNNING, done=0, error="", updated_at=timezone.now()
    )
    try:
        name, written = _write_export(job)
    except Exception as error:
        jobs.update(
            status=ExportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        raise
    jobs.update(
        status=ExportStatus.DONE,
        zip_file=name,
        total=written,
        done=written,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return f"{written} file(s) in {name}"


# Queued before exports had kinds (all PDF exports): the same task.
build_pdf_export = build_export


def task_given_up(task_path: str, args: list) -> None:
    """Record on its object that a task will never finish: its workers died
    (``task_queue.requeue_stalled``). Only an export has anyone waiting on a
    page for it; a PDF is rendered on download, a lost mail cannot be told."""
    if task_path == build_export.module_path:
        now = timezone.now()
        ExportJob.objects.filter(pk=args[0]).exclude(status=ExportStatus.DONE).update(
            status=ExportStatus.FAILED,
            error=EXPORT_LOST,
            finished_at=now,
            updated_at=now,
        )


EXPORT_LOST = (
    "The export stopped: the worker building it was lost several times. "
    "Start the export again with fewer assessments, or ask an administrator "
    "to look at the workers' logs."
)


def _write_export(job: ExportJob) -> tuple[str, int]:
    kind = exports.ZIP_KINDS[job.kind]
    jobs = ExportJob.objects.filter(pk=job.pk)
    last_update = time.monotonic()

    def progress(done: int) -> None:
        nonlocal last_update
        now = time.monotonic()
        if done % kind.progress_every and now - last_update < EXPORT_PROGRESS_SECONDS:
            return
        jobs.update(done=done, updated_at=timezone.now())
        last_update = now

    # On disk, not in memory: 1,000 PDFs make a ZIP of about 55 MB.
    with tempfile.TemporaryFile() as scratch:
        written = kind.write(
            _export_assessments(job.assessment_ids), scratch, progress=progress
        )
        scratch.seek(0)
        # A random folder: the name says nothing and cannot be guessed.
        folder = f"exports/{secrets.token_urlsafe(16)}"
        name = default_storage.save(f"{folder}/{kind.stem}-{job.pk}.zip", File(scratch))
    return name, written


def _export_assessments(ids: list[int]):
    """The assessments of ``ids`` that still exist, in chunks of a few queries."""
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield from (
            Assessment.objects.select_related("organization", "assigned_to")
            .filter(pk__in=ids[start : start + EXPORT_CHUNK])
            .order_by("pk")
        )


def _prune_export_jobs() -> None:
    old = ExportJob.objects.filter(created_at__lt=timezone.now() - EXPORT_KEPT_FOR)
    for pk, name in old.values_list("pk", "zip_file"):
        if name:
            default_storage.delete(name)
            # The random folder, now empty (storages without folders have none).
            with contextlib.suppress(OSError):
                default_storage.delete(name.rsplit("/", 1)[0])
        ExportJob.objects.filter(pk=pk).delete()


# Stale drafts and PDFs are removed once a day (see retention.py).
RETENTION_EVERY = timedelta(days=1)


@task()
def remove_stale_data() -> str:
    """Remove what is kept no longer, then queue the next run a day later:
    started once by ``remove_stale_data --schedule``, it keeps itself going."""
    try:
        return str(retention.remove_stale_data(timezone.now()))
    finally:
        schedule_stale_data_removal(after=RETENTION_EVERY, running=True)


def schedule_stale_data_removal(
    after: timedelta = timedelta(), *, running: bool = False
) -> bool:
    """Queue the retention task unless it is queued or running already (its
    own run, ``running``, aside); True if queued. Only a backend that can run
    a task later has a day to wait: elsewhere (the tests' immediate backend)
    nothing is scheduled.
    """
    if not remove_stale_data.get_backend().supports_defer:
        return False
    chain = DBTaskResult.objects.filter(task_path=remove_stale_data.module_path)
    # Waiting, whenever it is due (``ready()`` would count only those due
    # now, and miss tomorrow's run), or running, its own run aside.
    alive = chain.filter(status=TaskResultStatus.READY)
    if not running:
        alive |= chain.running()
    if alive.exists():
        return False
    remove_stale_data.using(run_after=timezone.now() + after).enqueue()
    return True


def is_temporary(error: OSError) -> bool:
    """A failure that may pass: a 4xx reply, or no reply at all."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return True
