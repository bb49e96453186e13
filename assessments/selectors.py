"""Reads that several callers share (views, admin, exports)."""

from typing import Literal

from django.contrib.auth.models import AbstractUser
from django.db.models import JSONField, QuerySet, Subquery

from assessments.advice import is_first_edition
from assessments.answers_file import assessment_answers
from assessments.choices import Status
from assessments.models import Assessment, CostAssumptions
from assessments.report import ConsultantView, Report, Review, build_report


def consultant_view(assessment: Assessment) -> ConsultantView | None:
    """What the consultant wrote for the client; never the internal notes."""
    if not (assessment.override_structure or assessment.client_comment):
        return None
    return ConsultantView(
        structure_key=assessment.override_structure,
        structure_label=assessment.get_override_structure_display(),
        reason=assessment.override_reason,
        comment=assessment.client_comment,
    )


def consultant_name(consultant: AbstractUser | None) -> str:
    """A consultant as the client's plan names them: full name, else username."""
    return (consultant.get_full_name() or consultant.username) if consultant else ""


def review_of(assessment: Assessment) -> Review:
    """Where the consultants' review stands, as the client's plan says it."""
    name = consultant_name(assessment.assigned_to)
    reviewed = assessment.status == Status.REVIEWED and assessment.reviewed_at
    return Review(
        status=assessment.status,
        status_label=assessment.get_status_display(),
        consultant=name,
        reviewed_on=assessment.reviewed_at.date() if reviewed else None,
    )


def active_cost_table() -> dict | None:
    """The consultancy's active cost table (advice-spec §7), or None: no money.

    Validated by ``parse_costs`` when it was saved; the same shape as a
    ``teamplan --costs`` file.
    """
    active = (
        CostAssumptions.objects.filter(active=True)
        .only("currency", "yearly_cost")
        .first()
    )
    return active.table if active else None


def with_active_costs(assessments: QuerySet) -> QuerySet:
    """``assessments`` each carrying the active cost table, read by the same
    query: the client's report and PDF need both on every request, and one
    round trip to the database is most of what a stored PDF's download costs.
    ``joined_cost_table`` reads it back."""
    # At most one set is active (a constraint): no ordering needed.
    active = CostAssumptions.objects.filter(active=True).order_by()
    return assessments.annotate(
        active_currency=Subquery(active.values("currency")[:1]),
        active_yearly_cost=Subquery(
            active.values("yearly_cost")[:1], output_field=JSONField()
        ),
    )


def joined_cost_table(assessment: Assessment) -> dict | None:
    """``active_cost_table()`` as ``with_active_costs`` read it."""
    if assessment.active_currency is None:
        return None
    return {
        "currency": assessment.active_currency,
        "yearly_cost": assessment.active_yearly_cost,
    }


def assessment_report(
    assessment: Assessment, *, costs: dict | None | Literal["active"] = "active"
) -> Report:
    """The team plan of a submitted assessment, under its own rulebook version.

    Hires are priced with ``costs``: by default the active cost set, looked up
    here (one query); a caller reporting on many assessments looks it up once
    and passes it. First-edition plans never show costs, so they take none and
    their revision, and stored PDF, stay as they were.
    """
    if is_first_edition(assessment.rulebook_version):
        costs = None
    elif costs == "active":
        costs = active_cost_table()
    return build_report(
        assessment_answers(assessment),
        rulebook_version=assessment.rulebook_version,
        advised_on=assessment.submitted_at.date(),
        consultant=consultant_view(assessment),
        costs=costs,
        review=review_of(assessment),
    )
