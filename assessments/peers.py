"""Peer figures for "organisations like yours", shown k-anonymously.

Among the other organisations of the same stage (and, when there are enough of
them, the same AI focus), what their teams look like today, which structure
they were advised and what they struggle with. Nobody is ever named, and a
group smaller than ``K`` shows nothing at all.

Who counts:

* Only what a consultant has reviewed. Anyone may start assessments (20 an
  hour per address), so counting whatever was submitted would let someone
  submit ten made-up organisations into a stage holding one real one,
  subtract their own answers from the figures and read the real one's: no
  threshold stops that, since the made-up ones are as many as it asks for. A
  consultant's review (status "reviewed") is what says an organisation is
  real, so only reviewed assessments count.
* An organisation is a lineage (``Assessment.lineage``): one client's
  assessments over time. Each lineage counts once, by its latest reviewed
  assessment (latest ``submitted_at``, then highest id), whose answers, stage
  and focus stand for it: a client who resubmitted three times is one
  organisation, as it was when last reviewed. A later submission not yet
  reviewed changes nothing until it is: the lineage neither vanishes nor
  counts by answers nobody has checked.
* Drafts and unreviewed submissions never count, and neither does the
  viewer's own lineage: a client is never among their own peers.
* Demo rows (``Organization.is_demo``) do not count by default. ``seed_demo``
  makes them up so that a newcomer's admin looks populated; shown to a client
  as "organisations like yours" they would be made-up figures presented as
  real ones, and a database holding only demo rows would show a section about
  nobody. The consultants' dashboard counts them like any other row, so a
  caller there may pass ``include_demo=True`` to match its other figures.

Everything is counted by the database, in one query whatever the number of
assessments, on SQLite and PostgreSQL (see ``_figures``), which still takes
about 0.2 s at 100,000 assessments on PostgreSQL; ``peer_profile`` keeps each
result in Django's cache for a few minutes (see "The cache" below).

Only the client's web report shows them, never the PDF: they change whenever
a consultant reviews another organisation, while the PDF is a fixed
deliverable stored once per ``Report.revision``, which knows nothing of them.
"""

from dataclasses import dataclass, replace
from uuid import uuid4

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save

from assessments import questions
from assessments.advice.domain import AI_FOCUS_WORDS
from assessments.choices import Stage, Status, Structure
from assessments.models import (
    ROLE_KEYS,
    Assessment,
    effective_structure,
    reports_pain_point,
    with_pain_text,
)

# The fewest other organisations a group must hold for any of its figures to
# be shown. Below it the section is left out entirely: even "too few to
# show" would tell a client something about who else uses TeamAdvisor.
K = 10

# The most reported pain points shown: this many, and any tied with the last.
TOP_PAIN_POINTS = 3


@dataclass(frozen=True)
class RoleMedian:
    key: str
    label: str  # the team question's label: "Data scientists"
    # The middle headcount; of an even number of organisations, the mean of
    # the two middle ones, so it may end in .5.
    median: float
    # The viewing client's own headcount (``peers_of`` only).
    yours: int | None = None

    @property
    def median_text(self) -> str:
        """The median as shown, exactly and never rounded: a whole number
        ("2") or halfway between two ("2.5")."""
        if self.median == int(self.median):
            return str(int(self.median))
        return f"{self.median:.1f}"


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    count: int  # organisations of the group
    total: int  # the group's size

    @property
    def percent(self) -> int:
        """The share in whole percent, halves rounded up."""
        return (200 * self.count + self.total) // (2 * self.total)


@dataclass(frozen=True)
class PeerProfile:
    stage: str
    # The group's AI focus, or "" when it is every focus of the stage.
    ai_focus: str
    # Other organisations in the group: at least K.
    size: int
    roles: tuple[RoleMedian, ...]  # in the questionnaire's order
    # Every structure, the most advised first (ties in the choices' order).
    structures: tuple[Share, ...]
    # Every pain point, the most reported first (ties in the question's order).
    pain_points: tuple[Share, ...]

    @property
    def description(self) -> str:
        """Who the group is, for a sentence: "14 other large startups whose AI
        focus is putting AI into products"."""
        words = f"{self.size} other {_stage_plural(self.stage)}"
        if self.ai_focus:
            words += f" whose AI focus is {AI_FOCUS_WORDS[self.ai_focus]}"
        return words

    @property
    def top_pain_points(self) -> tuple[Share, ...]:
        """The most reported pain points: the first ``TOP_PAIN_POINTS``, any
        tied with the last of them, none that nobody reported."""
        reported = [share for share in self.pain_points if share.count]
        if len(reported) <= TOP_PAIN_POINTS:
            return tuple(reported)
        floor = reported[TOP_PAIN_POINTS - 1].count
        return tuple(share for share in reported if share.count >= floor)


