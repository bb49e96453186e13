"""The consultants' dashboard on the admin home.

Every figure is checked against a small data set built here, whose expected
counts are typed by hand from the table in ``dataset`` (never recomputed with
the code under test). Runs on SQLite by default and on PostgreSQL with
DATABASE_URL pointing at it.
"""

import io
import re
from datetime import datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from assessments import dashboard, services
from assessments.admin import CONSULTANTS_GROUP
from assessments.choices import Status
from assessments.models import Assessment, Organization
from tests.factories import draft_assessment, submitted_assessment

pytestmark = pytest.mark.django_db

HOME = "/admin/"
CHANGELIST = "/admin/assessments/assessment/"
# Client names the dashboard must never show, escaped or not.
HOSTILE_NAMES = [
    "<script>alert('dashboard')</script>",
    "'><img src=x onerror=alert(1)>",
    '<svg onload="alert(1)">',
    "Zebra {{ settings.SECRET_KEY }} & Co",
]


# Data ------------------------------------------------------------------------


@pytest.fixture
def consultants():
    group = Group.objects.get(name=CONSULTANTS_GROUP)
    carla = User.objects.create_user("carla", password="x", is_staff=True)
    dan = User.objects.create_user("dan", password="x", is_staff=True)
    for user in (carla, dan):
        user.groups.add(group)
    return carla, dan


def _this_monday_noon() -> datetime:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return timezone.make_aware(datetime.combine(monday, time(12)))


def _weeks_ago(weeks: int) -> datetime:
    """Tuesday noon of the week ``weeks`` before this one: more than seven
    days ago for ``weeks`` >= 2, whatever today's weekday."""
    return _this_monday_noon() - timedelta(weeks=weeks) + timedelta(days=1)


def _row(number, stage, structure, override, gap_role, pains, status, weeks, assigned):
    assessment = submitted_assessment()
    Organization.objects.filter(pk=assessment.organization_id).update(
        stage=stage, name=HOSTILE_NAMES[number % len(HOSTILE_NAMES)]
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        recommended_structure=structure,
        override_structure=override,
        override_reason="Talked it through." if override else "",
        largest_gap_role=gap_role,
        largest_gap=2 if gap_role else 0,
        pain_points=pains,
        status=status,
        submitted_at=timezone.now() if weeks == 0 else _weeks_ago(weeks),
        assigned_to=assigned,
    )
    return assessment.pk


@pytest.fixture
def dataset(consultants):
    """Ten submitted assessments (numbered from 1 in the order below) and a
    draft; carla is the one looking. Each row: stage, TeamAdvisor's structure,
    the consultant's override, the role with the largest gap (none: no gap),
    pain points, status, weeks ago (0: now), consultant. The draft (stage
    enterprise, pain points silos and hiring, assigned to carla) must count
    nowhere.
    """
    carla, dan = consultants
    S, R, V = Status.SUBMITTED, Status.IN_REVIEW, Status.REVIEWED
    rows = [
        ("small_startup", "centralized", "", "data_engineer",
         ["hiring_difficulty", "silos"], S, 0, None),
        ("small_startup", "centralized", "", "data_engineer", ["silos"], S, 3, None),
        ("small_startup", "decentralized", "centralized", "mlops_engineer",
         [], R, 0, carla),
        ("large_startup", "hybrid", "", "data_scientist",
         ["silos", "slow_delivery"], R, 5, dan),
        ("large_startup", "decentralized", "", "", ["hiring_difficulty"], V, 2, carla),
        ("enterprise", "hybrid", "centralized_product", "data_engineer",
         ["research_not_shipping", "resource_conflicts", "silos"], S, 20, carla),
        ("enterprise", "hybrid", "", "mlops_engineer",
         ["too_many_requests"], V, 1, dan),
        ("small_startup", "centralized", "", "data_analyst",
         ["estimation_difficulty"], S, 0, carla),
        ("large_startup", "hybrid", "", "data_engineer",
         ["silos", "unclear_mandate"], S, 0, None),
        ("small_startup", "decentralized", "", "data_engineer", [], S, 8, None),
    ]  # fmt: skip
    pks = {number: _row(number, *row) for number, row in enumerate(rows, start=1)}
    draft = draft_assessment()
    Assessment.objects.filter(pk=draft.pk).update(assigned_to=carla)
    Organization.objects.filter(pk=draft.organization_id).update(
        stage="enterprise", name=HOSTILE_NAMES[0]
    )
    return carla, pks


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


