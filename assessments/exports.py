"""Exports for consultants: CSV rows, answers files and PDFs of assessments.

The CSV (``assessments_csv``) has two readers, and one convention serves both:

- Every column is in the questionnaire's words, for a person with a
  spreadsheet. An answer's column is headed by its question's label, or a
  short form of it where the label is a whole sentence or speaks to the
  client (``SHORT_HEADERS``: "Stage", "Contact name"); a choice reads as its
  label ("Large startup"), a yes/no answer as "Yes", "No" or "Not sure", a
  list as its labels joined by "; ", a time in ISO 8601 in UTC to the second
  (``2025-03-14T09:26:53+00:00``), a count as a plain number.
- Each coded column (a choice, a yes/no answer, the status, a structure, the
  pain points, the high risks) is followed by its twin for scripts, headed by
  the same words plus " (key)", or " (keys)" when it holds a list. Its cell is
  the stable key: the vocabulary's key for a choice (``large_startup``,
  ``in_review``), the questionnaire's option key for a yes/no answer
  (``yes``, ``no``, ``not_sure``); a list's keys are separated by single
  spaces, in the order of its labels.

No answer (also a draft's step not saved yet, whatever default its row holds),
no consultant, no override, no advice (a draft) is an empty cell, in both
columns of a pair. The first column is the assessment's id, headed "Assessment
ID" (a file starting "ID" is taken for SYLK by Excel). Answer columns come from
the question table (``assessments.questions``), in its order, so a new
question gets its columns without a change here. The consultant's override,
its reason and the comment for the client are exported; the internal notes
never are. Every cell goes through ``spreadsheet_safe``.

The answers ZIP (``answers_zip``) is the ``teamplan`` command's input format
and stays exactly that. It and the PDFs' ZIP are bulk exports, written by a
background task (``tasks.build_export``) as ``ZIP_KINDS`` says.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils.text import slugify

from assessments import questions
from assessments.advice.domain import STRUCTURES, Choices
from assessments.answers_file import assessment_to_answers
from assessments.choices import ExportKind, Status
from assessments.flow import UNANSWERED, saved_values
from assessments.models import ROLE_KEYS, Assessment
from assessments.pdf import cached_report_pdf
from assessments.plan_facts import plan_facts
from assessments.selectors import active_cost_table, assessment_report, review_of

# A spreadsheet runs a cell that starts with one of these as a formula, and
# some skip leading whitespace (spaces, tabs, line breaks) before looking.
_FORMULA_STARTS = ("=", "+", "-", "@")
# Control characters that spreadsheets treat as cell or formula separators.
_SEPARATOR_STARTS = ("\t", "\r")

# Headers of the questions whose label is a whole sentence or speaks to the
# client ("Your name"); any other question is headed by its label.
SHORT_HEADERS: dict[str, str] = {
    "name": "Organisation",
    "stage": "Stage",
    "regulated": "Regulated sector",
    "contact_name": "Contact name",
    "contact_email": "Contact email",
    "ai_focus": "AI focus",
    "ml_use_cases": "ML use cases planned",
    "product_teams": "Product teams using ML",
    "dedicated_ml_budget": "Dedicated ML budget",
    "current_structure": "Current structure",
    "has_ml_lead": "Has an ML lead",
    "full_stack_data_scientists": "Full-stack data scientists",
    "pain_points": "Pain points",
}
# Rows read from the database at a time while streaming the CSV.
CSV_CHUNK = 2000
KEY_SUFFIX = " (key)"
KEYS_SUFFIX = " (keys)"  # a list of keys, separated by spaces
LABEL_SEPARATOR = "; "  # between the labels of a list


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


@dataclass(frozen=True)
class Exported:
    """What one CSV row is read from."""

    assessment: Assessment
    answers: dict[questions.Question, object]  # as ``flow.saved_values`` has them
    facts: dict | None  # of the plan (see plan_facts.py); None for a draft


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Exported], object]


# A coded value as (key, label) pairs: none, one, or a list's.
Coded = list[tuple[str, str]]


def _coded(
    header: str, read: Callable[[Exported], Coded], *, many: bool = False
) -> list[Column]:
    """A column of labels and its twin of keys, " (keys)" when ``many``."""
    return [
        Column(header, lambda row: LABEL_SEPARATOR.join(lb for _k, lb in read(row))),
        Column(
            header + (KEYS_SUFFIX if many else KEY_SUFFIX),
            lambda row: " ".join(key for key, _lb in read(row)),
        ),
    ]


def _pairs(keys: object, choices: Choices) -> Coded:
    """``keys`` (one key, a list of them, or "" or None: none) with their
    labels; an unknown key, from an older vocabulary, is its own label."""
    if not keys:
        return []
    labels = dict(choices)
    listed = [keys] if isinstance(keys, str) else list(keys)
    return [(key, labels.get(key, key)) for key in listed]


def question_header(question: questions.Question) -> str:
    return SHORT_HEADERS.get(question.field, question.label)


def _answer_columns(question: questions.Question) -> list[Column]:
    """A question's answer column, and its keys' twin when the answer is coded."""

    def saved(row: Exported) -> object:
        # UNANSWERED for a step the client has not saved yet, whatever default
        # the row holds ("none", False, null): no answer, an empty cell.
        return row.answers.get(question, UNANSWERED)

    def value(row: Exported) -> object:
        answer = saved(row)
        return None if answer is UNANSWERED else answer  # None: an empty cell

    header = question_header(question)
    if question.kind in ("text", "count"):
        return [Column(header, value)]
    if question.kind in ("choice", "choices"):
        return _coded(
            header,
            lambda row: _pairs(value(row), question.choices),
            many=question.kind == "choices",
        )

    # Yes/no: the key and label of the option that stores the answer (null is
    # "Not sure" where the question offers it, else no answer).
    def option(row: Exported) -> Coded:
        answer = saved(row)
        return [(k, lb) for k, lb, stored in question.options if stored is answer]

    return _coded(header, option)


def _advised(read: Callable[[dict], object]) -> Callable[[Exported], object]:
    """A cell read from the plan's facts; empty for a draft, which has none."""
    return lambda row: "" if row.facts is None else read(row.facts)


