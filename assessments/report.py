"""The team plan as data: built once, rendered to HTML, PDF and text.

Nothing here touches the database, so the command line renders the same report
from an answers file as the web does from an assessment.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from django.conf import settings

from assessments.advice import Advice, Answers, RoleAdvice, advise, load_rulebook
from assessments.answers_file import build_from_answers
from assessments.flow import Section, answer_rows


def layout_digest(root: Path) -> str:
    """A digest of the client templates and the PDF stylesheet.

    Part of every PDF's revision, so editing them renders stored PDFs again
    instead of serving ones that no longer match the web page. It takes every
    template in ``templates/assessments/``, more than the PDF includes, so a
    new include cannot be forgotten; editing a questionnaire page costs one
    extra render per PDF.
    """
    files = sorted((root / "templates" / "assessments").iterdir())
    files.append(root / "static" / "css" / "report-pdf.css")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


LAYOUT_VERSION = layout_digest(Path(settings.BASE_DIR))

CHART_LABEL_WIDTH = 200
CHART_BAR_AREA = 360
CHART_ROW_HEIGHT = 44
CHART_BAR_HEIGHT = 14
CHART_TOP = 28


@dataclass(frozen=True)
class ChartRow:
    label: str
    current: int
    recommended: int
    y: int
    current_width: float
    recommended_width: float


@dataclass(frozen=True)
class Chart:
    """Geometry of the current-vs-recommended bar chart, drawn as SVG."""

    rows: tuple[ChartRow, ...]
    width: int
    height: int
    label_width: int
    bar_height: int


@dataclass(frozen=True)
class ConsultantView:
    """What a consultant added for the client: an override with its reason,
    a comment, or both. Internal notes never get here."""

    structure_key: str
    structure_label: str
    reason: str
    comment: str

    @property
    def overrides(self) -> bool:
        return bool(self.structure_key)


@dataclass(frozen=True)
class Report:
    """The team plan of ``answers`` under one rulebook version.

    Only the inputs are stored; the rest is derived on first use, so a cached
    PDF download, which needs nothing but the revision, skips the advice.
    """

    answers: Answers
    rulebook_version: str
    advised_on: date | None
    consultant: ConsultantView | None

    @property
    def organization_name(self) -> str:
        return self.answers.organization.name

    @cached_property
    def advice(self) -> Advice:
        return advise(self.answers, load_rulebook(self.rulebook_version))

    @cached_property
    def answer_rows(self) -> tuple[tuple[Section, list[tuple[str, str]]], ...]:
        # Unsaved rows: the command line renders reports without a database.
        unsaved = build_from_answers(self.answers)[1]
        return tuple(answer_rows(unsaved, answers_only=True))

    @cached_property
    def chart(self) -> Chart:
        return build_chart(self.advice.roles)

    @cached_property
    def hiring_order(self) -> tuple[RoleAdvice, ...]:
        gaps = [role for role in self.advice.roles if role.priority is not None]
        return tuple(sorted(gaps, key=lambda role: role.priority))

    @cached_property
    def revision(self) -> str:
        """Changes with anything a PDF shows: answers, rulebook, consultant's
        words, layout."""
        consultant = self.consultant
        content = {
            "layout": LAYOUT_VERSION,
            "answers": self.answers.to_dict(),
            "rulebook": self.rulebook_version,
            "consultant": dataclasses.asdict(consultant) if consultant else None,
        }
        encoded = json.dumps(content, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]

    @property
    def title(self) -> str:
        return f"Team plan for {self.organization_name}"


def build_chart(roles: tuple[RoleAdvice, ...]) -> Chart:
    largest = max([1, *(max(r.current, r.recommended) for r in roles)])
    rows = tuple(
        ChartRow(
            label=role.label,
            current=role.current,
            recommended=role.recommended,
            y=CHART_TOP + index * CHART_ROW_HEIGHT,
            current_width=round(role.current / largest * CHART_BAR_AREA, 1),
            recommended_width=round(role.recommended / largest * CHART_BAR_AREA, 1),
        )
        for index, role in enumerate(roles)
    )
    return Chart(
        rows=rows,
        width=CHART_LABEL_WIDTH + CHART_BAR_AREA + 60,
        height=CHART_TOP + len(rows) * CHART_ROW_HEIGHT,
        label_width=CHART_LABEL_WIDTH,
        bar_height=CHART_BAR_HEIGHT,
    )


def build_report(
    answers: Answers,
    *,
    rulebook_version: str | None = None,
    advised_on: date | None = None,
    consultant: ConsultantView | None = None,
) -> Report:
    return Report(
        answers=answers,
        # Resolved now, so the revision names the version the advice uses.
        rulebook_version=load_rulebook(rulebook_version).version,
        advised_on=advised_on,
        consultant=consultant,
    )
