"""python manage.py requeue_stalled_tasks [--older-than MINUTES]

Puts tasks that have been "running" for longer than MINUTES (15 by default)
back in the queue: their worker was killed, or its machine lost, and the
database backend never frees them itself (see assessments.task_queue). A task
whose workers died three times is marked failed instead. Run it from cron every
few minutes; with --older-than 0 it frees every running task, which is right
only when no worker is running (run-dev does so before it starts its own).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from assessments.task_queue import MAX_CLAIMS, STALLED_AFTER, requeue_stalled


class Command(BaseCommand):
    help = "Re-queue tasks whose worker died while running them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=STALLED_AFTER.total_seconds() / 60,
            metavar="MINUTES",
            help="running for longer than this (default: %(default)s)",
        )
        parser.add_argument(
            "--max-claims",
            type=int,
            default=MAX_CLAIMS,
            help="fail, not re-queue, a task claimed this often (default: %(default)s)",
        )

    def handle(self, *args, older_than: float, max_claims: int, **options):
        requeued, failed = requeue_stalled(
            older_than=timedelta(minutes=older_than), max_claims=max_claims
        )
        self.stdout.write(f"re-queued {requeued}, failed {failed}")
