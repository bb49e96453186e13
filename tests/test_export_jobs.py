"""Bulk PDF exports as background jobs: the admin action, the task that writes
the ZIP, the export's page and its download. Tasks run at once here (the
immediate backend of the test settings) once the action's transaction
commits; the last test runs one on a real ``db_worker``.
"""

import io
import json
import re
import zipfile
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import pdf as pdf_module
from assessments import services, task_queue, tasks
from assessments.choices import ExportStatus
from assessments.models import Assessment, ExportJob
from assessments.selectors import assessment_report
from tests.factories import draft_assessment, example, submitted_assessment
from tests.test_worker import _env, _manage, _worker

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assessments_assessment_changelist")
JOBS = reverse("admin:assessments_exportjob_changelist")


@pytest.fixture
def renders(monkeypatch) -> list:
    """A quick stand-in for WeasyPrint (seconds a PDF); one entry per render."""
    calls = []

    def render(report) -> bytes:
        calls.append(report.revision)
        return b"%PDF-1.7 stand-in for " + report.revision.encode()

    monkeypatch.setattr(pdf_module, "render_report_pdf", render)
    return calls


def _consultant(username: str) -> User:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


@pytest.fixture
def consultant() -> User:
    return _consultant("carla")


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


def _export(client, assessments, capture, *, run: bool = True):
    """Select ``assessments`` in the list and run the export action; the task
    runs when the request's transaction commits if ``run``."""
    with capture(execute=run):
        return client.post(
            CHANGELIST,
            {"action": "export_pdfs", "_selected_action": [a.pk for a in assessments]},
        )


def _job_url(job: ExportJob) -> str:
    return reverse("admin:assessments_exportjob_change", args=[job.pk])


def _download_url(job: ExportJob) -> str:
    return reverse("admin:assessments_exportjob_download", args=[job.pk])


def _readonly(page: str, field: str) -> str:
    """The text of one read-only field on an admin change page."""
    match = re.search(
        rf'field-{field}\b.*?<div class="readonly">(.*?)</div>', page, re.DOTALL
    )
    assert match, f"no field {field}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match[1])).split())


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# The action ----------------------------------------------------------------


def test_action_creates_a_queued_job_and_redirects_to_its_page(
    consultant_client, consultant, renders, django_capture_on_commit_callbacks
):
    done = [submitted_assessment(), submitted_assessment()]
    draft = draft_assessment()
    response = _export(
        consultant_client, [*done, draft], django_capture_on_commit_callbacks, run=False
    )
    [job] = ExportJob.objects.all()
    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    assert (job.author, job.status, job.total, job.done, job.skipped_drafts) == (
        consultant,
        ExportStatus.QUEUED,
        2,
        0,
        1,
    )
    assert job.assessment_ids == sorted(a.pk for a in done)
    assert renders == []  # nothing rendered inside the request


def test_action_queues_the_task_only_once_the_job_is_committed(
    consultant_client, renders, django_capture_on_commit_callbacks
):
    assessment = submitted_assessment()
    with django_capture_on_commit_callbacks() as callbacks:
        consultant_client.post(
            CHANGELIST, {"action": "export_pdfs", "_selected_action": [assessment.pk]}
        )
    assert ExportJob.objects.get().status == ExportStatus.QUEUED
    [enqueue] = callbacks
    enqueue()  # the commit
    assert ExportJob.objects.get().status == ExportStatus.DONE


def test_action_on_drafts_only_starts_no_export(
    consultant_client, django_capture_on_commit_callbacks
):
    response = _export(
        consultant_client, [draft_assessment()], django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Drafts have no team plan yet."
    ]
    assert not ExportJob.objects.exists()


def test_action_refuses_more_than_the_export_limit(
    consultant_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "MAX_PDF_EXPORT", 2)
    selected = [submitted_assessment() for _ in range(3)]
    response = _export(consultant_client, selected, django_capture_on_commit_callbacks)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Select at most 2 submitted assessments per export."
    ]
    assert not ExportJob.objects.exists()


