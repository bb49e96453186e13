"""Bulk exports as background jobs, of team-plan PDFs or of answers files:
the admin actions, the task that writes the ZIP, the export's page and its
download. Tasks run at once here (the immediate backend of the test settings)
once the action's transaction commits; the last tests run them on a real
``db_worker``.
"""

import io
import json
import re
import time
import zipfile
from dataclasses import replace
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

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

from assessments import exports, services, task_queue, tasks
from assessments import pdf as pdf_module
from assessments.advice import parse_answers
from assessments.choices import ExportKind, ExportStatus, Status
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


def _export(
    client, assessments, capture, *, run: bool = True, action: str = "export_pdfs"
):
    """Select ``assessments`` in the list and run the export ``action``; the
    task runs when the request's transaction commits if ``run``."""
    with capture(execute=run):
        return client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [a.pk for a in assessments]},
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


@pytest.mark.parametrize("action", ["export_pdfs", "export_answers"])
def test_action_query_count_does_not_grow_with_the_selection(
    consultant_client, renders, django_capture_on_commit_callbacks, action
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
                action=action,
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
    monkeypatch.setattr(tasks, "EXPORT_PROGRESS_SECONDS", 3600)
    seen = []
    pdfs = exports.ZIP_KINDS[ExportKind.PDFS]

    def spy(assessments, file, *, progress):
        def spying(done: int) -> None:
            progress(done)
            seen.append(ExportJob.objects.get().done)

        return pdfs.write(assessments, file, progress=spying)

    monkeypatch.setitem(
        exports.ZIP_KINDS, ExportKind.PDFS, replace(pdfs, write=spy, progress_every=2)
    )
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
    tasks.build_export.call(job.pk)
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
    assert tasks.build_export.call(job.pk) == "already done"
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


@pytest.mark.parametrize("action", ["export_pdfs", "export_answers"])
def test_only_the_author_sees_or_downloads_an_export(
    client, consultant, renders, django_capture_on_commit_callbacks, action
):
    client.force_login(consultant)
    _export(
        client,
        [submitted_assessment()],
        django_capture_on_commit_callbacks,
        action=action,
    )
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


# Answers files ---------------------------------------------------------------


@pytest.fixture
def stopped_zip_clock(monkeypatch):
    """ZIP entries dated by a stopped clock (each carries the time it was
    written), so that two ZIPs of the same files compare byte for byte."""
    clock = SimpleNamespace(time=lambda: 1_767_225_600.0, localtime=time.localtime)
    monkeypatch.setattr(zipfile, "time", clock)


def test_answers_action_queues_a_job_and_writes_no_answers_file_in_the_request(
    consultant_client, consultant, monkeypatch, django_capture_on_commit_callbacks
):
    written = []
    real = exports.assessment_to_answers

    def spy(assessment):
        written.append(assessment.pk)
        return real(assessment)

    monkeypatch.setattr(exports, "assessment_to_answers", spy)
    done = [submitted_assessment(), submitted_assessment()]
    response = _export(
        consultant_client,
        [*done, draft_assessment()],
        django_capture_on_commit_callbacks,
        run=False,
        action="export_answers",
    )
    [job] = ExportJob.objects.all()
    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    assert (job.author, job.kind, job.status, job.total, job.skipped_drafts) == (
        consultant,
        ExportKind.ANSWERS,
        ExportStatus.QUEUED,
        2,
        1,
    )
    assert job.assessment_ids == sorted(a.pk for a in done)
    assert written == []
    tasks.build_export.call(job.pk)  # the worker, later
    assert sorted(written) == job.assessment_ids


def test_answers_export_zip_is_the_answers_zip_of_the_selection(
    consultant_client, stopped_zip_clock, django_capture_on_commit_callbacks
):
    names = ("research-startup", "product-enterprise", "balanced-large-startup")
    selected = [submitted_assessment(**example(name)) for name in names]
    selected += [submitted_assessment(), draft_assessment()]
    _export(
        consultant_client,
        selected,
        django_capture_on_commit_callbacks,
        action="export_answers",
    )
    download = consultant_client.get(_download_url(ExportJob.objects.get()))
    content = b"".join(download.streaming_content)
    submitted = Assessment.objects.exclude(status=Status.DRAFT).order_by("pk")
    assert content == exports.answers_zip(submitted)
    assert len(zipfile.ZipFile(io.BytesIO(content)).namelist()) == 4


def test_answers_action_takes_more_than_the_pdf_limit(
    consultant_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "MAX_PDF_EXPORT", 2)
    selected = [submitted_assessment() for _ in range(3)]
    _export(
        consultant_client,
        selected,
        django_capture_on_commit_callbacks,
        action="export_answers",
    )
    job = ExportJob.objects.get()
    assert (job.status, job.done, job.total) == (ExportStatus.DONE, 3, 3)


def test_a_failed_answers_export_records_its_error(
    consultant_client, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(assessment):
        raise ValueError("unreadable row")

    monkeypatch.setattr(exports, "assessment_to_answers", broken)
    _export(
        consultant_client,
        [submitted_assessment()],
        django_capture_on_commit_callbacks,
        action="export_answers",
    )
    job = ExportJob.objects.get()
    assert (job.status, job.error, job.zip_file.name) == (
        ExportStatus.FAILED,
        "ValueError: unreadable row",
        "",
    )
    page = consultant_client.get(_job_url(job)).content.decode()
    assert _readonly(page, "result") == "The export failed: ValueError: unreadable row"
    assert consultant_client.get(_download_url(job)).status_code == 404


def test_answers_job_page_names_its_kind_and_its_files(
    consultant_client, django_capture_on_commit_callbacks
):
    selected = [submitted_assessment(), submitted_assessment(), draft_assessment()]
    response = _export(
        consultant_client,
        selected,
        django_capture_on_commit_callbacks,
        action="export_answers",
    )
    page = consultant_client.get(response["Location"]).content.decode()
    assert _readonly(page, "kind") == "Answers files (JSON)"
    assert _readonly(page, "progress") == "2 of 2 2 of 2 answers files"
    assert _readonly(page, "result") == (
        "Download the ZIP (2 answers files). Skipped 1 draft: a draft has no "
        "answers file until the client submits it."
    )


def test_answers_download_names_its_zip(
    consultant_client, django_capture_on_commit_callbacks
):
    _export(
        consultant_client,
        [submitted_assessment()],
        django_capture_on_commit_callbacks,
        action="export_answers",
    )
    response = consultant_client.get(_download_url(ExportJob.objects.get()))
    assert response["Content-Type"] == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="answers-files-\d{8}-\d{6}\.zip"',
        response["Content-Disposition"],
    )


def test_job_list_names_each_exports_kind(consultant_client, consultant):
    pdfs = ExportJob.objects.create(author=consultant, kind=ExportKind.PDFS)
    answers = ExportJob.objects.create(author=consultant, kind=ExportKind.ANSWERS)
    page = consultant_client.get(JOBS).content.decode()
    assert re.findall(r'<th class="field-__str__"><a [^>]*>(.*?)</a>', page) == [
        f"Answers files (JSON), export {answers.pk} of "
        f"{answers.created_at:%Y-%m-%d %H:%M}",
        f"Team-plan PDFs, export {pdfs.pk} of {pdfs.created_at:%Y-%m-%d %H:%M}",
    ]


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
services.export_job_start(
    author=author, assessments=Assessment.objects.all(), kind="{kind}"
)
"""

JOB_ROWS = """
import json
from assessments.models import ExportJob
fields = ["status", "done", "total", "skipped_drafts", "error"]
print(json.dumps(list(ExportJob.objects.values(*fields))))
"""


def _export_on_a_real_worker(tmp_path, kind: ExportKind) -> tuple[str, bytes]:
    """One submitted assessment and one draft exported as ``kind`` by a real
    ``db_worker``: the one file's name and content in the ZIP."""
    env = _env(tmp_path, smtp_port=1)
    if connection.vendor != "postgresql":
        _manage(env, "migrate", "--noinput")
    # The submission's PDF render is queued too; a PDF export reuses that PDF.
    _manage(env, "shell", "-v", "0", "-c", EXPORT_ONE.format(kind=kind))
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
    stem = exports.ZIP_KINDS[kind].stem
    [zip_path] = (tmp_path / "media" / "exports").glob(f"*/{stem}-*.zip")
    with zipfile.ZipFile(zip_path) as archive:
        [name] = archive.namelist()
        return name, archive.read(name)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_export(tmp_path):
    name, content = _export_on_a_real_worker(tmp_path, ExportKind.PDFS)
    assert name.endswith(".pdf")
    assert content.startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_an_answers_export(tmp_path):
    name, content = _export_on_a_real_worker(tmp_path, ExportKind.ANSWERS)
    assert name.endswith(".json")
    parse_answers(json.loads(content))  # a valid answers file, or it raises


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
    result = tasks.build_export.enqueue(job.pk)
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


@pytest.mark.django_db(transaction=True)
def test_an_export_queued_under_the_tasks_old_name_still_runs(renders, database_queue):
    # No Consultants group here: a transactional test before may have
    # flushed the rows the migrations made.
    author = User.objects.create_user("carla", is_staff=True)
    job = ExportJob.objects.create(
        author=author, assessment_ids=[submitted_assessment().pk], total=1
    )
    result = tasks.build_export.enqueue(job.pk)
    # As queued before exports had kinds.
    DBTaskResult.objects.filter(pk=result.id).update(
        task_path="assessments.tasks.build_pdf_export"
    )
    database_queue()
    job.refresh_from_db()
    assert (job.status, job.done) == (ExportStatus.DONE, 1)


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
