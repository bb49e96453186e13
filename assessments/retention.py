"""What is kept, and for how long: drafts nobody has touched for
TEAMADVISOR_DRAFT_RETENTION_DAYS go, with their organisation rows, and stored
PDFs nothing can serve any more go too. Submitted assessments are never
removed here: they are the consultancy's record.

Run by ``manage.py remove_stale_data`` and daily by the task of the same name
(``tasks.remove_stale_data``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef

from assessments.choices import Status
from assessments.models import Assessment, Organization
from assessments.pdf import PDF_FOLDER
from assessments.selectors import active_cost_table, assessment_report


@dataclass(frozen=True)
class Removed:
    drafts: int
    organizations: int
    pdfs: int

    def __str__(self) -> str:
        return (
            f"removed {self.drafts} draft(s) untouched for "
            f"{settings.TEAMADVISOR_DRAFT_RETENTION_DAYS} days, "
            f"{self.organizations} organisation row(s) left without an "
            f"assessment, {self.pdfs} stored PDF(s) no longer served"
        )


def remove_stale_data(now: datetime) -> Removed:
    drafts, organizations = _remove_stale_drafts(now)
    return Removed(drafts, organizations, _remove_unreachable_pdfs())


@transaction.atomic
def _remove_stale_drafts(now: datetime) -> tuple[int, int]:
    cutoff = now - timedelta(days=settings.TEAMADVISOR_DRAFT_RETENTION_DAYS)
    stale = Assessment.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff)
    owners = list(stale.values_list("organization_id", flat=True))
    # Section drafts and link-mail requests go with them (CASCADE).
    drafts = stale.delete()[1].get("assessments.Assessment", 0)
    orphans = Organization.objects.filter(pk__in=owners).exclude(
        Exists(Assessment.objects.filter(organization=OuterRef("pk")))
    )
    organizations = orphans.delete()[1].get("assessments.Organization", 0)
    return drafts, organizations


def _remove_unreachable_pdfs() -> int:
    """A PDF folder per assessment token holds the current revision's PDF;
    any other file there, or a folder whose assessment is gone or a draft
    again, is never served (the revision is part of the name)."""
    if not default_storage.exists(PDF_FOLDER):
        return 0
    folders, _files = default_storage.listdir(PDF_FOLDER)
    submitted = {
        a.token: a
        for a in Assessment.objects.filter(token__in=folders)
        .exclude(status=Status.DRAFT)
        .select_related("organization", "assigned_to")
    }
    costs = active_cost_table()  # looked up once, not per folder
    removed = 0
    for token in folders:
        folder = f"{PDF_FOLDER}/{token}"
        assessment = submitted.get(token)
        keep = None
        if assessment is not None:
            keep = f"{assessment_report(assessment, costs=costs).revision}.pdf"
        for name in default_storage.listdir(folder)[1]:
            if name != keep:
                default_storage.delete(f"{folder}/{name}")
                removed += 1
    return removed
