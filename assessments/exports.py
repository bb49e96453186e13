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
from typing import BinaryIO, NamedTuple

from django.db.models import QuerySet
from django.utils.text import slugify

from assessments import questions
from assessments.advice.domain import STRUCTURES
from assessments.answers_file import assessment_to_answers
from assessments.choices import ExportKind, Status
from assessments.flow import SECTIONS, UNANSWERED
from assessments.models import ROLE_KEYS, Assessment, Organization
from assessments.pdf import cached_report_pdf
from assessments.plan_facts import plan_facts
from assessments.selectors import (
    active_cost_table,
    assessment_report,
    consultant_name,
)

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
    if not isinstance(value, str) or not value:
        return value
    # Called for every cell: most text starts with neither a formula
    # character nor whitespace, and is settled by its first character.
    first = value[0]
    if first in _FORMULA_STARTS or (
        first.isspace()
        and (
            value.startswith(_SEPARATOR_STARTS)
            or value.lstrip().startswith(_FORMULA_STARTS)
        )
    ):
        return "'" + value
    return value


class Row(NamedTuple):
    """What one CSV row is read from."""

    assessment: Assessment
    # Read once per row: each read of ``assessment.organization`` goes
    # through the foreign key's descriptor, and a dozen columns read it.
    organization: Organization | None
    facts: dict | None  # of the plan (see plan_facts.py); None for a draft


@dataclass(frozen=True)
class Column:
    """One column, or columns read together (a coded one and its keys' twin,
    the role gaps): their headers, and a function giving their cells of a
    row, called once per row."""

    headers: tuple[str, ...]
    cells: Callable[[Row], tuple[object, ...]]


def _coded(keys: object, labels: dict[str, str]) -> tuple[str, str]:
    """The label cell and the key cell of ``keys``: one key, a list of them,
    or none ("" or None), whose cells are empty. An unknown key, from an older
    vocabulary, is its own label."""
    if not keys:
        return "", ""
    if isinstance(keys, str):
        return labels.get(keys, keys), keys
    return LABEL_SEPARATOR.join([labels.get(key, key) for key in keys]), " ".join(keys)


def _coded_headers(header: str, *, many: bool = False) -> tuple[str, str]:
    """A coded column's header and its keys' twin's, " (keys)" when ``many``."""
    return header, header + (KEYS_SUFFIX if many else KEY_SUFFIX)


def question_header(question: questions.Question) -> str:
    return SHORT_HEADERS.get(question.field, question.label)


def _answer_column(question: questions.Question, section: int) -> Column:
    """A question's answer column, and its keys' twin when the answer is coded.

    ``section`` is the place of the question's step in ``flow.SECTIONS``: its
    answer counts once more steps than that are saved.
    """
    field = question.field
    on_organization = question.owner == "organization"

    def saved(row: Row) -> object:
        # As ``flow.saved_values`` reads it: UNANSWERED for a step the client
        # has not saved yet, whatever default the row holds ("none", False,
        # null), and for an organisation not given yet.
        owner = row.organization if on_organization else row.assessment
        if owner is None or row.assessment.sections_saved <= section:
            return UNANSWERED
        return getattr(owner, field)

    header = question_header(question)
    if question.kind in ("text", "count"):

        def value(row: Row) -> tuple[object]:
            answer = saved(row)
            return (None if answer is UNANSWERED else answer,)  # None: empty

        return Column((header,), value)
    if question.kind in ("choice", "choices"):
        labels = dict(question.choices)

        def coded(row: Row) -> tuple[str, str]:
            answer = saved(row)
            return ("", "") if answer is UNANSWERED else _coded(answer, labels)

        return Column(_coded_headers(header, many=question.kind == "choices"), coded)

    # Yes/no: the label and key of the option that stores the answer (null is
    # "Not sure" where the question offers it, else no answer).
    options = question.options

    def option(row: Row) -> tuple[str, str]:
        answer = saved(row)
        for key, label, stored in options:
            if stored is answer:
                return label, key
        return "", ""

    return Column(_coded_headers(header), option)


def _gap_header(role: str) -> str:
    # Named as the role's headcount question is: "Gap: Data analysts".
    headcount = questions.by_path(f"headcount.{role}")
    return f"Gap: {headcount.label if headcount else role}"


NO_GAPS = ("",) * len(ROLE_KEYS)


def _gaps(row: Row) -> tuple[object, ...]:
    if row.facts is None:
        return NO_GAPS
    gaps = row.facts["gaps"]
    return tuple([gaps.get(role, "") for role in ROLE_KEYS])


