"""Reads that several callers share (views, admin, commands, benchmarks)."""

from assessments.answers_file import assessment_answers
from assessments.models import Assessment
from assessments.report import Report, build_report


def assessment_report(assessment: Assessment) -> Report:
    """The team plan of a submitted assessment, under its own rulebook version."""
    return build_report(
        assessment_answers(assessment),
        rulebook_version=assessment.rulebook_version,
        advised_on=assessment.submitted_at.date(),
    )