# Figures ---------------------------------------------------------------------


def test_queue_counts_match_the_hand_count(dataset):
    carla, _ = dataset
    counts = {item.key: item.count for item in dashboard.queue(carla, timezone.now())}
    assert counts == {"unassigned": 4, "in_review": 2, "mine": 3, "waiting": 4}


@pytest.mark.parametrize(
    ("key", "rows"),
    [
        ("unassigned", {1, 2, 9, 10}),
        ("in_review", {3, 4}),
        ("mine", {3, 6, 8}),
        ("waiting", {2, 4, 6, 10}),
    ],
)
def test_each_queue_link_lists_exactly_the_rows_counted(client, dataset, key, rows):
    carla, pks = dataset
    response = _get(client, carla, HOME)
    item = next(i for i in response.context["dashboard"].queue if i.key == key)
    assert item.url.startswith(CHANGELIST + "?")
    listed = _get(client, carla, item.url)
    assert listed.status_code == 200  # an unknown lookup would redirect to ?e=1
    changelist = listed.context["cl"]
    assert changelist.result_count == item.count == len(rows)
    assert {a.pk for a in changelist.result_list} == {pks[n] for n in rows}


def test_queue_links_use_the_admin_filters(dataset):
    carla, _ = dataset
    urls = {item.key: item.url for item in dashboard.queue(carla, timezone.now())}
    assert urls["unassigned"] == f"{CHANGELIST}?status__exact=submitted&consultant=none"
    assert urls["in_review"] == f"{CHANGELIST}?status__exact=in_review"
    assert urls["mine"] == (
        f"{CHANGELIST}?consultant=mine&status__in=submitted%2Cin_review"
    )


def test_waiting_link_carries_the_cutoff_counted(dataset):
    carla, _ = dataset
    now = timezone.make_aware(datetime(2026, 3, 10, 9, 30, 15, 123456))
    waiting = dashboard.queue(carla, now)[3]
    assert waiting.url == (
        f"{CHANGELIST}?status__in=submitted%2Cin_review"
        "&submitted_at__lt=2026-03-03T09%3A30%3A15%2B00%3A00"
    )


def test_structures_by_stage_match_the_hand_count(dataset):
    stages = {
        stage.key: {tally.key: tally.count for tally in stage.structures}
        for stage in dashboard.structures_by_stage()
    }
    # The consultant's structure counts where there is one (rows 3 and 6).
    assert stages == {
        "small_startup": {
            "centralized": 4,
            "decentralized": 1,
            "hybrid": 0,
            "centralized_product": 0,
        },
        "large_startup": {
            "centralized": 0,
            "decentralized": 1,
            "hybrid": 2,
            "centralized_product": 0,
        },
        "enterprise": {
            "centralized": 0,
            "decentralized": 0,
            "hybrid": 1,
            "centralized_product": 1,
        },
    }


def test_largest_gap_roles_match_the_hand_count(dataset):
    gaps = dashboard.largest_gap_roles()
    assert [(tally.key, tally.count) for tally in gaps.roles] == [
        ("data_engineer", 5),
        ("mlops_engineer", 2),
        # Ties keep the roles' own order.
        ("data_analyst", 1),
        ("data_scientist", 1),
        ("research_scientist", 0),
        ("software_developer", 0),
    ]
    assert gaps.no_gap == 1


