"""The background queue as an operator sees it: how long the oldest ready task
has waited, and tasks that a dead worker left marked as running.

django-tasks' database backend marks a task RUNNING when a worker claims it
and never looks at it again until that worker finishes it. A worker stopped
with SIGTERM or Ctrl-C finishes its task first; one killed outright (SIGKILL,
out of memory, the machine lost) leaves the task RUNNING for ever: no other
worker takes it (upstream: RealOrangeOne/django-tasks-db#5). ``requeue_stalled``
puts such tasks back in the queue once they have run longer than any task
plausibly runs, and fails a task whose workers died too often, so a task that
kills its worker cannot do so for ever.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, Min, When
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from assessments.tasks import MailRetryScheduled, task_given_up

# Longer than any of our tasks runs: a PDF takes seconds, a mail attempt at
# most a few SMTP timeouts (EMAIL_TIMEOUT, 30 s by default).
STALLED_AFTER = timedelta(minutes=15)
# Claims of one task (its worker_ids) after which it is failed, not re-queued.
MAX_CLAIMS = 3
RETRIED = f"{MailRetryScheduled.__module__}.{MailRetryScheduled.__qualname__}"


class WorkerLost(Exception):
    """The task's worker died while running it, too often to try again."""


@dataclass(frozen=True)
class QueueState:
    ready: int
    # Since when the oldest ready task could have run (enqueued or run_after).
    oldest_ready_since: datetime | None
    running: int
    oldest_running_since: datetime | None
    # Failed for good in the last day: not counting mail attempts whose next
    # attempt was queued.
    failed_last_day: int

    def oldest_ready_age(self, now: datetime) -> timedelta:
        return now - self.oldest_ready_since if self.oldest_ready_since else timedelta()


def queue_state(now: datetime | None = None) -> QueueState:
    """The queue in three aggregate queries, each on an indexed status."""
    now = now or timezone.now()
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    ready = DBTaskResult.objects.ready().aggregate(
        count=Count("pk"), since=Min(ready_since)
    )
    running = DBTaskResult.objects.running().aggregate(
        count=Count("pk"), since=Min("started_at")
    )
    failed = (
        DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - timedelta(days=1))
        .exclude(exception_class_path=RETRIED)
        .count()
    )
    return QueueState(
        ready=ready["count"],
        oldest_ready_since=ready["since"],
        running=running["count"],
        oldest_running_since=running["since"],
        failed_last_day=failed,
    )


def requeue_stalled(
    *, older_than: timedelta = STALLED_AFTER, max_claims: int = MAX_CLAIMS
) -> tuple[int, int]:
    """Put tasks running since before ``older_than`` ago back in the queue, or
    fail those already claimed ``max_claims`` times. Returns (re-queued, failed).

    Each row is changed only if it is still running, so a worker that finishes
    the task meanwhile wins. A re-queued task runs again from its start: tasks
    must be safe to repeat (see ``assessments.tasks``).
    """
    now = timezone.now()
    stalled = DBTaskResult.objects.running().filter(started_at__lt=now - older_than)
    requeued = failed = 0
    rows = stalled.values_list("pk", "worker_ids", "task_path", "args_kwargs")
    for task_id, worker_ids, task_path, args_kwargs in rows:
        still_running = DBTaskResult.objects.filter(
            pk=task_id, status=TaskResultStatus.RUNNING
        )
        if len(worker_ids) >= max_claims:
            given_up = still_running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=(
                    f"WorkerLost: the worker died while running this task, "
                    f"{len(worker_ids)} times (workers {', '.join(worker_ids)})\n"
                ),
            )
            if given_up:
                task_given_up(task_path, args_kwargs["args"])
            failed += given_up
        else:
            requeued += still_running.update(status=TaskResultStatus.READY)
    return requeued, failed