def _stage_plural(stage: str) -> str:
    """The stage's label as a plural inside a sentence: "Large startup" gives
    "large startups". Every stage label so far is a noun that takes an s."""
    return f"{Stage(stage).label.lower()}s"


def peers_of(assessment: Assessment) -> PeerProfile | None:
    """The figures of the organisations like the one ``assessment`` describes,
    with its own headcount beside each median; None when too few qualify.

    Needs ``assessment.organization`` (the report view has it joined already).
    """
    if assessment.is_draft or assessment.organization_id is None:
        return None
    profile = peer_profile(
        assessment.organization.stage,
        assessment.ai_focus or None,
        exclude_lineage=assessment.lineage,
    )
    return beside_yours(profile, assessment)


def beside_yours(
    profile: PeerProfile | None, assessment: Assessment
) -> PeerProfile | None:
    """``profile`` with ``assessment``'s own headcount beside each median."""
    if profile is None:
        return None
    roles = tuple(replace(r, yours=getattr(assessment, r.key)) for r in profile.roles)
    return replace(profile, roles=roles)


def peer_profile(
    stage: str,
    ai_focus: str | None = None,
    exclude_lineage=None,
    *,
    include_demo: bool = False,
) -> PeerProfile | None:
    """The figures of the organisations of ``stage``: of those that also have
    ``ai_focus`` when at least ``K`` do, else of the whole stage when at least
    ``K`` do, else None. ``exclude_lineage`` (a UUID) is left out, as a
    viewer's own organisation is. One query, or none when the cache holds the
    answer, None ("too few") included.
    """
    key = f"peers:{stage}:{ai_focus or ''}:{exclude_lineage or ''}:{include_demo:d}"
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # Never set, or culled: a new one, which no stored answer carries.
        generation = cache.get_or_set(GENERATION_KEY, _new_generation, None)
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    # The generation was read before counting: if a review is saved while the
    # query runs, this answer is stored under the old one and never served.
    profile = _peer_profile(stage, ai_focus, exclude_lineage, include_demo)
    cache.set(key, (generation, profile), CACHE_SECONDS)
    return profile


def _peer_profile(
    stage: str, ai_focus: str | None, exclude_lineage, include_demo: bool
) -> PeerProfile | None:
    figures = _figures(
        latest_reviewed_per_lineage(
            stage, exclude_lineage=exclude_lineage, include_demo=include_demo
        ),
        ai_focus,
    )
    focus_size, stage_size = figures.get("focus_size", 0), figures["stage_size"]
    # The focus group only when the rest of its stage is empty or itself at
    # least K: else a client shown the focus group and another shown the
    # whole stage could subtract one from the other and learn the figures of
    # fewer than K organisations.
    rest = stage_size - focus_size
    if ai_focus and focus_size >= K and (rest == 0 or rest >= K):
        return _profile(
            figures, "focus", stage=stage, ai_focus=ai_focus, size=focus_size
        )
    if stage_size >= K:
        return _profile(figures, "stage", stage=stage, ai_focus="", size=stage_size)
    return None