def test_pain_points_match_the_hand_count(dataset):
    pains = dashboard.pain_points()
    assert pains.submitted == 10  # the draft's silos and hiring are not counted
    assert [(tally.key, tally.count) for tally in pains.points] == [
        ("silos", 5),
        ("hiring_difficulty", 2),
        # Ties keep the question's own order.
        ("resource_conflicts", 1),
        ("too_many_requests", 1),
        ("estimation_difficulty", 1),
        ("unclear_mandate", 1),
        ("slow_delivery", 1),
        ("research_not_shipping", 1),
        ("business_insight_gap", 0),
    ]
    assert pains.points[0].label == "ML work happens in silos"


def test_pain_points_are_counted_in_one_query(dataset):
    with CaptureQueriesContext(connection) as queries:
        dashboard.pain_points()
    assert len(queries) == 1


def test_weekly_submissions_match_the_hand_count(dataset):
    weeks = dashboard.weekly_submissions(timezone.localdate())
    # Oldest first; this week (rows 1, 3, 8, 9) last; row 6 is too old.
    assert [week.count for week in weeks] == [0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 4]
    monday = _this_monday_noon().date()
    assert weeks[-1].start == monday
    assert weeks[0].start == monday - timedelta(weeks=11)
    assert {week.start.weekday() for week in weeks} == {0}


def test_weeks_without_submissions_are_zero():
    weeks = dashboard.weekly_submissions(timezone.localdate())
    assert len(weeks) == 12
    assert [week.count for week in weeks] == [0] * 12


# The page --------------------------------------------------------------------


