"""The consultants' dashboard: the review queue and figures across all clients.

Every figure is counted by the database, in a fixed number of queries however
many assessments there are; Python only names and lays out the few numbers
that come back. The drawing half turns those numbers into the geometry of
small SVG charts, which the templates under ``admin/dashboard/`` draw.

Demo rows (``Organization.is_demo``) are counted like any other: the flag only
lets ``seed_demo`` stay idempotent, the assessment list does not hide them
either, and each queue link must show exactly the rows its figure counts.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone

from assessments import questions
from assessments.choices import Role, Stage, Status, Structure
from assessments.models import (
    ROLE_KEYS,
    Assessment,
    effective_structure,
    reports_pain_point,
    with_pain_text,
)
from assessments.peers import K, PeerProfile, peer_profile

WAITING_DAYS = 7
WEEKS = 12
OPEN = (Status.SUBMITTED, Status.IN_REVIEW)


# Figures --------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    key: str
    label: str
    count: int
    # The assessment list filtered to exactly the rows counted.
    url: str


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class StageStructures:
    key: str
    label: str
    # One tally per structure, in the structures' own order.
    structures: tuple[Tally, ...]

    @property
    def total(self) -> int:
        return sum(tally.count for tally in self.structures)


@dataclass(frozen=True)
class GapRoles:
    # Every role, most frequent first.
    roles: tuple[Tally, ...]
    # Submitted assessments with nobody left to hire.
    no_gap: int


@dataclass(frozen=True)
class PainPoints:
    # Every pain point, most reported first.
    points: tuple[Tally, ...]
    submitted: int


@dataclass(frozen=True)
class Week:
    start: date
    count: int


def submitted() -> QuerySet:
    """What the charts count: every assessment past the draft."""
    return Assessment.objects.exclude(status=Status.DRAFT).order_by()


def queue(user, now: datetime) -> tuple[QueueItem, ...]:
    """The work waiting for consultants, counted in one query.

    ``now`` is cut to the second so that the waiting list's link, which carries
    the cutoff in its address, selects exactly the rows counted here.
    """
    cutoff = now.replace(microsecond=0) - timedelta(days=WAITING_DAYS)
    open_statuses = ",".join(OPEN)
    items = (
        (
            "unassigned",
            "Submitted, not assigned",
            Q(status=Status.SUBMITTED, assigned_to__isnull=True),
            {"status__exact": Status.SUBMITTED, "consultant": "none"},
        ),
        (
            "in_review",
            "In review",
            Q(status=Status.IN_REVIEW),
            {"status__exact": Status.IN_REVIEW},
        ),
        (
            "mine",
            "Assigned to me, not yet reviewed",
            Q(assigned_to=user, status__in=OPEN),
            {"consultant": "mine", "status__in": open_statuses},
        ),
        (
            "waiting",
            f"Waiting more than {WAITING_DAYS} days",
            Q(status__in=OPEN, submitted_at__lt=cutoff),
            {"status__in": open_statuses, "submitted_at__lt": cutoff.isoformat()},
        ),
    )
    # Every item is open work: reading only open rows lets the status index
    # skip the reviewed ones, which outnumber them as the months go by.
    counts = (
        Assessment.objects.filter(status__in=OPEN)
        .order_by()
        .aggregate(
            **{key: Count("pk", filter=condition) for key, _, condition, _ in items}
        )
    )
    changelist = reverse("admin:assessments_assessment_changelist")
    return tuple(
        QueueItem(key, label, counts[key], f"{changelist}?{urlencode(params)}")
        for key, label, _, params in items
    )


def structures_by_stage() -> tuple[StageStructures, ...]:
    """The structure each client is told (a consultant's override first), by
    company stage: one grouped query."""
    rows = (
        submitted()
        .values(stage=F("organization__stage"), structure=effective_structure())
        .annotate(count=Count("pk"))
    )
    counts = {(row["stage"], row["structure"]): row["count"] for row in rows}
    return tuple(
        StageStructures(
            stage,
            stage_label,
            tuple(
                Tally(structure, label, counts.get((stage, structure), 0))
                for structure, label in Structure.choices
            ),
        )
        for stage, stage_label in Stage.choices
    )


def largest_gap_roles() -> GapRoles:
    """How often each role is the one with the most people still to hire."""
    rows = submitted().values("largest_gap_role").annotate(count=Count("pk"))
    counts = {row["largest_gap_role"]: row["count"] for row in rows}
    roles = [Tally(key, label, counts.get(key, 0)) for key, label in Role.choices]
    return GapRoles(roles=_most_first(roles), no_gap=counts.get("", 0))


def pain_points() -> PainPoints:
    """How many submitted assessments report each pain point, in one query
    (see ``models.reports_pain_point``)."""
    choices = questions.by_field("assessment", "pain_points").choices
    figures = with_pain_text(submitted()).aggregate(
        submitted=Count("pk"),
        **{
            f"point_{key}": Count("pk", filter=reports_pain_point(key))
            for key, _label in choices
        },
    )
    points = [Tally(key, label, figures[f"point_{key}"]) for key, label in choices]
    return PainPoints(points=_most_first(points), submitted=figures["submitted"])


def weekly_submissions(today: date) -> tuple[Week, ...]:
    """Submissions in each of the last ``WEEKS`` weeks (Monday to Sunday), the
    week of ``today`` last; a week without any is there with 0."""
    this_week = today - timedelta(days=today.weekday())
    starts = [this_week - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    rows = (
        submitted()
        .filter(submitted_at__gte=since)
        .values(week=TruncWeek("submitted_at", output_field=DateField()))
        .annotate(count=Count("pk"))
    )
    counts = {row["week"]: row["count"] for row in rows}
    return tuple(Week(start, counts.get(start, 0)) for start in starts)


def _most_first(tallies: list[Tally]) -> tuple[Tally, ...]:
    # Ties keep the choices' order, so the chart does not shuffle.
    return tuple(sorted(tallies, key=lambda tally: -tally.count))


@dataclass(frozen=True)
class StructureRow:
    """One structure across the stages: a row of the structures table."""

    label: str
    key: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class StagePeers:
    """Organisations like yours, for one stage: None below K (peers.py)."""

    stage: str
    label: str
    profile: PeerProfile | None


@dataclass(frozen=True)
class PeerRow:
    label: str
    cells: tuple[str, ...]  # one per stage, in the choices' order


def peer_rows(peers: tuple[StagePeers, ...]) -> tuple[PeerRow, ...]:
    """The stages' figures as a table, a figure a row and a stage a column."""

    def cells(read) -> tuple[str, ...]:
        return tuple(read(stage.profile) if stage.profile else "—" for stage in peers)

    def top(shares) -> str:
        reported = [share for share in shares if share.count]
        if not reported:
            return "none reported"
        first = reported[0]
        return f"{first.label} ({first.percent}%)"

    rows = [
        PeerRow(
            "Organisations",
            tuple(
                str(stage.profile.size) if stage.profile else f"fewer than {K}"
                for stage in peers
            ),
        )
    ]
    for index, role in enumerate(ROLE_KEYS):  # the order of profile.roles
        label = f"{questions.by_path(f'headcount.{role}').label}, median today"
        median = cells(lambda profile, at=index: profile.roles[at].median_text)
        rows.append(PeerRow(label, median))
    rows.append(
        PeerRow("Structure most often advised", cells(lambda p: top(p.structures)))
    )
    rows.append(
        PeerRow("Pain point most often reported", cells(lambda p: top(p.pain_points)))
    )
    return tuple(rows)


def peers_by_stage() -> tuple[StagePeers, ...]:
    """ "Organisations like yours" for each stage, as a client of it would see
    them (without the focus split): one query a stage, and nothing for a stage
    of fewer than K organisations. Demo rows count, as in every other figure
    here."""
    return tuple(
        StagePeers(stage, label, peer_profile(stage, include_demo=True))
        for stage, label in Stage.choices
    )


@dataclass(frozen=True)
class Dashboard:
    queue: tuple[QueueItem, ...]
    structures: tuple[StageStructures, ...]
    gaps: GapRoles
    pains: PainPoints
    weeks: tuple[Week, ...]
    peers: tuple[StagePeers, ...]

    @property
    def peer_table(self) -> tuple[PeerRow, ...]:
        return peer_rows(self.peers)

    @property
    def structure_rows(self) -> tuple[StructureRow, ...]:
        """The structures by stage turned round, a structure a row and a stage
        a column: four narrow stage columns fit a phone, where four long
        structure names side by side do not."""
        rows = [
            StructureRow(
                tally.label,
                tally.key,
                tuple(stage.structures[index].count for stage in self.structures),
            )
            for index, tally in enumerate(self.structures[0].structures)
        ]
        totals = tuple(stage.total for stage in self.structures)
        return (*rows, StructureRow("All structures", "total", totals))


def build(user, now: datetime) -> Dashboard:
    """Every figure of the dashboard: eight queries, whatever the table's size."""
    return Dashboard(
        queue=queue(user, now),
        structures=structures_by_stage(),
        gaps=largest_gap_roles(),
        pains=pain_points(),
        weeks=weekly_submissions(timezone.localdate(now)),
        peers=peers_by_stage(),
    )


# Drawing --------------------------------------------------------------------
# Geometry in the units of each SVG's viewBox; the stylesheet scales the
# drawing to its column, so a chart is as wide as the page allows.

CHART_WIDTH = 440
# Room right of the longest bar for its count.
COUNT_ROOM = 56


@dataclass(frozen=True)
class BarRow:
    """One labelled horizontal bar: the label above it, the count after it."""

    tally: Tally
    label_y: int
    bar_y: int
    width: float
    count_x: float
    count_y: int


@dataclass(frozen=True)
class BarChart:
    rows: tuple[BarRow, ...]
    width: int
    height: int
    bar_height: int = 14


def bar_chart(tallies: tuple[Tally, ...]) -> BarChart:
    row_height = 40
    longest = max((tally.count for tally in tallies), default=0)
    rows = []
    for index, tally in enumerate(tallies):
        top = index * row_height
        width = _scaled(tally.count, longest, CHART_WIDTH - COUNT_ROOM)
        rows.append(
            BarRow(
                tally=tally,
                label_y=top + 15,
                bar_y=top + 21,
                width=width,
                count_x=round(width + 6, 1),
                count_y=top + 33,
            )
        )
    return BarChart(tuple(rows), CHART_WIDTH, len(rows) * row_height)


@dataclass(frozen=True)
class Segment:
    key: str
    x: float
    width: float


@dataclass(frozen=True)
class StackRow:
    """One stage: its label, then one bar split by structure, then its total."""

    label: str
    total: int
    label_y: int
    bar_y: int
    segments: tuple[Segment, ...]
    total_x: float
    total_y: int


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: str
    x: int
    y: int


@dataclass(frozen=True)
class StackChart:
    rows: tuple[StackRow, ...]
    legend: tuple[LegendEntry, ...]
    width: int
    height: int
    bar_height: int


def stack_chart(stages: tuple[StageStructures, ...]) -> StackChart:
    row_height, bar_height, legend_row = 48, 20, 22
    largest = max((stage.total for stage in stages), default=0)
    room = CHART_WIDTH - COUNT_ROOM
    rows = []
    for index, stage in enumerate(stages):
        top = index * row_height
        segments, x = [], 0.0
        for tally in stage.structures:
            width = _scaled(tally.count, largest, room)
            if width:
                segments.append(Segment(tally.key, round(x, 1), width))
            x += width
        rows.append(
            StackRow(
                label=stage.label,
                total=stage.total,
                label_y=top + 15,
                bar_y=top + 21,
                segments=tuple(segments),
                total_x=round(x + 6, 1),
                total_y=top + 36,
            )
        )
    # Two legend entries a line: the longest structure name fits half the width.
    legend_top = len(rows) * row_height + 6
    legend = tuple(
        LegendEntry(
            key,
            label,
            x=(index % 2) * (CHART_WIDTH // 2),
            y=legend_top + (index // 2) * legend_row,
        )
        for index, (key, label) in enumerate(Structure.choices)
    )
    lines = -(-len(legend) // 2)
    return StackChart(
        tuple(rows), legend, CHART_WIDTH, legend_top + lines * legend_row, bar_height
    )


@dataclass(frozen=True)
class Column:
    week: Week
    x: float
    y: float
    height: float
    # The count above the column, the week's date below the baseline.
    count_y: float
    label_x: float


@dataclass(frozen=True)
class ColumnChart:
    columns: tuple[Column, ...]
    width: int
    height: int
    column_width: int
    # The columns stand on this line; the week's day and month hang below it,
    # on two lines: "14 Sep" on one would run into the next week's.
    baseline: int
    day_y: int
    month_y: int


def column_chart(weeks: tuple[Week, ...]) -> ColumnChart:
    top, baseline, column_width = 24, 150, 26
    slot = CHART_WIDTH / max(len(weeks), 1)
    highest = max((week.count for week in weeks), default=0)
    columns = []
    for index, week in enumerate(weeks):
        height = _scaled(week.count, highest, baseline - top)
        x = round(index * slot + (slot - column_width) / 2, 1)
        columns.append(
            Column(
                week=week,
                x=x,
                y=round(baseline - height, 1),
                height=height,
                count_y=round(baseline - height - 5, 1),
                label_x=round(x + column_width / 2, 1),
            )
        )
    return ColumnChart(
        tuple(columns),
        CHART_WIDTH,
        baseline + 36,
        column_width,
        baseline,
        day_y=baseline + 16,
        month_y=baseline + 31,
    )


def _scaled(count: int, largest: int, room: float) -> float:
    """``count``'s share of ``room``; a count above 0 stays visible."""
    if not count or not largest:
        return 0.0
    return round(max(room * count / largest, 2.0), 1)


@dataclass(frozen=True)
class Charts:
    structures: StackChart
    gaps: BarChart
    pains: BarChart
    weeks: ColumnChart


def draw(figures: Dashboard) -> Charts:
    return Charts(
        structures=stack_chart(figures.structures),
        gaps=bar_chart(figures.gaps.roles),
        pains=bar_chart(figures.pains.points),
        weeks=column_chart(figures.weeks),
    )