def latest_reviewed_per_lineage(
    stage: str, *, exclude_lineage=None, include_demo: bool = False
) -> QuerySet[Assessment]:
    """The latest reviewed assessment of each lineage whose latest reviewed
    assessment is of ``stage``, but ``exclude_lineage``'s.

    "Latest" is a NOT EXISTS: no reviewed assessment of the same lineage was
    submitted later (or at the same instant with a higher id, so that each
    lineage has exactly one); both databases run it as an anti-join. The
    stage is that of the latest one, so a client who grew from a small into a
    large startup counts among large startups only. Assessments not reviewed
    play no part at all, so a later one waiting for review leaves its
    lineage counted by the reviewed one before it.
    """
    later = (
        Assessment.objects.filter(lineage=OuterRef("lineage"))
        # "Reviewed", said as "none of the other statuses" (the column's check
        # constraint allows no other), which no index can look up: said as
        # status = 'reviewed', SQLite, which has no statistics, looks the
        # later ones up by status and submission date instead of by lineage,
        # reading every later reviewed assessment for each row: 26 s instead
        # of 30 ms at 20,000 assessments.
        .exclude(status__in=[s for s in Status.values if s != Status.REVIEWED])
        .filter(
            Q(submitted_at__gt=OuterRef("submitted_at"))
            | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
        )
    )
    rows = Assessment.objects.filter(
        ~Exists(later), status=Status.REVIEWED, organization__stage=stage
    )
    if exclude_lineage is not None:
        rows = rows.exclude(lineage=exclude_lineage)
    if not include_demo:
        rows = rows.filter(organization__is_demo=False)
    return rows


# The cache -------------------------------------------------------------------
#
# Each answer of ``peer_profile`` is kept under its arguments (stage, focus,
# the viewer's lineage, demo or not) together with the cache's current
# "generation", a random token. Only a review or the deletion of a reviewed
# assessment can change an answer, and either gives the cache a new
# generation (the receivers below), so every answer stored before it is
# ignored from then on and recounted on its next use.
#
# Django's default cache is a LocMemCache (Django's own default when settings
# name no CACHES): one per process. A new generation then reaches only the
# process that saved the review; the others (gunicorn's other workers) go on
# serving what they hold for at most CACHE_SECONDS, which is why that is a few
# minutes and not hours. Not a leak: what they serve still counted at least K
# reviewed organisations. A shared default cache (Redis, Memcached) would make
# a new generation everyone's at once. ``seed_demo`` bulk-creates, which no
# signal reports: demo rows reach the dashboard's figures within CACHE_SECONDS.
CACHE_SECONDS = 5 * 60
GENERATION_KEY = "peers:generation"


def _new_generation() -> str:
    # Random, never a counter: a counter culled from the cache and started
    # again could return to a number whose answers are still stored.
    return uuid4().hex


def forget_figures(using: str = "default") -> None:
    """Every stored answer is recounted on its next use: now, and again when
    the current transaction commits, so that an answer counted by another
    request in between, before the change was visible to it, is not kept."""
    cache.set(GENERATION_KEY, _new_generation(), None)
    transaction.on_commit(
        lambda: cache.set(GENERATION_KEY, _new_generation(), None), using=using
    )


def _assessment_saved(sender, instance, update_fields=None, using="default", **_):
    if instance.status == Status.DRAFT:
        return  # never counted, and a reviewed assessment never becomes one
    if update_fields and "submitted_at" in update_fields:
        # A submission (services.assessment_submit): not reviewed, so it
        # counts for nothing yet. Made-up submissions cannot empty the cache.
        return
    # A review saved: the status may have become or stopped being "reviewed",
    # the structure the consultant advised may have changed.
    forget_figures(using)


def _assessment_deleted(sender, instance, using="default", **_):
    if instance.status == Status.REVIEWED:
        forget_figures(using)


def connect_receivers() -> None:
    """Called by ``AssessmentsConfig.ready``, so that every process that
    saves a review forgets, whether or not it ever imported this module."""
    post_save.connect(_assessment_saved, Assessment, dispatch_uid="peers_saved")
    post_delete.connect(_assessment_deleted, Assessment, dispatch_uid="peers_deleted")