class _TableRows(HTMLParser):
    """The text of each table row's cells, by the row's class."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = dict(attrs).get("class")
            if self._row:
                self.rows[self._row] = []
        elif tag in ("th", "td") and self._row:
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[self._row].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None


def _table_rows(response) -> dict[str, list[str]]:
    parser = _TableRows()
    parser.feed(response.content.decode())
    return parser.rows


def test_page_tables_show_the_hand_count(client, dataset):
    carla, _ = dataset
    rows = _table_rows(_get(client, carla, HOME))
    # Structure by stage: small startup, large startup, enterprise, all.
    assert rows["dash-structure-row-centralized"] == [
        "Centralized team",
        "4",
        "0",
        "0",
        "4",
    ]
    assert rows["dash-structure-row-decentralized"] == [
        "Decentralized squads",
        "1",
        "1",
        "0",
        "2",
    ]
    assert rows["dash-structure-row-hybrid"] == [
        "Hybrid: core team plus squads",
        "0",
        "2",
        "1",
        "3",
    ]
    assert rows["dash-structure-row-centralized_product"] == [
        "Central ML product team",
        "0",
        "0",
        "1",
        "1",
    ]
    assert rows["dash-structure-row-total"] == ["All structures", "5", "3", "2", "10"]
    assert rows["dash-role-data_engineer"] == ["Data engineer", "5"]
    assert rows["dash-role-mlops_engineer"] == ["MLOps engineer", "2"]
    assert rows["dash-role-research_scientist"] == ["Research / applied scientist", "0"]
    assert rows["dash-role-none"] == ["No gap", "1"]
    assert rows["dash-pain-silos"] == ["ML work happens in silos", "5"]
    assert rows["dash-pain-hiring_difficulty"] == ["ML roles are hard to fill", "2"]
    assert rows["dash-pain-business_insight_gap"] == [
        "ML people lack business insight",
        "0",
    ]


def test_page_shows_the_queue_with_links(client, dataset):
    carla, _ = dataset
    response = _get(client, carla, HOME)
    html = response.content.decode()
    for query, count, label in [
        ("status__exact=submitted&consultant=none", 4, "Submitted, not assigned"),
        ("status__exact=in_review", 2, "In review"),
        ("consultant=mine&status__in=submitted%2Cin_review", 3, "Assigned to me"),
        ("status__in=submitted%2Cin_review&submitted_at__lt=", 4, "Waiting more"),
    ]:
        link = re.escape(escape(f"{CHANGELIST}?{query}"))
        assert re.search(
            rf'<a href="{link}[^"]*">\s*<span class="dash-count">{count}</span>'
            rf'\s*<span class="dash-label">{label}',
            html,
        ), query


def test_page_draws_accessible_charts_without_inline_style(client, dataset):
    carla, _ = dataset
    response = _get(client, carla, HOME)
    html = response.content.decode()
    assert html.count('<svg class="dash-svg" role="img" aria-labelledby=') == 4
    for chart in ("structures", "gaps", "pains", "weeks"):
        assert f'<title id="{chart}-svg-title">' in html
    assert html.count("<table>") >= 4
    assert "style=" not in html
    assert "<style" not in html
    assert "/static/css/admin-dashboard.css" in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_page_keeps_the_admin_around_the_dashboard(client, dataset):
    carla, _ = dataset
    response = _get(client, carla, HOME)
    html = response.content.decode()
    assert "TeamAdvisor consultants" in html  # site_header from assessments/admin.py
    # Django's list of models stays, below the dashboard.
    assert html.index('id="dashboard"') < html.index('href="/admin/assessments/')
    assert 'href="/admin/assessments/assessment/"' in html


def test_no_client_name_reaches_the_page(client, dataset):
    carla, _ = dataset
    # Django's "recent actions" would name the client: the dashboard drops it.
    LogEntry.objects.log_actions(
        user_id=carla.pk,
        queryset=Assessment.objects.all(),
        action_flag=CHANGE,
    )
    assert LogEntry.objects.filter(object_repr__contains="alert").exists()
    html = _get(client, carla, HOME).content.decode()
    for name in HOSTILE_NAMES:
        assert name not in html
        assert escape(name) not in html
    assert "alert(" not in html
    assert "SECRET_KEY" not in html


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_only_staff_reach_the_page(client, consultants, who):
    if who == "not staff":
        user = User.objects.create_user("client", password="x")
        user.user_permissions.add(*consultants[0].groups.get().permissions.all())
        client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_staff_without_view_permission_see_no_figures(client, dataset):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(
        *ContentType.objects.get_for_model(Organization).permission_set.filter(
            codename="view_organization"
        )
    )
    response = _get(client, clerk, HOME)
    assert response.status_code == 200
    assert "dashboard" not in response.context
    html = response.content.decode()
    assert 'id="dashboard"' not in html
    assert "Review queue" not in html
    assert "admin-dashboard.css" not in html
    # Django's own home page, with what this user may see.
    assert 'href="/admin/assessments/organization/"' in html
    assert 'href="/admin/assessments/assessment/"' not in html


# Cost ------------------------------------------------------------------------


def _home_queries(client, user, *, cached: bool = False) -> int:
    client.force_login(user)
    if not cached:
        # Counted, as on a first view: seed_demo bulk-creates, which no
        # signal reports, so the peer figures cached before would be kept.
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["dashboard"].pains.submitted > 0
    return len(queries)


def test_query_count_does_not_grow_with_the_assessments(client, consultants):
    carla, _ = consultants
    call_command("seed_demo", assessments=20, stdout=io.StringIO())
    Assessment.objects.filter(status=Status.IN_REVIEW).update(assigned_to=carla)
    with_20 = _home_queries(client, carla)
    call_command("seed_demo", assessments=120, stdout=io.StringIO())
    Assessment.objects.filter(status=Status.IN_REVIEW).update(assigned_to=carla)
    assert Assessment.objects.count() == 120
    assert _home_queries(client, carla) == with_20
    # Session, user, two permission look-ups, then the queue, four charts and
    # the three stages' "organisations like yours".
    assert with_20 <= 12
    # Seen again, the three stages' figures come from the cache (peers.py).
    assert _home_queries(client, carla, cached=True) == with_20 - 3


# Drawing ---------------------------------------------------------------------


def test_bars_scale_to_the_longest_and_keep_small_counts_visible():
    chart = dashboard.bar_chart(
        (
            dashboard.Tally("a", "A", 1000),
            dashboard.Tally("b", "B", 500),
            dashboard.Tally("c", "C", 1),
            dashboard.Tally("d", "D", 0),
        )
    )
    assert [row.width for row in chart.rows] == [384.0, 192.0, 2.0, 0.0]
    assert [row.count_x for row in chart.rows] == [390.0, 198.0, 8.0, 6.0]
    assert chart.height == 4 * 40
    assert [row.bar_y for row in chart.rows] == [21, 61, 101, 141]


def test_stacked_bars_put_segments_end_to_end():
    def stage(key, counts):
        tallies = tuple(
            dashboard.Tally(structure, structure, count)
            for structure, count in zip(
                ("centralized", "decentralized", "hybrid", "centralized_product"),
                counts,
                strict=True,
            )
        )
        return dashboard.StageStructures(key, key, tallies)

    chart = dashboard.stack_chart(
        (stage("small", (3, 0, 1, 0)), stage("large", (0, 2, 2, 4)))
    )
    small, large = chart.rows
    assert [(s.key, s.x, s.width) for s in small.segments] == [
        ("centralized", 0.0, 144.0),
        ("hybrid", 144.0, 48.0),
    ]
    assert [(s.key, s.x, s.width) for s in large.segments] == [
        ("decentralized", 0.0, 96.0),
        ("hybrid", 96.0, 96.0),
        ("centralized_product", 192.0, 192.0),
    ]
    assert (small.total, large.total) == (4, 8)
    assert len(chart.legend) == 4


def test_columns_stand_on_the_baseline():
    start = timezone.localdate()
    chart = dashboard.column_chart(
        (
            dashboard.Week(start, 0),
            dashboard.Week(start, 8),
            dashboard.Week(start, 2),
        )
    )
    assert [column.height for column in chart.columns] == [0.0, 126.0, 31.5]
    assert [column.y + column.height for column in chart.columns] == [150.0] * 3
    assert chart.baseline == 150


# Organisations like yours ---------------------------------------------------


def _peer_cells(client, user) -> dict[str, tuple[str, ...]]:
    client.force_login(user)
    table = client.get(HOME).context["dashboard"].peer_table
    return {row.label: row.cells for row in table}


def _reviewed(**overrides) -> Assessment:
    """A submitted assessment a consultant has reviewed, as the admin saves it."""
    assessment = submitted_assessment(**overrides)
    assessment.status = Status.REVIEWED
    services.assessment_save_review(assessment=assessment, by=None)
    return assessment


def test_organisations_like_yours_by_stage_only_from_ten(client, consultants):
    carla, _ = consultants
    for n in range(9):
        _reviewed(  # small startups
            headcount={"data_scientist": n % 3}, full_stack_data_scientists=0
        )
    cells = _peer_cells(client, carla)
    assert cells["Organisations"] == ("fewer than 10",) * 3
    assert cells["Data scientists, median today"] == ("—",) * 3

    draft_assessment(headcount={"data_scientist": 9})  # drafts never count
    waiting = submitted_assessment(headcount={"data_scientist": 2})
    # Nor a submission no consultant has reviewed (peers.py: made-up
    # submissions must not make up the 10).
    assert _peer_cells(client, carla)["Organisations"][0] == "fewer than 10"
    waiting.status = Status.REVIEWED
    services.assessment_save_review(assessment=waiting, by=carla)
    cells = _peer_cells(client, carla)
    assert cells["Organisations"] == ("10", "fewer than 10", "fewer than 10")
    # 0,1,2 three times and a 2: 0 0 0 1 [1 1] 2 2 2 2, the middle pair 1, 1.
    assert cells["Data scientists, median today"][0] == "1"
    _reviewed(headcount={"data_scientist": 2})  # 11: the 6th, 1
    _reviewed(headcount={"data_scientist": 2})  # 12: 1 and 2
    assert _peer_cells(client, carla)["Data scientists, median today"][0] == "1.5"
    page = client.get(HOME).content.decode()
    assert "Organisations like yours, by stage" in page