def test_action_query_count_does_not_grow_with_the_selection(
    consultant_client, renders, django_capture_on_commit_callbacks
):
    template = submitted_assessment()

    def queries_for(count: int) -> int:
        Assessment.objects.bulk_create(
            Assessment(
                organization=template.organization,
                status=template.status,
                submitted_at=template.submitted_at,
                rulebook_version=template.rulebook_version,
            )
            for _ in range(count)
        )
        selected = Assessment.objects.order_by("-pk")[:count]
        with CaptureQueriesContext(connection) as queries:
            response = _export(
                consultant_client,
                selected,
                django_capture_on_commit_callbacks,
                run=False,
            )
        assert response.status_code == 302
        return len(queries)

    assert queries_for(5) == queries_for(200)


# The task ------------------------------------------------------------------


def test_export_zips_the_real_pdf_of_each_submitted_assessment(
    consultant_client, django_capture_on_commit_callbacks
):
    done = submitted_assessment(**example("research-startup"))
    draft = draft_assessment()
    _export(consultant_client, [done, draft], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert (job.status, job.done, job.total, job.error) == (
        ExportStatus.DONE,
        1,
        1,
        "",
    )
    archive = _zip(consultant_client.get(_download_url(job)))
    assert archive.namelist() == [f"{done.pk}-quanta-vision.pdf"]
    assert archive.getinfo(archive.namelist()[0]).compress_type == zipfile.ZIP_STORED
    assert archive.read(f"{done.pk}-quanta-vision.pdf").startswith(b"%PDF-")


def test_export_reuses_stored_pdfs_and_renders_the_others(
    consultant_client, renders, django_capture_on_commit_callbacks
):
    stored, fresh = submitted_assessment(), submitted_assessment()
    pdf_module.cached_report_pdf(assessment_report(stored), key=stored.token)
    assert len(renders) == 1
    _export(consultant_client, [stored, fresh], django_capture_on_commit_callbacks)
    assert renders[1:] == [assessment_report(fresh).revision]
    archive = _zip(consultant_client.get(_download_url(ExportJob.objects.get())))
    assert [archive.read(name) for name in archive.namelist()] == [
        b"%PDF-1.7 stand-in for " + assessment_report(a).revision.encode()
        for a in (stored, fresh)
    ]


def test_export_writes_progress_every_few_pdfs(
    consultant_client, renders, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "EXPORT_PROGRESS_EVERY", 2)
    monkeypatch.setattr(tasks, "EXPORT_PROGRESS_SECONDS", 3600)
    seen = []
    real = tasks.exports.write_pdfs_zip

    def spy(assessments, file, *, progress):
        def spying(done: int) -> None:
            progress(done)
            seen.append(ExportJob.objects.get().done)

        return real(assessments, file, progress=spying)

    monkeypatch.setattr(tasks.exports, "write_pdfs_zip", spy)
    selected = [submitted_assessment() for _ in range(5)]
    _export(consultant_client, selected, django_capture_on_commit_callbacks)
    assert seen == [0, 2, 2, 4, 4]
    assert ExportJob.objects.get().done == 5


def test_export_leaves_out_assessments_deleted_meanwhile(
    consultant_client, renders, django_capture_on_commit_callbacks
):
    kept, deleted = submitted_assessment(), submitted_assessment()
    _export(
        consultant_client,
        [kept, deleted],
        django_capture_on_commit_callbacks,
        run=False,
    )
    deleted.delete()
    job = ExportJob.objects.get()
    tasks.build_pdf_export.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (ExportStatus.DONE, 1, 1)


def test_a_failed_export_records_its_error(
    consultant_client, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(report):
        raise OSError("disk full")

    monkeypatch.setattr(pdf_module, "render_report_pdf", broken)
    _export(
        consultant_client, [submitted_assessment()], django_capture_on_commit_callbacks
    )
    job = ExportJob.objects.get()
    assert (job.status, job.error, job.zip_file.name) == (
        ExportStatus.FAILED,
        "OSError: disk full",
        "",
    )
    assert job.finished_at is not None
    page = consultant_client.get(_job_url(job)).content.decode()
    assert _readonly(page, "result") == "The export failed: OSError: disk full"
    assert consultant_client.get(_download_url(job)).status_code == 404


def test_a_finished_export_run_again_is_left_as_it_is(
    consultant_client, renders, django_capture_on_commit_callbacks
):
    _export(
        consultant_client, [submitted_assessment()], django_capture_on_commit_callbacks
    )
    job = ExportJob.objects.get()
    assert tasks.build_pdf_export.call(job.pk) == "already done"
    assert ExportJob.objects.get().zip_file == job.zip_file


def test_exports_older_than_a_week_are_deleted_with_their_zip(
    consultant_client, consultant, renders, django_capture_on_commit_callbacks
):
    name = default_storage.save("exports/old-folder/team-plans.zip", ContentFile(b"z"))
    old = ExportJob.objects.create(
        author=consultant, status=ExportStatus.DONE, zip_file=name
    )
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - tasks.EXPORT_KEPT_FOR - timedelta(minutes=1)
    )
    _export(
        consultant_client, [submitted_assessment()], django_capture_on_commit_callbacks
    )
    assert list(ExportJob.objects.values_list("status", flat=True)) == [
        ExportStatus.DONE
    ]
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(name)
    assert not default_storage.exists("exports/old-folder")


# The export's page and its download ------------------------------------------


def test_job_page_shows_progress_and_a_refresh_link_while_running(
    consultant_client, consultant
):
    job = ExportJob.objects.create(
        author=consultant, status=ExportStatus.RUNNING, total=500, done=120
    )
    page = consultant_client.get(_job_url(job)).content.decode()
    assert _readonly(page, "status") == "Running"
    assert re.findall(r"<progress[^>]*>", page) == [
        '<progress value="120" max="500" data-export-running>'
    ]
    assert _readonly(page, "progress") == "120 of 500 120 of 500 PDFs · Refresh"
    assert f'<a href="{_job_url(job)}">Refresh</a>' in page
    assert _readonly(page, "result") == "Not ready yet."
    # Its script reloads the page; the CSP allows no inline script.
    assert '<script src="/static/js/export_job.js"></script>' in page
    assert "<script>" not in page


def test_job_page_of_a_finished_export_offers_the_zip_and_names_skipped_drafts(
    consultant_client, renders, django_capture_on_commit_callbacks
):
    selected = [submitted_assessment(), draft_assessment(), draft_assessment()]
    response = _export(consultant_client, selected, django_capture_on_commit_callbacks)
    page = consultant_client.get(response["Location"]).content.decode()
    job = ExportJob.objects.get()
    assert _readonly(page, "status") == "Ready"
    assert re.findall(r"<progress[^>]*>", page) == ['<progress value="1" max="1">']
    assert _readonly(page, "result") == (
        "Download the ZIP (1 PDF). Skipped 2 drafts: a draft has no team plan "
        "until the client submits it."
    )
    assert f'<a href="{_download_url(job)}" download>' in page


def test_download_is_private_and_names_the_zip(
    consultant_client, renders, django_capture_on_commit_callbacks
):
    _export(
        consultant_client, [submitted_assessment()], django_capture_on_commit_callbacks
    )
    response = consultant_client.get(_download_url(ExportJob.objects.get()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="team-plans-\d{8}-\d{6}\.zip"',
        response["Content-Disposition"],
    )
    assert "private" in response["Cache-Control"].split(", ")
    assert "no-store" in response["Cache-Control"].split(", ")


def test_only_the_author_sees_or_downloads_an_export(
    client, consultant, renders, django_capture_on_commit_callbacks
):
    client.force_login(consultant)
    _export(client, [submitted_assessment()], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    colleague = _consultant("dan")
    superuser = User.objects.create_superuser("root", password="x")
    for other in (colleague, superuser):
        client.force_login(other)
        assert client.get(_download_url(job)).status_code == 404
        assert client.get(JOBS).context["cl"].result_count == 0
        # The admin's answer for an object it cannot find: back to the index.
        assert client.get(_job_url(job)).status_code == 302
    client.force_login(consultant)
    assert list(client.get(JOBS).context["cl"].result_list) == [job]
    assert client.get(_download_url(job)).status_code == 200


def test_anonymous_and_non_staff_get_the_admin_login(
    client, consultant, renders, django_capture_on_commit_callbacks
):
    client.force_login(consultant)
    _export(client, [submitted_assessment()], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    client.logout()
    visitor = User.objects.create_user("visitor")
    for user in (None, visitor):
        if user:
            client.force_login(user)
        for url in (_download_url(job), _job_url(job), JOBS):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_consultants_permissions_get_403(client, consultant):
    job = ExportJob.objects.create(author=consultant, status=ExportStatus.DONE)
    staff = User.objects.create_user("staff", is_staff=True)
    client.force_login(staff)
    assert client.get(_download_url(job)).status_code == 403
    assert client.get(JOBS).status_code == 403


def test_a_download_before_the_zip_is_ready_is_404(consultant_client, consultant):
    job = ExportJob.objects.create(author=consultant, status=ExportStatus.RUNNING)
    assert consultant_client.get(_download_url(job)).status_code == 404


# A real worker ---------------------------------------------------------------

EXPORT_ONE = """
from django.contrib.auth.models import User
from assessments import services
from assessments.models import Assessment
from tests.factories import draft_assessment, submitted_assessment
from django.db import transaction
author = User.objects.create_user("carla", is_staff=True)
with transaction.atomic():
    submitted_assessment(), draft_assessment()
services.export_job_start(author=author, assessments=Assessment.objects.all())
"""

JOB_ROWS = """
import json
from assessments.models import ExportJob
fields = ["status", "done", "total", "skipped_drafts", "error"]
print(json.dumps(list(ExportJob.objects.values(*fields))))
"""


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_export(tmp_path):
    env = _env(tmp_path, smtp_port=1)
    if connection.vendor != "postgresql":
        _manage(env, "migrate", "--noinput")
    # The submission's PDF render is queued too; the export reuses that PDF.
    _manage(env, "shell", "-v", "0", "-c", EXPORT_ONE)
    worker = _worker(env, "exporter", "--batch")
    assert worker.wait(120) == 0, worker.stdout.read()
    assert json.loads(_manage(env, "shell", "-v", "0", "-c", JOB_ROWS)) == [
        {
            "status": "done",
            "done": 1,
            "total": 1,
            "skipped_drafts": 1,
            "error": "",
        }
    ]
    [zip_path] = (tmp_path / "media" / "exports").glob("*/team-plans-*.zip")
    with zipfile.ZipFile(zip_path) as archive:
        [name] = archive.namelist()
        assert archive.read(name).startswith(b"%PDF-")


def test_an_export_whose_workers_died_too_often_is_marked_failed(
    consultant_client, django_capture_on_commit_callbacks, database_queue
):
    # The job's task claimed by three workers that all died mid-export: the
    # queue gives up on the task, and the job's page says so instead of
    # showing "Running" for ever.
    _export(
        consultant_client,
        [submitted_assessment()],
        django_capture_on_commit_callbacks,
        run=False,
    )
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=0)
    result = tasks.build_pdf_export.enqueue(job.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(hours=1),
        worker_ids=["w1", "w2", "w3"],
    )
    assert task_queue.requeue_stalled() == (0, 1)
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, tasks.EXPORT_LOST)
    assert job.finished_at is not None
    page = consultant_client.get(_job_url(job)).content.decode()
    assert _readonly(page, "result") == f"The export failed: {tasks.EXPORT_LOST}"


def test_a_given_up_task_of_another_kind_leaves_exports_alone(database_queue):
    job = ExportJob.objects.create(author=_consultant("bob"), total=1)
    result = tasks.render_report_pdf.enqueue(job.pk)  # the same number, by chance
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(hours=1),
        worker_ids=["w1", "w2", "w3"],
    )
    assert task_queue.requeue_stalled() == (0, 1)
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.QUEUED, "")