def _high_risks(row: Row) -> tuple[str, str]:
    if row.facts is None:
        return "", ""
    risks = row.facts["high_risks"]
    return (
        LABEL_SEPARATOR.join([label for _key, label in risks]),
        " ".join([key for key, _label in risks]),
    )


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def csv_columns() -> list[Column]:
    """The CSV's columns in order: the id, the organisation's answers, where
    the review stands, the assessment's answers, the advice and the review.

    Built once per export: each column's cells read the row directly, with
    its labels looked up in a dict made here, not once per row.
    """
    section_of = {q: i for i, step in enumerate(SECTIONS) for q in step.questions}

    def answers_of(owner: questions.Owner) -> list[Column]:
        # A question in no step is never saved: an empty cell.
        return [
            _answer_column(question, section_of.get(question, len(SECTIONS)))
            for question in questions.of_owner(owner)
        ]

    statuses = dict(Status.choices)
    structures = dict(STRUCTURES)
    return [
        Column(("Assessment ID",), lambda row: (row.assessment.pk,)),
        *answers_of("organization"),
        Column(
            _coded_headers("Status"),
            lambda row: _coded(row.assessment.status, statuses),
        ),
        Column(("Submitted at",), lambda row: (_iso(row.assessment.submitted_at),)),
        Column(
            ("Consultant",), lambda row: (consultant_name(row.assessment.assigned_to),)
        ),
        *answers_of("assessment"),
        Column(("Rulebook version",), lambda row: (row.assessment.rulebook_version,)),
        # TeamAdvisor's own choice; the consultant's override is beside it.
        Column(
            _coded_headers("TeamAdvisor's structure"),
            lambda row: _coded(row.assessment.recommended_structure, structures),
        ),
        Column(
            _coded_headers("Alternative structure"),
            lambda row: _coded(row.facts and row.facts["alternative"], structures),
        ),
        Column(
            _coded_headers("Consultant's structure"),
            lambda row: _coded(row.assessment.override_structure, structures),
        ),
        Column(
            ("Reason for the override",), lambda row: (row.assessment.override_reason,)
        ),
        Column(
            ("Comment for the client",), lambda row: (row.assessment.client_comment,)
        ),
        # Never the internal notes: they do not leave the admin.
        Column(tuple(map(_gap_header, ROLE_KEYS)), _gaps),
        Column(_coded_headers("High risks", many=True), _high_risks),
    ]


def _row(assessment: Assessment) -> Row:
    organization = assessment.organization
    if assessment.is_draft:
        facts = None
    else:
        facts = assessment.plan_facts
        if not facts:  # advised before the facts were kept: work them out
            # The CSV holds no money: no cost table, so no lookup per row.
            facts = plan_facts(assessment_report(assessment, costs=None).advice)
    return Row(assessment, organization, facts)


def _csv_fields() -> list[str]:
    """What the CSV reads, and the plan of a row advised before its facts were
    kept: a column read for nothing costs its conversion on every row (a time
    on SQLite, a UUID), and the internal notes stay behind."""
    return [
        *questions.answer_fields("assessment"),
        *(
            f"organization__{field}"
            for field in questions.answer_fields("organization")
        ),
        "status",
        "sections_saved",
        "submitted_at",
        "reviewed_at",
        "rulebook_version",
        "recommended_structure",
        "plan_facts",
        "override_structure",
        "override_reason",
        "client_comment",
        "assigned_to__first_name",
        "assigned_to__last_name",
        "assigned_to__username",
    ]


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes."""

    def write(self, text: str) -> str:
        return text


def csv_lines(assessments: Iterable[Assessment]) -> Iterator[str]:
    """The CSV of ``assessments`` line by line, one row each, in their order,
    for a streaming response: memory stays flat however many rows.

    A queryset is read in chunks, in one query per chunk on SQLite and through
    a server-side cursor on PostgreSQL: its organisations and consultants come
    with it, and only the columns the CSV reads (``_csv_fields``).
    """
    if isinstance(assessments, QuerySet):
        assessments = (
            assessments.select_related("organization", "assigned_to")
            .only(*_csv_fields())
            .iterator(chunk_size=CSV_CHUNK)
        )
    columns = csv_columns()
    writer = csv.writer(_Line())
    yield writer.writerow([header for column in columns for header in column.headers])
    for assessment in assessments:
        row = _row(assessment)
        yield writer.writerow(
            [spreadsheet_safe(cell) for column in columns for cell in column.cells(row)]
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
