"""The team plan as data: built once, rendered to HTML, PDF and text.

Nothing here touches the database, so the command line renders the same report
from an answers file as the web does from an assessment.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from assessments.advice import Advice, Answers, RoleAdvice, advise, load_rulebook
from assessments.answers_file import build_from_answers
from assessments.flow import Section, answer_rows


def layout_digest(root: Path) -> str:
    """A digest of the templates and stylesheet the PDF is made from.

    Part of every PDF's revision, so editing any of them renders stored PDFs
    again instead of serving ones that no longer match the web page.
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
    organization_name: str
    answers: Answers
    advice: Advice
    answer_rows: tuple[tuple[Section, list[tuple[str, str]]], ...]
    chart: Chart
    hiring_order: tuple[RoleAdvice, ...]
    advised_on: date | None
    consultant: ConsultantView | None
    revision: str

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


def _revision(advice: Advice, answers: Answers, consultant: ConsultantView | None):
    content = {
        "layout": LAYOUT_VERSION,
        "answers": answers.to_dict(),
        "rulebook": advice.rulebook_version,
        "consultant": dataclasses.asdict(consultant) if consultant else None,
    }
    encoded = json.dumps(content, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def build_report(
    answers: Answers,
    *,
    rulebook_version: str | None = None,
    advised_on: date | None = None,
    consultant: ConsultantView | None = None,
) -> Report:
    advice = advise(answers, load_rulebook(rulebook_version))
    gaps = [role for role in advice.roles if role.priority is not None]
    return Report(
        organization_name=answers.organization.name,
        answers=answers,
        advice=advice,
        # Unsaved rows: the command line renders reports without a database.
        answer_rows=tuple(
            answer_rows(build_from_answers(answers)[1], answers_only=True)
        ),
        chart=build_chart(advice.roles),
        hiring_order=tuple(sorted(gaps, key=lambda role: role.priority)),
        advised_on=advised_on,
        consultant=consultant,
        revision=_revision(advice, answers, consultant),
    )
