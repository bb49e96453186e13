"""Every write to an assessment or to the cost assumptions goes through here:
views, admin and commands (except ``seed_demo``, which bulk-creates demo rows
for speed).

Each function takes keyword-only arguments, runs in one transaction and leaves
the database unchanged when it raises.
"""

from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assessments import tasks
from assessments.advice import Advice, Answers, advise, parse_costs
from assessments.answers_file import assessment_answers, build_from_answers
from assessments.choices import ExportKind, Status
from assessments.flow import SECTIONS, section_by_key
from assessments.models import (
    Assessment,
    CostAssumptions,
    ExportJob,
    LinkMailRequest,
    Organization,
    SectionDraft,
)
from assessments.plan_facts import plan_facts
from assessments.selectors import assessment_report


class NotADraft(Exception):
    """The assessment was submitted; its answers are locked."""


REVIEW_FIELDS = (
    "status",
    "assigned_to",
    "override_structure",
    "override_reason",
    "client_comment",
    "internal_notes",
)
REVIEW_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.REVIEWED)
STATUS_ERROR = (
    "Only the client submits a draft, and a submitted assessment cannot become "
    "a draft again."
)


def allowed_statuses(current: str) -> tuple[str, ...]:
    """Statuses a consultant may set: a client's draft stays a draft."""
    return (Status.DRAFT,) if current == Status.DRAFT else REVIEW_STATUSES


def advice_columns(advice: Advice) -> dict[str, object]:
    """The advice facts kept as columns, for the consultants' list and filters."""
    # A gap covered part-time is not a hire yet (it comes last), so the
    # list's "largest gap" column shows the largest gap to hire for now.
    largest = max(advice.roles, key=lambda role: role.gap - role.covered)
    to_hire = largest.gap - largest.covered  # the first role on ties
    return {
        "rulebook_version": advice.rulebook_version,
        "recommended_structure": advice.structure.recommended_by_teamadvisor,
        "largest_gap_role": largest.key if to_hire else "",
        "largest_gap": to_hire,
        "plan_facts": plan_facts(advice),
    }


def _lock_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != Status.DRAFT:
        raise NotADraft(assessment.pk)  # never the token: it may reach logs
    return locked


class TooManyStarts(Exception):
    """This client address started too many assessments in the last hour."""


def address_key(address: str) -> str:
    """A keyed hash of a client address: enough to count, useless to read."""
    return salted_hmac("assessment-start", address, algorithm="sha256").hexdigest()


def _lock_id(key: str) -> int:
    """The address key as a signed 64-bit number, PostgreSQL's advisory lock id."""
    return int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)