class Median(Aggregate):
    """PostgreSQL's median: the continuous 50th percentile, which for an even
    number of values is the mean of the two middle ones."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _middle(row_number: str, size: str) -> Q:
    """The row numbered ``row_number`` is a middle one of ``size`` rows in
    order: the one middle row of an odd number, either of the two of an even
    number. That is size <= 2 * row_number <= size + 2 (11 rows: row 6;
    10 rows: rows 5 and 6), with no division whose rounding might differ
    between databases."""
    twice = F(row_number) * 2
    return Q(**{f"{size}__lte": twice, f"{size}__gte": twice - 2})


def _figures(
    rows: QuerySet[Assessment], ai_focus: str | None, *, windowed: bool | None = None
) -> dict:
    """Every figure of the stage group, and of its ``ai_focus`` part if given,
    in one aggregate query.

    Medians (of an even number of organisations, the mean of the two middle
    values, as the median is usually defined) are computed two ways, with
    the same results; the tests run on both databases.

    * SQLite has no median and no ordered-set aggregate, so it gets a portable
      form: per role, ROW_NUMBER() numbers the rows in headcount order (within
      the focus, for the narrower group) and COUNT(*) OVER the group gives its
      size; the median is then AVG(headcount) over the one or two middle rows
      (see ``_middle``). Django puts the window functions in a subquery and
      the aggregates outside it. This form would work on PostgreSQL too, but
      there each window is a sort of the group's whole rows and a pass over
      them, one per role and group: 0.4 s more at 100,000 assessments.
    * PostgreSQL gets its own ``percentile_cont(0.5)``, an ordinary aggregate
      that sorts only the one column: 30 ms for the same twelve medians.

    Headcounts are required answers, so a submitted assessment has no NULL
    to sort differently on the two databases.

    Pain points: one COUNT with a filter per key, ``models.reports_pain_point``,
    as the consultants' dashboard counts them.
    """
    if windowed is None:
        windowed = connections[rows.db].vendor != "postgresql"
    groups = {"stage": Q()}
    if ai_focus:
        groups["focus"] = Q(ai_focus=ai_focus)
    windows = {}
    if windowed:
        windows["stage_n"] = Window(Count("pk"))
        if ai_focus:
            windows["focus_n"] = Window(Count("pk"), partition_by=[F("ai_focus")])
        for role in ROLE_KEYS:
            windows[f"stage_rn_{role}"] = Window(RowNumber(), order_by=F(role).asc())
            if ai_focus:
                windows[f"focus_rn_{role}"] = Window(
                    RowNumber(), partition_by=[F("ai_focus")], order_by=F(role).asc()
                )
    aggregates = {}
    for prefix, group in groups.items():
        aggregates[f"{prefix}_size"] = Count("pk", filter=group)
        for role in ROLE_KEYS:
            aggregates[f"{prefix}_median_{role}"] = (
                Avg(role, filter=group & _middle(f"{prefix}_rn_{role}", f"{prefix}_n"))
                if windowed
                else Median(role, filter=group or None)
            )
        for key, _label in Structure.choices:
            aggregates[f"{prefix}_structure_{key}"] = Count(
                "pk", filter=group & Q(structure=key)
            )
        for key, _label in _pain_point_choices():
            aggregates[f"{prefix}_pain_{key}"] = Count(
                "pk", filter=group & reports_pain_point(key)
            )
    return (
        with_pain_text(rows)
        .annotate(structure=effective_structure(), **windows)
        .order_by()
        .aggregate(**aggregates)
    )


def _pain_point_choices():
    return questions.by_field("assessment", "pain_points").choices


def _most_first(shares: list[Share]) -> tuple[Share, ...]:
    # sorted() is stable: ties keep the choices' order.
    return tuple(sorted(shares, key=lambda share: -share.count))


def _profile(
    figures: dict, prefix: str, *, stage: str, ai_focus: str, size: int
) -> PeerProfile:
    roles = tuple(
        RoleMedian(
            key=role,
            label=questions.by_field("assessment", role).label,
            median=float(figures[f"{prefix}_median_{role}"]),
        )
        for role in ROLE_KEYS
    )
    structures = [
        Share(key, label, figures[f"{prefix}_structure_{key}"], size)
        for key, label in Structure.choices
    ]
    pains = [
        Share(key, label, figures[f"{prefix}_pain_{key}"], size)
        for key, label in _pain_point_choices()
    ]
    return PeerProfile(
        stage=stage,
        ai_focus=ai_focus,
        size=size,
        roles=roles,
        structures=_most_first(structures),
        pain_points=_most_first(pains),
    )