def _gap_column(role: str) -> Column:
    def gap(facts: dict) -> object:
        return facts["gaps"].get(role, "")

    # Named as the role's headcount question is: "Gap: Data analysts".
    headcount = questions.by_path(f"headcount.{role}")
    return Column(f"Gap: {headcount.label if headcount else role}", _advised(gap))


def _high_risks(row: Exported) -> Coded:
    if row.facts is None:
        return []
    return [(key, label) for key, label in row.facts["high_risks"]]


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def csv_columns() -> list[Column]:
    """The CSV's columns in order: the id, the organisation's answers, where
    the review stands, the assessment's answers, the advice and the review."""
    columns = [Column("Assessment ID", lambda row: row.assessment.pk)]
    for question in questions.of_owner("organization"):
        columns += _answer_columns(question)
    columns += _coded(
        "Status", lambda row: _pairs(row.assessment.status, Status.choices)
    )
    columns += [
        Column("Submitted at", lambda row: _iso(row.assessment.submitted_at)),
        # Full name, else username: as the client's plan names them.
        Column("Consultant", lambda row: review_of(row.assessment).consultant),
    ]
    for question in questions.of_owner("assessment"):
        columns += _answer_columns(question)
    columns.append(
        Column("Rulebook version", lambda row: row.assessment.rulebook_version)
    )
    # TeamAdvisor's own choice; the consultant's override is beside it.
    columns += _coded(
        "TeamAdvisor's structure",
        lambda row: _pairs(row.assessment.recommended_structure, STRUCTURES),
    )
    columns += _coded(
        "Alternative structure",
        lambda row: _pairs(row.facts and row.facts["alternative"], STRUCTURES),
    )
    columns += _coded(
        "Consultant's structure",
        lambda row: _pairs(row.assessment.override_structure, STRUCTURES),
    )
    columns += [
        Column("Reason for the override", lambda row: row.assessment.override_reason),
        Column("Comment for the client", lambda row: row.assessment.client_comment),
        # Never the internal notes: they do not leave the admin.
        *map(_gap_column, ROLE_KEYS),
    ]
    columns += _coded("High risks", _high_risks, many=True)
    return columns


