"""The org chart of the team after the plan: who sits where, as SVG geometry.

Drawn on the server so the web page and the PDF show the same picture without
JavaScript. The drawing is a single column of boxes, so it reads on a 390 px
phone as well as on paper, and its height depends on the number of roles, not
on the number of squads: squads are one box that says how the people spread
over them, with one small tile per squad up to ``MAX_TILES``.

Where each role sits follows the structures of spec section 2: a centralized
team holds everyone; a hybrid core holds the platform roles (MLOps, data
engineering, research) while data scientists, analysts and developers join the
squads, as the section 8 transition moves them; decentralized squads share
their MLOps engineers, one per up to three squads.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.advice.answers import Answers
from assessments.advice.domain import ROLES, keys
from assessments.advice.results import Advice
from assessments.advice.structure import squads_of

WIDTH = 400
PAD = 12  # inside a box, left and right
LINE = 16  # one line of 13-unit text
TITLE_SIZE, TEXT_SIZE, NOTE_SIZE = 15, 13, 12
GAP = 22  # between boxes, where the connecting line runs
LEGEND = 30
DOT_RADIUS = 5
DOT_STEP = 12
MAX_DOTS = 12  # beyond this a role's people are drawn as a bar
BAR_WIDTH = MAX_DOTS * DOT_STEP
BAR_HEIGHT = 12
TILE_WIDTH, TILE_HEIGHT, TILE_STEP = 14, 10, 18
TILES_PER_ROW = 20
MAX_TILES = 40
# A wide glyph, as a share of the font size: estimates err towards wrapping.
EM = 0.55

TEAM, CORE, SHARED, SQUADS = "team", "core", "shared", "squads"
COMBINED = "combined"
COMBINED_LABEL = "ML engineer (pipelines + deployment)"
TEAM_TITLES = {
    "centralized": "Central ML team",
    "centralized_product": "Central ML product team",
}
PLATFORM_ROLES = ("mlops_engineer", "data_engineer", "research_scientist")


def text_width(text: str, size: int) -> float:
    """An upper estimate of ``text``'s drawn width."""
    return len(text) * size * EM


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: int
    anchor: str = "start"  # or "end": x is the right edge

    @property
    def left(self) -> float:
        width = text_width(self.text, self.size)
        return self.x - width if self.anchor == "end" else self.x

    @property
    def right(self) -> float:
        return self.left + text_width(self.text, self.size)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    new: bool


@dataclass(frozen=True)
class Bar:
    """A role's people past ``MAX_DOTS``: solid for today, dashed for hires."""

    y: float
    today: float  # widths
    new: float

    @property
    def new_x(self) -> float:
        return PAD + self.today


@dataclass(frozen=True)
class Seat:
    """One role's people in one box."""

    label: str
    today: int
    new: int
    spread: str  # how they spread over the squads, or ""
    texts: tuple[Text, ...]
    dots: tuple[Dot, ...]
    bar: Bar | None

    @property
    def words(self) -> str:
        spread = f", {self.spread}" if self.spread else ""
        return f"{self.label}: {counts(self.today, self.new, ' and ')}{spread}"


@dataclass(frozen=True)
class Tile:
    x: float
    y: float


@dataclass(frozen=True)
class Box:
    title: str
    note: str  # what the box does, or the lead's state
    y: float
    height: float
    texts: tuple[Text, ...]  # the title and the note
    seats: tuple[Seat, ...] = ()
    tiles: tuple[Tile, ...] = ()
    planned: bool = False  # drawn dashed: it does not exist yet

    @property
    def words(self) -> str:
        seats = "; ".join(seat.words for seat in self.seats)
        head = f"{self.title} ({self.note})" if self.note else self.title
        return f"{head}: {seats}." if seats else f"{head}."


@dataclass(frozen=True)
class OrgChart:
    structure_label: str
    boxes: tuple[Box, ...]
    width: int
    height: float

    link_x = 32
    dot_radius = DOT_RADIUS
    new_dot_radius = DOT_RADIUS - 0.5  # its dashed stroke makes up the rest
    tile_width, tile_height = TILE_WIDTH, TILE_HEIGHT
    bar_height = BAR_HEIGHT
    max_dots = MAX_DOTS

    @property
    def links(self) -> tuple[tuple[float, float], ...]:
        """Vertical lines joining each box to the next."""
        return tuple(
            (upper.y + upper.height, lower.y)
            for upper, lower in zip(self.boxes, self.boxes[1:], strict=False)
        )

    @property
    def description(self) -> str:
        return " ".join(box.words for box in self.boxes)


def counts(today: int, new: int, joiner: str = " + ") -> str:
    if not new:
        return f"{today:,} today"
    if not today:
        return f"{new:,} to hire"
    return f"{today:,} today{joiner}{new:,} to hire"


def build_org_chart(advice: Advice, answers: Answers) -> OrgChart:
    structure = advice.structure.key
    squads = squads_of(answers.product_teams, answers.ml_use_cases)
    people = _people(advice)
    places = _places(structure, squads)

    layout = _Layout()
    if answers.has_ml_lead is True:
        layout.box("Head of ML", "in place today")
    elif advice.ml_lead_due:
        layout.box("Head of ML", "name or hire in quarter 1", planned=True)
    if structure in TEAM_TITLES:
        layout.box(TEAM_TITLES[structure], "", _seats(people, places, TEAM, 1))
        teams = answers.product_teams
        if teams:
            noun = "product team" if teams == 1 else "product teams"
            layout.box(f"Your {teams:,} {noun}", "bring use cases, ship results")
    else:
        if structure == "hybrid":
            core = _seats(people, places, CORE, 1)
            layout.box("Core ML team", "platform and practice", core)
        shared = _seats(people, places, SHARED, 1)
        if shared:
            note = "serve both squads" if squads == 2 else "serve several squads"
            layout.box("Shared by the squads", note, shared)
        noun = "product squad" if squads == 1 else "product squads"
        embedded = _seats(people, places, SQUADS, squads)
        layout.box(f"{squads:,} {noun}", "ML people embedded", embedded, squads)
    return OrgChart(
        structure_label=advice.structure.label,
        boxes=tuple(layout.boxes),
        width=WIDTH,
        height=layout.y - GAP,
    )


