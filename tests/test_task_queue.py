"""The queue as an operator sees it (queue_status) and the recovery of tasks a
dead worker left running (requeue_stalled_tasks), on the database backend's
own rows. tests/test_worker.py does the same with a real worker process."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import tasks
from assessments.task_queue import WorkerLost

pytestmark = pytest.mark.django_db


def _queued(**fields) -> DBTaskResult:
    """A queued render task, its row then changed to ``fields``."""
    result = tasks.render_report_pdf.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(**fields)
    return DBTaskResult.objects.get(pk=result.id)


def _ago(**delta) -> datetime:
    return timezone.now() - timedelta(**delta)


def _run(command: str, *args: str) -> list[str]:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue().splitlines()


def test_queue_status_counts_from_when_each_task_could_run(database_queue):
    _queued(enqueued_at=_ago(seconds=30))
    _queued(enqueued_at=_ago(seconds=120))
    # A retry queued an hour ago to run 10 s ago has waited 10 s.
    _queued(enqueued_at=_ago(hours=1), run_after=_ago(seconds=10))
    _queued(run_after=timezone.now() + timedelta(minutes=5))  # not ready yet
    assert _run("queue_status") == [
        "ready: 3, oldest waiting 120 s",
        "running: 0",
        "failed in the last 24 hours: 0",
    ]


def test_queue_status_fails_when_the_oldest_task_waited_too_long(database_queue):
    _queued(enqueued_at=_ago(seconds=120))
    with pytest.raises(CommandError, match="waited 120 s, more than 60 s"):
        _run("queue_status", "--max-age", "60")
    assert _run("queue_status", "--max-age", "300")[0] == (
        "ready: 1, oldest waiting 120 s"
    )


def test_queue_status_points_at_a_task_running_too_long(database_queue):
    _queued(status="RUNNING", started_at=_ago(minutes=20), worker_ids=["w1"])
    assert _run("queue_status")[1] == (
        "running: 1, longest 1200 s (its worker may have died: see "
        "requeue_stalled_tasks)"
    )


def test_a_mail_attempt_followed_by_a_retry_is_no_failure(database_queue):
    finished = {"status": "FAILED", "finished_at": _ago(minutes=1)}
    _queued(**finished, exception_class_path="assessments.tasks.MailRetryScheduled")
    _queued(**finished, exception_class_path="smtplib.SMTPDataError")
    _queued(status="FAILED", finished_at=_ago(days=2), exception_class_path="x.Y")
    assert _run("queue_status")[2] == "failed in the last 24 hours: 1"


def test_requeue_puts_back_tasks_running_past_the_stall_time(database_queue):
    stalled = _queued(status="RUNNING", started_at=_ago(minutes=20), worker_ids=["w1"])
    busy = _queued(status="RUNNING", started_at=_ago(minutes=1), worker_ids=["w2"])
    assert _run("requeue_stalled_tasks") == ["re-queued 1, failed 0"]
    stalled.refresh_from_db()
    busy.refresh_from_db()
    assert (stalled.status, stalled.worker_ids) == ("READY", ["w1"])
    assert busy.status == "RUNNING"


def test_requeue_fails_a_task_whose_workers_died_three_times(database_queue):
    deadly = _queued(
        status="RUNNING", started_at=_ago(minutes=20), worker_ids=["w1", "w2", "w3"]
    )
    assert _run("requeue_stalled_tasks") == ["re-queued 0, failed 1"]
    result = DBTaskResult.objects.get(pk=deadly.pk).task_result
    assert result.status == "FAILED"
    [error] = result.errors
    assert error.exception_class is WorkerLost
    assert error.traceback == (
        "WorkerLost: the worker died while running this task, 3 times "
        "(workers w1, w2, w3)\n"
    )


def test_requeue_older_than_zero_frees_every_running_task(database_queue):
    _queued(status="RUNNING", started_at=_ago(seconds=1), worker_ids=["w1"])
    assert _run("requeue_stalled_tasks", "--older-than", "0") == [
        "re-queued 1, failed 0"
    ]
