"""Retention: stale drafts and PDFs nothing serves are removed, by a command
and a daily task; submitted assessments never are."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import tasks
from assessments.models import Assessment, Organization, SectionDraft
from assessments.retention import remove_stale_data
from assessments.selectors import assessment_report
from tests.factories import draft_assessment, submitted_assessment

pytestmark = pytest.mark.django_db


def _untouched_for(assessment: Assessment, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=then, created_at=then)


def _pdfs(assessment: Assessment) -> list[str]:
    folder = f"team-plans/{assessment.token}"
    if not default_storage.exists(folder):
        return []
    return sorted(default_storage.listdir(folder)[1])


def test_drafts_untouched_for_90_days_go_with_their_organisation(settings):
    assert settings.TEAMADVISOR_DRAFT_RETENTION_DAYS == 90
    stale = draft_assessment()
    SectionDraft.objects.create(assessment=stale, section="goals", data={})
    _untouched_for(stale, 91)
    recent = draft_assessment()
    _untouched_for(recent, 89)
    old_submitted = submitted_assessment()
    _untouched_for(old_submitted, 1000)

    removed = remove_stale_data(timezone.now())

    assert (removed.drafts, removed.organizations) == (1, 1)
    assert set(Assessment.objects.all()) == {recent, old_submitted}
    assert not Organization.objects.filter(pk=stale.organization_id).exists()
    assert not SectionDraft.objects.filter(assessment_id=stale.pk).exists()


def test_a_shorter_retention_is_a_setting(settings):
    settings.TEAMADVISOR_DRAFT_RETENTION_DAYS = 7
    draft = draft_assessment()
    _untouched_for(draft, 8)
    assert remove_stale_data(timezone.now()).drafts == 1


def test_pdfs_nothing_serves_are_removed_and_the_current_one_kept():
    assessment = submitted_assessment()
    current = f"{assessment_report(assessment).revision}.pdf"
    folder = f"team-plans/{assessment.token}"
    default_storage.save(f"{folder}/{current}", ContentFile(b"%PDF current"))
    default_storage.save(f"{folder}/0ld-revision.pdf", ContentFile(b"%PDF old"))
    gone = submitted_assessment()
    gone_token = gone.token
    gone.delete()
    default_storage.save(f"team-plans/{gone_token}/x.pdf", ContentFile(b"%PDF"))

    removed = remove_stale_data(timezone.now())

    assert removed.pdfs >= 2
    assert _pdfs(assessment) == [current]
    assert default_storage.listdir(f"team-plans/{gone_token}")[1] == []


def test_the_command_says_what_it_removed():
    _untouched_for(draft_assessment(), 91)
    out = StringIO()
    call_command("remove_stale_data", stdout=out)
    assert out.getvalue().startswith("removed 1 draft(s) untouched for 90 days, ")


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_is_scheduled_once_and_keeps_itself_going(database_queue):
    out = StringIO()
    call_command("remove_stale_data", "--schedule", stdout=out)
    call_command("remove_stale_data", "--schedule", stdout=out)
    assert out.getvalue().splitlines() == ["queued", "already queued"]

    _untouched_for(draft_assessment(), 91)
    database_queue()  # the worker runs it

    runs = DBTaskResult.objects.filter(task_path=tasks.remove_stale_data.module_path)
    done = runs.get(status="SUCCESSFUL")
    assert done.return_value.startswith("removed 1 draft(s)")
    following = runs.get(status="READY")
    wait = following.run_after - done.finished_at
    assert timedelta(hours=23) < wait <= timedelta(days=1)
    # A later deployment's --schedule finds tomorrow's run: no second chain.
    out = StringIO()
    call_command("remove_stale_data", "--schedule", stdout=out)
    assert out.getvalue() == "already queued\n"
    assert runs.filter(status="READY").count() == 1


def test_without_a_queue_nothing_is_scheduled():
    # The immediate backend of the tests would run it at once, for ever.
    assert tasks.schedule_stale_data_removal() is False
