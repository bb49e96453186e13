"""python manage.py remove_stale_data [--schedule]

Removes drafts untouched for TEAMADVISOR_DRAFT_RETENTION_DAYS (90 by default)
with their organisation rows, and stored PDFs no longer served; never a
submitted assessment. Prints what it removed. With --schedule it instead
queues the daily task that does the same (once: a second --schedule finds it
queued), for the workers to run.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments import tasks
from assessments.retention import remove_stale_data


class Command(BaseCommand):
    help = "Remove stale drafts and stored PDFs no longer served."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the daily task instead of removing now",
        )

    def handle(self, *args, schedule: bool, **options):
        if schedule:
            queued = tasks.schedule_stale_data_removal()
            self.stdout.write("queued" if queued else "already queued")
            return
        self.stdout.write(str(remove_stale_data(timezone.now())))
