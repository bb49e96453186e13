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

from assessments.advice import (
    Advice,
    Answers,
    Override,
    advice_under,
    is_first_edition,
    load_rulebook,
)
from assessments.advice.hiring import QUARTERS
from assessments.flow import Section, answer_rows
from assessments.org_chart import OrgChart, build_org_chart
from assessments.questions import answers_file_values


def layout_digest(root: Path) -> str:
    """A digest of the client templates and the PDF stylesheet.

    Part of every PDF's revision, so editing them renders stored PDFs again
    instead of serving ones that no longer match the web page. It takes every
    template in ``templates/assessments/``, more than the PDF includes, so a
    new include cannot be forgotten; editing a questionnaire page costs one
    extra render per PDF.
    """
    files = sorted(
        p for p in (root / "templates" / "assessments").rglob("*") if p.is_file()
    )
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
CHART_BAR_PERCENT = 85  # of the width: room for the number after the bar


@dataclass(frozen=True)
class ChartRow:
    label: str
    current: int
    recommended: int  # the first edition's target; after the plan in the second
    y: int
    current_width: float
    recommended_width: float
    # The same lengths as shares of the chart's width, for a chart drawn
    # without a viewBox so its text keeps its size on a phone.
    current_percent: float
    recommended_percent: float


@dataclass(frozen=True)
class Chart:
    """Geometry of the today-vs-target bar chart, drawn as SVG."""

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
class Review:
    """Where the consultants' review of a submitted plan stands."""

    status: str  # "submitted", "in_review" or "reviewed"
    status_label: str
    consultant: str  # the assigned consultant's name, or ""
    reviewed_on: date | None


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
    costs: dict | None = None  # the consultancy's cost table, if it set one
    review: Review | None = None  # None outside the app (the command line)

    @property
    def organization_name(self) -> str:
        return self.answers.organization.name

    @property
    def first_edition(self) -> bool:
        """Advised under a first-edition rulebook: its own report layout."""
        return is_first_edition(self.rulebook_version)

    @cached_property
    def advice(self) -> Advice:  # or the first edition's Advice
        consultant = self.consultant
        override = None
        if consultant and consultant.overrides and not self.first_edition:
            override = Override(consultant.structure_key, consultant.reason)
        return advice_under(
            self.rulebook_version, self.answers, override=override, costs=self.costs
        )

    @cached_property
    def answer_rows(self) -> tuple[tuple[Section, list[tuple[str, str]]], ...]:
        # From the answers alone: the command line renders without a database.
        return tuple(answer_rows(answers_file_values(self.answers.to_dict())))

    @cached_property
    def chart(self) -> Chart:
        if self.first_edition:
            return build_chart((r.label, r.current, r.recommended) for r in self.roles)
        # After the plan, never below today: the plan cuts nobody. A role with
        # nobody today or after the plan has no bars to draw; the table lists it.
        return build_chart(
            (
                (r.label, r.current, r.current + r.gap)
                for r in self.roles
                if r.current + r.gap
            ),
            per_row=True,
        )

    @cached_property
    def org_chart(self) -> OrgChart:
        """Second edition only: the first edition's report has no org chart."""
        return build_org_chart(self.advice, self.answers)

    @property
    def roles(self):
        return self.advice.roles

    @cached_property
    def hiring_order(self) -> tuple:
        """First edition: roles with a gap, in hiring order."""
        gaps = [role for role in self.roles if role.priority is not None]
        return tuple(sorted(gaps, key=lambda role: role.priority))

    @cached_property
    def first_hires(self) -> tuple:
        """The first three hires of quarters 1-4, by quarter then hiring order."""
        return tuple(h for h in self.advice.hires if h.quarter in QUARTERS)[:3]

    @cached_property
    def top_actions(self) -> tuple[str, ...]:
        """Three things to do first: quarter 1's steps, the answers to high
        risks, then the first steps of the transition."""
        advice = self.advice
        steps = advice.roadmap[0].steps
        actions = list(steps)
        # A regulated client's governance risk is answered by quarter 1's own
        # governance step, already listed.
        actions += [
            r.mitigation
            for r in advice.risks
            if r.level == "high" and not (r.key == "governance" and steps)
        ]
        actions += advice.transition.steps
        return tuple(dict.fromkeys(actions))[:3]

    @cached_property
    def revision(self) -> str:
        """Changes with anything a PDF shows: answers, rulebook, consultant's
        words, the review's state, costs, layout."""
        consultant = self.consultant
        content = {
            "layout": LAYOUT_VERSION,
            "answers": self.answers.to_dict(),
            "rulebook": self.rulebook_version,
            "consultant": dataclasses.asdict(consultant) if consultant else None,
            "costs": self.costs,
            "review": dataclasses.asdict(self.review) if self.review else None,
        }
        # default=str: the review's date.
        encoded = json.dumps(content, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]

    @property
    def title(self) -> str:
        return f"Team plan for {self.organization_name}"


def build_chart(counts, *, per_row: bool = False) -> Chart:
    """Bars for (label, today, target) triples.

    ``per_row`` scales each role to its own larger number, so 300 developers
    do not flatten every ML bar: the chart compares today with the plan
    within a role, and the numbers beside the bars compare across roles.
    """
    counts = tuple(counts)
    largest = max([1, *(max(current, target) for _, current, target in counts)])

    def share(value: int, current: int, target: int) -> float:
        return value / (max(1, current, target) if per_row else largest)

    def width(value: int, current: int, target: int) -> float:
        return round(share(value, current, target) * CHART_BAR_AREA, 1)

    def percent(value: int, current: int, target: int) -> float:
        return round(share(value, current, target) * CHART_BAR_PERCENT, 1)

    rows = tuple(
        ChartRow(
            label=name,
            current=current,
            recommended=target,
            y=CHART_TOP + index * CHART_ROW_HEIGHT,
            current_width=width(current, current, target),
            recommended_width=width(target, current, target),
            current_percent=percent(current, current, target),
            recommended_percent=percent(target, current, target),
        )
        for index, (name, current, target) in enumerate(counts)
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
    costs: dict | None = None,
    review: Review | None = None,
) -> Report:
    if rulebook_version is None:
        # Resolved now, so the revision names the version the advice uses.
        rulebook_version = load_rulebook().version
    return Report(
        answers=answers,
        rulebook_version=rulebook_version,
        advised_on=advised_on,
        consultant=consultant,
        costs=costs,
        review=review,
    )
