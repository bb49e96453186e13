"""Exports for consultants: CSV rows, answers files and PDFs of assessments."""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.utils.text import slugify

from assessments import questions
from assessments.answers_file import assessment_to_answers
from assessments.models import ROLE_KEYS, Assessment
from assessments.pdf import cached_report_pdf
from assessments.selectors import active_cost_table, assessment_report

# A spreadsheet runs a cell that starts with one of these as a formula, and
# some skip leading whitespace (spaces, tabs, line breaks) before looking.
_FORMULA_STARTS = ("=", "+", "-", "@")
# Control characters that spreadsheets treat as cell or formula separators.
_SEPARATOR_STARTS = ("\t", "\r")


def answer_column(question: questions.Question) -> str:
    """The CSV column of a question: its answers-file path, flattened
    (``headcount_data_analyst``), or its field when it is not in the file."""
    if question.path == "organization.name":
        return "organisation"  # "name" alone would not say whose
    if question.path is None:
        return question.field
    return question.path.removeprefix("organization.").replace(".", "_")


def csv_columns() -> list[str]:
    """The organisation's answers, the status, the assessment's answers, the
    advice."""
    return [
        *map(answer_column, questions.of_owner("organization")),
        "status",
        "submitted_at",
        "consultant",
        *map(answer_column, questions.of_owner("assessment")),
        "rulebook_version",
        "structure",
        "alternative",
        "consultant_structure",
        *(f"gap_{role}" for role in ROLE_KEYS),
        "high_risks",
    ]


def spreadsheet_safe(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (CSV injection).

    Text whose first non-whitespace character starts a formula gets a leading
    apostrophe, even when it looks harmless ("-5 Degrees Ltd", "- none"): a
    harmless-looking "-1" and a hostile "-1+cmd|..." start the same way. Those
    characters later in the text ("Jean-Luc", "ana@example.com") are left
    alone, and so are numbers, which are never formulas.
    """
    if isinstance(value, str) and (
        value.startswith(_SEPARATOR_STARTS)
        or value.lstrip().startswith(_FORMULA_STARTS)
    ):
        return "'" + value
    return value


def _answer_cell(question: questions.Question, owner) -> object:
    if owner is None:
        return ""
    value = getattr(owner, question.field)  # None (e.g. not known): an empty cell
    return " ".join(value) if question.kind == "choices" else value


def _row(assessment: Assessment) -> dict[str, object]:
    org = assessment.organization
    row: dict[str, object] = {
        **{
            answer_column(q): _answer_cell(q, org)
            for q in questions.of_owner("organization")
        },
        "status": assessment.status,
        "submitted_at": assessment.submitted_at.isoformat()
        if assessment.submitted_at
        else "",
        "consultant": assessment.assigned_to.get_username()
        if assessment.assigned_to
        else "",
        **{
            answer_column(q): _answer_cell(q, assessment)
            for q in questions.of_owner("assessment")
        },
        "rulebook_version": assessment.rulebook_version,
        "consultant_structure": assessment.override_structure,
    }
    if not assessment.is_draft:
        # The CSV holds no money: no cost table, so no lookup per row.
        advice = assessment_report(assessment, costs=None).advice
        # TeamAdvisor's own choice; a consultant's is in consultant_structure.
        row["structure"] = assessment.recommended_structure
        row["alternative"] = advice.structure.alternative
        row.update({f"gap_{role.key}": role.gap for role in advice.roles})
        row["high_risks"] = " ".join(r.key for r in advice.risks if r.level == "high")
    return row


def assessments_csv(assessments: Iterable[Assessment]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_columns(), restval="")
    writer.writeheader()
    for assessment in assessments:
        writer.writerow(
            {key: spreadsheet_safe(value) for key, value in _row(assessment).items()}
        )
    return out.getvalue()


def _file_stem(assessment: Assessment) -> str:
    name = slugify(assessment.organization.name) if assessment.organization else ""
    return f"{assessment.pk}-{name or 'assessment'}"


def answers_zip(assessments: Iterable[Assessment]) -> bytes:
    """One answers file (advice-spec §6) per submitted assessment, for ``teamplan``.

    Drafts are left out, as in ``write_pdfs_zip``.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for assessment in assessments:
            if assessment.is_draft:
                continue  # unfinished answers: ``teamplan`` would refuse them
            data = json.dumps(assessment_to_answers(assessment), indent=2)
            archive.writestr(f"{_file_stem(assessment)}.json", data + "\n")
    return buffer.getvalue()


def write_pdfs_zip(
    assessments: Iterable[Assessment],
    file: BinaryIO,
    *,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Write the team-plan PDF of each submitted assessment (drafts have none)
    into a ZIP in ``file``; call ``progress`` with the count after each one.

    A PDF stored at submit or by an earlier download is read, not rendered
    again (``cached_report_pdf``). Returns the number of PDFs written.
    """
    costs = active_cost_table()  # once for the whole export
    written = 0
    # Stored, not deflated: a PDF is compressed already.
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for assessment in assessments:
            if assessment.is_draft:
                continue
            report = assessment_report(assessment, costs=costs)
            pdf = cached_report_pdf(report, key=assessment.token)
            archive.writestr(f"{_file_stem(assessment)}.pdf", pdf)
            written += 1
            progress(written)
    return written