def _lock_address(key: str) -> None:
    """Serialise rate-limited writes from one client address until the
    transaction ends: a second request from this address waits here and then
    counts the first one. SQLite needs no lock: settings open its transactions
    IMMEDIATE, so the whole count-then-create runs under its single write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(key)])


def _check_start_limit(address: str) -> str:
    """The address key, once we know this address may start another one.

    Call inside a transaction that then creates the assessment: counting and
    creating must not interleave with another start from the same address.
    """
    key = address_key(address)
    _lock_address(key)
    since = timezone.now() - timedelta(hours=1)
    recent = Assessment.objects.filter(created_from=key, created_at__gte=since)
    if recent.count() >= settings.TEAMADVISOR_STARTS_PER_HOUR:
        raise TooManyStarts(address)
    return key


@transaction.atomic
def assessment_start(*, address: str) -> Assessment:
    return Assessment.objects.create(created_from=_check_start_limit(address))


@transaction.atomic
def assessment_save_section(
    *, assessment: Assessment, section_key: str, values: Mapping[str, object]
) -> None:
    """Save one section's answers, already cleaned by its form: ``values`` holds
    every field of the section and nothing else. The assessment must still be
    a draft.
    """
    found = section_by_key(section_key)
    if found is None:
        raise ValueError(f"No section {section_key!r}")
    index, section = found
    fields = [question.field for question in section.questions]
    if sorted(values) != sorted(fields):
        raise ValueError(f"The {section_key} section saves exactly {fields}")
    locked = _lock_draft(assessment)
    sections_saved = max(locked.sections_saved, index + 1)
    # Only the columns this section owns: another tab may have saved others.
    # No history row: the history is for the consultants' review.
    owner = locked
    if section.edits_organization:
        owner = locked.organization or Organization()
    for field, value in values.items():
        setattr(owner, field, value)
    # The form has checked the values; this keeps a caller without one honest
    # (field validators only: the database checks the constraints).
    others = [f.name for f in type(owner)._meta.concrete_fields if f.name not in fields]
    owner.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    locked.sections_saved = sections_saved
    if owner is locked:
        locked.save_without_historical_record(
            update_fields=[*fields, "sections_saved", "updated_at"]
        )
    else:
        owner.save()
        locked.organization = owner
        locked.save_without_historical_record(
            update_fields=["organization", "sections_saved", "updated_at"]
        )
    SectionDraft.objects.filter(assessment=locked, section=section_key).delete()
    assessment.refresh_from_db()


@transaction.atomic
def assessment_keep_section_draft(
    *, assessment: Assessment, section_key: str, data: Mapping[str, list[str]]
) -> None:
    """Keep what the client typed on a step that its form refused: ``data``
    maps some of the section's fields to the strings the browser sent. The
    section's saved answers stay as they were. The assessment must still be a
    draft.
    """
    found = section_by_key(section_key)
    if found is None:
        raise ValueError(f"No section {section_key!r}")
    fields = {question.field for question in found[1].questions}
    if not set(data) <= fields or not all(
        isinstance(values, list) and all(isinstance(v, str) for v in values)
        for values in data.values()
    ):
        raise ValueError(f"A {section_key} draft holds lists of strings of {fields}")
    locked = _lock_draft(assessment)
    SectionDraft.objects.update_or_create(
        assessment=locked, section=section_key, defaults={"data": dict(data)}
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment) -> None:
    """Lock the answers; raises ``AnswersInvalid`` if any rule of §6 fails."""
    locked = _lock_draft(assessment)
    answers = assessment_answers(locked)
    columns = advice_columns(advise(answers))
    for field, value in columns.items():
        setattr(locked, field, value)
    locked.status = Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", *columns, "updated_at"])
    # Answers typed and never saved are not part of what was submitted.
    SectionDraft.objects.filter(assessment=locked).delete()
    _enqueue_on_commit(tasks.render_report_pdf, locked.pk)
    _enqueue_on_commit(tasks.notify_consultants_of_submission, locked.pk)
    assessment.refresh_from_db()


@transaction.atomic
def assessment_create_from_answers(
    *,
    answers: Answers,
    created_from: str = "",
    contact_name: str = "",
    contact_email: str = "",
    copied_from: Assessment | None = None,
) -> Assessment:
    """A new draft holding ``answers``, ready for review.

    The answers file has no contact details and no client address; a copy
    passes them along so that each row is written once.
    """
    organization, assessment = build_from_answers(answers)
    organization.contact_name = contact_name
    organization.contact_email = contact_email
    assessment.created_from = created_from
    if copied_from is not None:
        assessment.copied_from = copied_from
        assessment.lineage = copied_from.lineage
    organization.full_clean()
    organization.save()
    assessment.organization = organization
    assessment.sections_saved = len(SECTIONS)
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def assessment_copy(*, assessment: Assessment, address: str) -> Assessment:
    """A new draft with the same answers, for a client to revise and resubmit.

    The organisation row is copied too: the submitted assessment keeps the
    answers it was advised on even if the copy renames or resizes the company.
    """
    source = assessment.organization
    return assessment_create_from_answers(
        answers=assessment_answers(assessment),
        created_from=_check_start_limit(address),  # a copy is a new start too
        contact_name=source.contact_name,
        contact_email=source.contact_email,
        copied_from=assessment,
    )


@transaction.atomic
def assessment_save_review(*, assessment: Assessment, by) -> None:
    """Save a consultant's review fields (already set on ``assessment``).

    Only the review columns are written, so a consultant can never change the
    client's answers; the history records who made the change.
    """
    stored, stored_override = Assessment.objects.values_list(
        "status", "override_structure"
    ).get(pk=assessment.pk)
    if assessment.status not in allowed_statuses(stored):
        raise ValidationError({"status": STATUS_ERROR})
    assessment.override_reason = assessment.override_reason.strip()
    # Only the review columns are written: validate them and the constraints
    # on them, not every column and constraint again (a query each).
    others = [
        f.name for f in Assessment._meta.concrete_fields if f.name not in REVIEW_FIELDS
    ]
    assessment.full_clean(exclude=others, validate_unique=False)
    if assessment.status != Status.REVIEWED:
        assessment.reviewed_at = None
    elif stored != Status.REVIEWED:
        assessment.reviewed_at = timezone.now()
    updated = [*REVIEW_FIELDS, "reviewed_at", "updated_at"]
    if not assessment.is_draft and assessment.override_structure != stored_override:
        # An override changes the plan the client is told: gaps, risks.
        report = assessment_report(assessment, costs=None)
        assessment.plan_facts = plan_facts(report.advice)
        updated.append("plan_facts")
    assessment._history_user = by
    assessment.save(update_fields=updated)
    # The plan shows the review (status, consultant, override, comment): its
    # PDF is rendered again, or found already rendered for this revision.
    _enqueue_on_commit(tasks.render_report_pdf, assessment.pk)
    if assessment.status == Status.REVIEWED and stored != Status.REVIEWED:
        _enqueue_on_commit(tasks.notify_client_of_review, assessment.pk)


def assessment_assign_to(*, assessment: Assessment, consultant) -> None:
    """One click takes an assessment: ``consultant`` becomes its consultant,
    and a submitted one is now in review (the client's plan says with whom).

    Through ``assessment_save_review``, so the history records it and the
    plan's PDF follows. A draft is assigned but stays a draft.
    """
    assessment.assigned_to = consultant
    if assessment.status == Status.SUBMITTED:
        assessment.status = Status.IN_REVIEW
    assessment_save_review(assessment=assessment, by=consultant)


class TooManyLinkMails(Exception):
    """This assessment, or this client address, asked for too many link mails
    in the last hour."""


@transaction.atomic
def private_link_send(*, assessment: Assessment, to: str, address: str) -> None:
    """Mail the private link of ``assessment`` to ``to``, in the background.

    Rate-limited per assessment and per client address, counted over the last
    hour; raises ``TooManyLinkMails`` beyond. ``to`` goes to the mail task
    only: nothing looks assessments up by it, so no mail can reveal another.
    """
    key = address_key(address)
    # Row lock first, then the address: a start takes only the address lock,
    # so the two never wait on each other in opposite orders.
    Assessment.objects.select_for_update().only("pk").get(pk=assessment.pk)
    _lock_address(key)
    since = timezone.now() - timedelta(hours=1)
    recent = LinkMailRequest.objects.filter(requested_at__gte=since)
    if (
        recent.filter(assessment=assessment).count()
        >= settings.TEAMADVISOR_LINK_MAILS_PER_HOUR
        or recent.filter(requested_from=key).count()
        >= settings.TEAMADVISOR_LINK_MAILS_PER_ADDRESS_PER_HOUR
    ):
        raise TooManyLinkMails(assessment.pk)  # never the token: it may reach logs
    # Older requests count for nothing any more.
    LinkMailRequest.objects.filter(requested_at__lt=since).delete()
    LinkMailRequest.objects.create(assessment=assessment, requested_from=key)
    _enqueue_on_commit(tasks.send_private_link, assessment.pk, to)


def _enqueue_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the transaction commits: a worker must never
    read a row that a rollback takes back. ``robust``: a queue that cannot be
    reached is logged and never fails the request whose write has committed.
    """

    def enqueue() -> None:  # a function: Django logs a failure by its name
        task.enqueue(*args)

    transaction.on_commit(enqueue, robust=True)


# PostgreSQL advisory lock for switching the active cost set: the two-key form,
# whose key space is apart from the one-key locks of the start limit.
COST_ASSUMPTIONS_LOCK = (0x7EA3, 1)


def _lock_cost_assumptions() -> None:
    """Serialise changes to which cost set is active, until the transaction ends.

    Locking the active row alone would not do: with no set active there is
    nothing to lock, and two activations would collide on the unique index.
    SQLite needs no lock: settings open its transactions IMMEDIATE, so one
    writer runs at a time. After the lock, each PostgreSQL statement (READ
    COMMITTED) sees what the previous holder committed.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", list(COST_ASSUMPTIONS_LOCK)
            )


def _deactivate_others(*, keep: CostAssumptions, by) -> None:
    others = CostAssumptions.objects.select_for_update().filter(active=True)
    if keep.pk is not None:
        others = others.exclude(pk=keep.pk)
    for previous in others:
        previous.active = False
        previous._history_user = by  # the history says who replaced it
        previous.save(update_fields=["active"])


@transaction.atomic
def cost_assumptions_save(*, assumptions: CostAssumptions, by) -> None:
    """Save a new or edited set of cost assumptions (fields already set).

    Raises ``CostsInvalid`` unless currency and yearly costs make a table that
    ``teamplan --costs`` would accept. An active set becomes the only active
    one: the previous one is deactivated in the same transaction.
    """
    table = parse_costs(assumptions.table)
    assumptions.currency = table["currency"]
    assumptions.yearly_cost = table["yearly_cost"]
    if assumptions.pk is None:
        assumptions.created_by = by
    assumptions.full_clean()
    _lock_cost_assumptions()
    if assumptions.active:
        _deactivate_others(keep=assumptions, by=by)
    assumptions._history_user = by
    assumptions.save()


@transaction.atomic
def cost_assumptions_activate(*, assumptions: CostAssumptions, by) -> None:
    """Make ``assumptions`` the set every report prices its hires with."""
    _lock_cost_assumptions()
    locked = CostAssumptions.objects.select_for_update().get(pk=assumptions.pk)
    if not locked.active:
        _deactivate_others(keep=locked, by=by)
        locked.active = True
        locked._history_user = by
        locked.save(update_fields=["active"])
    assumptions.refresh_from_db()


# Bulk exports ------------------------------------------------------------

# One worker writes about one PDF a second when none is stored yet: a larger
# export would hold a worker, and the mails behind it, for too long. Answers
# files take about a millisecond each, so their exports have no limit, as
# when the request built them.
MAX_PDF_EXPORT = 1000


class NothingToExport(Exception):
    """Only drafts were selected: a draft has no team plan or answers file yet."""


class ExportTooLarge(Exception):
    """More submitted assessments were selected than one PDF export takes."""


@transaction.atomic
def export_job_start(
    *, author, assessments: QuerySet[Assessment], kind: ExportKind
) -> ExportJob:
    """Record an export of the submitted ``assessments`` as a ZIP of ``kind``
    and queue its task once the transaction commits; drafts are counted, not
    exported. Two queries whatever the selection's size, then the insert.
    """
    assessments = assessments.order_by()
    counts = assessments.aggregate(
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        submitted=Count("pk", filter=~Q(status=Status.DRAFT)),
    )
    if not counts["submitted"]:
        raise NothingToExport
    if kind == ExportKind.PDFS and counts["submitted"] > MAX_PDF_EXPORT:
        raise ExportTooLarge(counts["submitted"])
    submitted = assessments.exclude(status=Status.DRAFT).order_by("pk")
    job = ExportJob.objects.create(
        author=author,
        kind=kind,
        assessment_ids=list(submitted.values_list("pk", flat=True)),
        total=counts["submitted"],
        skipped_drafts=counts["drafts"],
    )
    _enqueue_on_commit(tasks.build_export, job.pk)
    return job
