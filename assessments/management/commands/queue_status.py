"""python manage.py queue_status [--max-age SECONDS]

How the background queue stands: how many tasks are ready and how long the
oldest has waited, how many are running (and for how long), how many failed
in the last day. With --max-age, exits with status 1 when the oldest ready task
has waited longer: a check for cron or monitoring that no worker is keeping up.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.task_queue import STALLED_AFTER, queue_state


def _seconds(delta: timedelta) -> str:
    return f"{int(delta.total_seconds())} s"


class Command(BaseCommand):
    help = "Report the background queue: ready, running and failed tasks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age",
            type=int,
            metavar="SECONDS",
            help="exit with status 1 if the oldest ready task waited longer",
        )

    def handle(self, *args, max_age: int | None, **options):
        now = timezone.now()
        state = queue_state(now)
        age = state.oldest_ready_age(now)
        self.stdout.write(f"ready: {state.ready}, oldest waiting {_seconds(age)}")
        running = f"running: {state.running}"
        if state.oldest_running_since:
            longest = now - state.oldest_running_since
            running += f", longest {_seconds(longest)}"
            if longest > STALLED_AFTER:
                running += " (its worker may have died: see requeue_stalled_tasks)"
        self.stdout.write(running)
        self.stdout.write(f"failed in the last 24 hours: {state.failed_last_day}")
        if max_age is not None and age > timedelta(seconds=max_age):
            raise CommandError(
                f"the oldest ready task has waited {_seconds(age)}, "
                f"more than {max_age} s: are the workers running?"
            )