def _people(advice: Advice) -> dict[str, tuple[int, int]]:
    """(today, to hire) per role, and the combined hire as its own person:
    one ML engineer must not be drawn as two people."""
    combined_hires = [h for h in advice.hires if len(h.roles) > 1]
    combined = sum(h.count for h in combined_hires)
    combined_roles = {key for h in combined_hires for key in h.roles}
    people = {
        role.key: (role.current, role.gap - combined * (role.key in combined_roles))
        for role in advice.roles
    }
    if combined:
        people[COMBINED] = (0, combined)
    return people


def _places(structure: str, squads: int) -> dict[str, str]:
    if structure in TEAM_TITLES:
        return {key: TEAM for key in (*keys(ROLES), COMBINED)}
    places = {key: SQUADS for key in keys(ROLES)}
    if structure == "hybrid":
        places.update({key: CORE for key in PLATFORM_ROLES})
        return {**places, COMBINED: CORE}
    # Decentralized: one squad holds everyone; more share their MLOps engineers.
    shared = SHARED if squads > 1 else SQUADS
    return {**places, "mlops_engineer": shared, COMBINED: shared}


def _seats(people, places, place: str, squads: int) -> list[tuple]:
    labels = {**dict(ROLES), COMBINED: COMBINED_LABEL}
    return [
        (labels[key], today, new, _spread(today + new, squads))
        for key, (today, new) in people.items()
        if places[key] == place and today + new
    ]


def _spread(count: int, squads: int) -> str:
    if squads == 1:
        return ""
    if count % squads == 0:
        return f"{count // squads:,} in every squad"
    if count < squads:
        return f"in {count:,} of the {squads:,} squads"
    low = count // squads
    return f"{low:,} or {low + 1:,} per squad"


def _pair(y: float, left: Text, right_text: str, size: int) -> tuple[list[Text], float]:
    """``left`` with ``right_text`` at the box's right edge on the same line,
    or on the next line when the two would touch. Returns the baseline after."""
    right = Text(WIDTH - PAD, y, right_text, size, "end")
    if not right_text:
        return [left], y
    if left.right + PAD <= right.left:
        return [left, right], y
    return [left, Text(PAD, y + LINE, right_text, size)], y + LINE


class _Layout:
    """Stacks boxes top to bottom below the legend."""

    def __init__(self) -> None:
        self.boxes: list[Box] = []
        self.y: float = LEGEND

    def box(
        self,
        title: str,
        note: str,
        seats=(),
        squads: int = 0,
        *,
        planned: bool = False,
    ) -> None:
        top = self.y
        heading = Text(PAD, top + 21, title, TITLE_SIZE)
        texts, y = _pair(heading.y, heading, note, NOTE_SIZE)
        y += 10  # below the heading's baseline
        tiles = []
        if squads > 1:
            for index in range(min(squads, MAX_TILES)):
                row, column = divmod(index, TILES_PER_ROW)
                x = PAD + column * TILE_STEP
                tiles.append(Tile(x, y + row * (TILE_HEIGHT + 6)))
            y = tiles[-1].y + TILE_HEIGHT + 6
            if squads > MAX_TILES:
                texts.append(
                    Text(
                        PAD, y + 12, f"+ {squads - MAX_TILES:,} more squads", NOTE_SIZE
                    )
                )
                y += LINE
        placed = []
        for label, today, new, spread in seats:
            seat, y = _seat(label, today, new, spread, y)
            placed.append(seat)
        height = y - top + (10 if placed else 0)
        self.boxes.append(
            Box(
                title,
                note,
                top,
                height,
                tuple(texts),
                tuple(placed),
                tuple(tiles),
                planned,
            )
        )
        self.y = top + height + GAP


def _seat(
    label: str, today: int, new: int, spread: str, y: float
) -> tuple[Seat, float]:
    """A role's name and counts, then its people with their spread; each pair
    shares a line when it fits. Returns the seat and the y below it."""
    name = Text(PAD, y + LINE, label, TEXT_SIZE)
    texts, baseline = _pair(name.y, name, counts(today, new), TEXT_SIZE)
    middle = baseline + 13  # the people's line, centred on the dots
    total = today + new
    dots: tuple[Dot, ...] = ()
    bar = None
    if total <= MAX_DOTS:
        dots = tuple(
            Dot(PAD + DOT_RADIUS + i * DOT_STEP, middle, new=i >= today)
            for i in range(total)
        )
        drawn = total * DOT_STEP
    else:
        share = round(today / total * BAR_WIDTH, 1)
        bar = Bar(middle - BAR_HEIGHT / 2, share, round(BAR_WIDTH - share, 1))
        drawn = BAR_WIDTH
    bottom = middle + DOT_RADIUS
    if spread:
        after = Text(PAD + drawn + 10, middle + 4, spread, NOTE_SIZE)
        if after.right > WIDTH - PAD:
            after = Text(PAD, bottom + LINE - 2, spread, NOTE_SIZE)
            bottom = after.y
        texts.append(after)
    seat = Seat(label, today, new, spread, tuple(texts), dots, bar)
    return seat, bottom + 6