def _exported(assessment: Assessment) -> Exported:
    answers = saved_values(assessment)
    if assessment.is_draft:
        return Exported(assessment, answers, facts=None)
    facts = assessment.plan_facts
    if not facts:  # advised before the facts were kept: work them out
        # The CSV holds no money: no cost table, so no lookup per row.
        facts = plan_facts(assessment_report(assessment, costs=None).advice)
    return Exported(assessment, answers, facts)


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes."""

    def write(self, text: str) -> str:
        return text


def csv_lines(assessments: Iterable[Assessment]) -> Iterator[str]:
    """The CSV of ``assessments`` line by line, one row each, in their order,
    for a streaming response: memory stays flat however many rows.

    A queryset is read in chunks, in one query per chunk on SQLite and through
    a server-side cursor on PostgreSQL: its organisations and consultants come
    with it, and its internal notes stay behind.
    """
    if isinstance(assessments, QuerySet):
        assessments = (
            assessments.select_related("organization", "assigned_to")
            .defer("internal_notes")
            .iterator(chunk_size=CSV_CHUNK)
        )
    columns = csv_columns()
    writer = csv.writer(_Line())
    yield writer.writerow([column.header for column in columns])
    for assessment in assessments:
        row = _exported(assessment)
        yield writer.writerow(
            [spreadsheet_safe(column.cell(row)) for column in columns]
        )


def assessments_csv(assessments: Iterable[Assessment]) -> str:
    """The whole CSV as one string (tests and small exports)."""
    return "".join(csv_lines(assessments))


def _file_stem(assessment: Assessment) -> str:
    name = slugify(assessment.organization.name) if assessment.organization else ""
    return f"{assessment.pk}-{name or 'assessment'}"


def answers_zip(assessments: Iterable[Assessment]) -> bytes:
    """The answers ZIP as bytes; a bulk export writes it to a file instead."""
    buffer = io.BytesIO()
    write_answers_zip(assessments, buffer)
    return buffer.getvalue()


def write_answers_zip(
    assessments: Iterable[Assessment],
    file: BinaryIO,
    *,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Write one answers file (advice-spec §6) per submitted assessment, for
    ``teamplan``, into a ZIP in ``file``; call ``progress`` with the count
    after each one. Drafts are left out, as in ``write_pdfs_zip``. Returns the
    number of files written.
    """
    written = 0
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for assessment in assessments:
            if assessment.is_draft:
                continue  # unfinished answers: ``teamplan`` would refuse them
            data = json.dumps(assessment_to_answers(assessment), indent=2)
            archive.writestr(f"{_file_stem(assessment)}.json", data + "\n")
            written += 1
            progress(written)
    return written


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


@dataclass(frozen=True)
class ZipKind:
    """How a bulk export of one kind (``ExportJob.kind``) is written and named."""

    write: Callable[..., int]  # (assessments, file, *, progress) -> files written
    stem: str  # of the ZIP's name
    one: str  # a file in it, in the consultant's words
    many: str
    lacking: str  # what a draft has none of yet
    # Files between two writes of the export's progress (and at least one a
    # second): a stored PDF takes milliseconds, an answers file a fifth of
    # one, and a write per ten answers files made their export 2 to 6 times
    # slower (4,375 files on SQLite: 1.4 s against 1.8 to 8.9 s).
    progress_every: int


ZIP_KINDS: dict[str, ZipKind] = {
    ExportKind.PDFS: ZipKind(
        write_pdfs_zip,
        "team-plans",
        "PDF",
        "PDFs",
        lacking="team plan",
        progress_every=10,
    ),
    ExportKind.ANSWERS: ZipKind(
        write_answers_zip,
        "answers-files",
        "answers file",
        "answers files",
        lacking="answers file",
        progress_every=1000,
    ),
}
