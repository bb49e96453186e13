"""Cost assumptions: set in the admin, one active set, priced into the plan."""

import copy
import io
import json
import re
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.admin.cost_assumptions import COST_FIELDS, cost_field
from assessments.advice import CostsInvalid
from assessments.advice.costs import MAX_COST, SENIORITIES
from assessments.advice.domain import ROLES
from assessments.answers_file import assessment_answers
from assessments.models import Assessment, CostAssumptions
from assessments.report import build_report
from assessments.selectors import active_cost_table, assessment_report
from tests.factories import example, submitted_assessment
from tests.hostile_inputs import HOSTILE_NUMBERS
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:assessments_costassumptions_changelist")
ADD = reverse("admin:assessments_costassumptions_add")
# XTS is the ISO 4217 code kept for testing: it appears nowhere else in a plan.
CURRENCY = "XTS"
COSTS = {
    "currency": CURRENCY,
    "yearly_cost": {
        "data_analyst": {"senior": 90_000, "mid": 70_000},
        "data_engineer": {"senior": 130_000, "mid": 100_000},
        "data_scientist": {"senior": 150_000, "mid": 110_000},
        "research_scientist": {"senior": 170_000, "mid": 130_000},
        "mlops_engineer": {"senior": 140_000, "mid": 105_000},
        "software_developer": {"senior": 120_000, "mid": 95_000},
    },
}
# How the plan writes an amount of money: "1,234,000 XTS".
MONEY = re.compile(r"\d[\d,]* [A-Z]{3}\b")


def _costs(factor: int = 1, currency: str = CURRENCY) -> dict:
    return {
        "currency": currency,
        "yearly_cost": {
            role: {s: amount * factor for s, amount in costs.items()}
            for role, costs in COSTS["yearly_cost"].items()
        },
    }


def _cost_set(table=None, *, active=True, note="", by=None) -> CostAssumptions:
    table = table or COSTS
    assumptions = CostAssumptions(
        currency=table["currency"],
        yearly_cost=copy.deepcopy(table["yearly_cost"]),
        active=active,
        note=note,
    )
    services.cost_assumptions_save(assumptions=assumptions, by=by)
    return assumptions


def _form_data(table=None, *, active=True, note="", **changes) -> dict:
    """The cost admin's POST data for ``table``, with ``changes`` applied."""
    table = table or COSTS
    data = {"currency": table["currency"], "note": note, "_save": "Save"}
    if active:
        data["active"] = "on"
    for role, costs in table["yearly_cost"].items():
        for seniority, amount in costs.items():
            data[cost_field(role, seniority)] = str(amount)
    return {**data, **changes}


def _change_url(assumptions) -> str:
    return reverse("admin:assessments_costassumptions_change", args=[assumptions.pk])


def _section(page: str, title_id: str) -> str:
    return page.split(f'id="{title_id}"')[1].split("</section>")[0]


def _paragraph(html: str, css_class: str) -> str:
    return html.split(f'<p class="{css_class}">')[1].split("</p>")[0]


def _pdf(client, assessment) -> bytes:
    response = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    assert response.status_code == 200
    return response.getvalue()


def _text(assessment) -> str:
    return render_to_string(
        "assessments/report.txt", {"report": assessment_report(assessment)}
    )


@pytest.fixture
def consultant():
    user = User.objects.create_user(
        "carla", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


# No money without an active set --------------------------------------------


def test_without_an_active_set_no_money_appears_anywhere(client):
    _cost_set(active=False)  # kept, but not active: it does not count
    assessment = submitted_assessment(**example("research-startup"))
    assert active_cost_table() is None
    assert assessment_report(assessment).advice.costs is None
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "costs-note" not in page
    assert "quarter-cost" not in page
    assert "costs-total" not in page
    for medium in (page, _text(assessment), pdf_text(_pdf(client, assessment))):
        assert CURRENCY not in medium
        assert not MONEY.search(medium)
        assert "Quarters 1 to 4 add" not in medium


def test_first_edition_report_never_shows_costs(client):
    _cost_set()
    assessment = submitted_assessment(**example("research-startup"))
    Assessment.objects.filter(pk=assessment.pk).update(rulebook_version="2026.1")
    assessment.refresh_from_db()
    assert assessment_report(assessment).costs is None
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert CURRENCY not in page
    assert not MONEY.search(page)


# The active set prices the plan ----------------------------------------------


def test_active_set_prices_the_roadmap_in_its_currency(client):
    _cost_set()
    assessment = submitted_assessment(**example("research-startup"))
    expected = build_report(
        assessment_answers(assessment),
        rulebook_version=assessment.rulebook_version,
        costs=COSTS,
    ).advice
    assert expected.costs.total > 0
    page = client.get(assessment.get_absolute_url()).content.decode()
    roadmap = _section(page, "roadmap-title")
    assert _paragraph(roadmap, "costs-note") == (
        "Yearly costs use your consultancy's cost assumptions (XTS), not TeamAdvisor's."
    )
    total = _paragraph(roadmap, "costs-total")
    assert total.startswith(f"Quarters 1 to 4 add {expected.costs.total:,} XTS a year")
    priced = [q for q in expected.roadmap if q.hires and q.added_cost is not None]
    shown = re.findall(r'<p class="quarter-cost">Adds ([\d,]+) XTS a year\.</p>', page)
    assert shown == [f"{q.added_cost:,}" for q in priced]
    assert f"Quarters 1 to 4 add {expected.costs.total:,} XTS a year" in _text(
        assessment
    )


def test_a_new_active_set_renders_the_stored_pdf_again(client):
    _cost_set()
    assessment = submitted_assessment(**example("research-startup"))
    before = assessment_report(assessment)
    first = pdf_text(_pdf(client, assessment))
    assert f"add {before.advice.costs.total:,} XTS" in " ".join(first.split())

    _cost_set(_costs(factor=2, currency="XXX"), note="2027 salaries")
    after = assessment_report(assessment)
    assert after.revision != before.revision
    second = " ".join(pdf_text(_pdf(client, assessment)).split())
    assert f"add {after.advice.costs.total:,} XXX" in second
    assert "XTS" not in second
    _dirs, files = default_storage.listdir(f"team-plans/{assessment.token}")
    assert files == [f"{after.revision}.pdf"]


@pytest.mark.parametrize("name", ["small-product-startup", "product-enterprise"])
def test_report_with_an_active_set_makes_four_queries(
    client, django_assert_num_queries, name
):
    # The page's stored state, the figures of organisations like yours, the
    # assessment with its organisation and the active cost set, read in one
    # query, and the state again (see tests/test_report.py): the same for a
    # small plan and a large one.
    _cost_set()
    assessment = submitted_assessment(**example(name))
    with django_assert_num_queries(4):
        response = client.get(assessment.get_absolute_url())
    assert CURRENCY in _section(response.content.decode(), "roadmap-title")


def test_report_of_a_first_edition_plan_does_not_ask_for_costs(
    client, django_assert_num_queries
):
    # Costs never reach a first-edition plan: the queries that read the
    # assessment read the active set too, but the plan shows no money (the
    # test below), and no query of its own asks for it.
    _cost_set()
    assessment = submitted_assessment(**example("small-product-startup"))
    Assessment.objects.filter(pk=assessment.pk).update(rulebook_version="2026.1")
    with django_assert_num_queries(4) as queries:
        response = client.get(assessment.get_absolute_url())
    assert response.status_code == 200
    own = 'SELECT "assessments_costassumptions"'
    assert not [q for q in queries.captured_queries if q["sql"].startswith(own)]


def test_a_file_of_the_active_table_is_a_teamplan_costs_file(tmp_path):
    _cost_set()
    assessment = submitted_assessment(**example("research-startup"))
    costs = tmp_path / "costs.json"
    costs.write_text(json.dumps(active_cost_table()))
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(assessment_answers(assessment).to_dict()))
    out = io.StringIO()
    call_command("teamplan", str(answers), "--costs", str(costs), stdout=out)
    advice = json.loads(out.getvalue())
    report = assessment_report(assessment).advice
    assert advice["costs"] == {
        "currency": CURRENCY,
        "total": report.costs.total,
        "later": report.costs.later,
    }


# One active set ---------------------------------------------------------------


def test_activating_a_second_set_deactivates_the_first(consultant):
    first = _cost_set(by=consultant)
    second = _cost_set(_costs(factor=2), by=consultant)
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert active_cost_table() == _costs(factor=2)

    services.cost_assumptions_activate(assumptions=first, by=consultant)
    second.refresh_from_db()
    assert (first.active, second.active) == (True, False)
    assert active_cost_table() == COSTS


def test_the_database_refuses_two_active_sets():
    first = _cost_set()
    second = _cost_set(_costs(factor=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        CostAssumptions.objects.filter(pk=first.pk).update(active=True)
    assert list(CostAssumptions.objects.filter(active=True)) == [second]


def test_activation_takes_the_lock_on_postgresql_only(consultant):
    first = _cost_set(active=False)
    with CaptureQueriesContext(connection) as queries:
        services.cost_assumptions_activate(assumptions=first, by=consultant)
    locks = [q for q in queries if "pg_advisory_xact_lock" in q["sql"]]
    assert len(locks) == (1 if connection.vendor == "postgresql" else 0)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot host parallel writers; "
    "IMMEDIATE transactions serialise activations there",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_activations_leave_one_active_set():
    sets = [_cost_set(_costs(factor=n), active=False) for n in range(1, 7)]
    gate = threading.Barrier(len(sets))
    errors = []

    def activate(assumptions):
        gate.wait()
        try:
            services.cost_assumptions_activate(assumptions=assumptions, by=None)
        except Exception as error:  # any error at all fails the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=activate, args=(s,)) for s in sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CostAssumptions.objects.filter(active=True).count() == 1


def test_history_keeps_every_version_and_who_made_it(consultant_client, consultant):
    consultant_client.post(ADD, _form_data(note="2026 salaries"))
    first = CostAssumptions.objects.get()
    assert first.created_by == consultant
    raised = _form_data(data_engineer_senior="135000", note="2026 salaries")
    assert consultant_client.post(_change_url(first), raised).status_code == 302
    consultant_client.post(ADD, _form_data(_costs(factor=2), note="2027 salaries"))

    history = first.history.order_by("history_id")
    assert [(r.history_type, r.active) for r in history] == [
        ("+", True),
        ("~", True),
        ("~", False),  # replaced by the 2027 set
    ]
    assert [r.yearly_cost["data_engineer"]["senior"] for r in history] == [
        130_000,
        135_000,
        135_000,
    ]
    assert {r.history_user for r in history} == {consultant}
    history_page = reverse("admin:assessments_costassumptions_history", args=[first.pk])
    assert consultant_client.get(history_page).status_code == 200


def test_an_old_version_cannot_be_restored(consultant_client):
    assumptions = _cost_set()
    record = assumptions.history.get()
    url = reverse(
        "admin:assessments_costassumptions_simple_history",
        args=[assumptions.pk, record.history_id],
    )
    assert consultant_client.get(url).status_code == 200
    assert consultant_client.post(url, _form_data(active=False)).status_code == 403
    assumptions.refresh_from_db()
    assert assumptions.active


# The admin ----------------------------------------------------------------------


def test_admin_form_has_one_labelled_field_per_role_and_seniority(consultant_client):
    form = consultant_client.get(ADD).context["adminform"].form
    labels = {name: form.fields[name].label for name in COST_FIELDS.values()}
    assert len(labels) == len(ROLES) * len(SENIORITIES)
    assert labels["data_engineer_senior"] == "Data engineer, senior"
    assert labels["research_scientist_mid"] == "Research / applied scientist, mid-level"


def test_admin_saves_an_active_set_that_replaces_the_previous_one(
    consultant_client, consultant
):
    previous = _cost_set()
    response = consultant_client.post(
        ADD, _form_data(_costs(factor=2), currency="xxx", note="2027 salaries")
    )
    assert response.status_code == 302
    new = CostAssumptions.objects.get(note="2027 salaries")
    previous.refresh_from_db()
    assert (previous.active, new.active) == (False, True)
    assert new.created_by == consultant
    assert new.table == _costs(factor=2, currency="XXX")  # upper-cased


def test_admin_saves_an_inactive_set_without_touching_the_active_one(
    consultant_client,
):
    active = _cost_set()
    response = consultant_client.post(ADD, _form_data(_costs(2), active=False))
    assert response.status_code == 302
    assert active_cost_table() == COSTS
    assert CostAssumptions.objects.filter(active=False).count() == 1
    active.refresh_from_db()
    assert active.active


def test_a_new_set_starts_from_the_active_one(consultant_client):
    _cost_set(_costs(factor=3))
    form = consultant_client.get(ADD).context["adminform"].form
    assert form.initial["currency"] == CURRENCY
    assert form.initial["data_scientist_mid"] == 330_000


def test_make_active_action_switches_the_active_set(consultant_client):
    old = _cost_set()
    new = _cost_set(_costs(factor=2))
    response = consultant_client.post(
        CHANGELIST, {"action": "make_active", "_selected_action": [old.pk]}
    )
    assert response.status_code == 302
    assert active_cost_table() == COSTS
    new.refresh_from_db()
    assert not new.active


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("data_engineer_senior", "-1", "Must be between 0 and 1,000,000,000,000."),
        (
            "mlops_engineer_mid",
            str(MAX_COST + 1),
            "Must be between 0 and 1,000,000,000,000.",
        ),
        ("data_analyst_senior", "", "This field is required."),
        ("software_developer_mid", "12.5", "Enter a whole number."),
        ("currency", "E1R", "Must be a three-letter currency code, e.g. EUR."),
        ("currency", "", "This field is required."),
    ],
    ids=["negative", "huge", "missing", "fraction", "bad-currency", "no-currency"],
)
def test_bad_figure_is_shown_beside_its_field_and_nothing_is_saved(
    consultant_client, field, value, message
):
    response = consultant_client.post(ADD, _form_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    page = response.content.decode()
    # The message sits by the field and the field points at it.
    errors = f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>'
    assert page.count(errors) == 1
    field_input = re.search(rf'<input [^>]*name="{field}"[^>]*>', page)[0]
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', field_input)
    assert not CostAssumptions.objects.exists()
    assert not CostAssumptions.history.exists()


def test_every_table_error_names_a_form_field():
    # parse_costs names figures by path; the form maps each path to its field.
    bad = copy.deepcopy(COSTS)
    for costs in bad["yearly_cost"].values():
        costs.update(senior=-1, mid=-1)
    with pytest.raises(CostsInvalid) as invalid:
        services.cost_assumptions_save(
            assumptions=CostAssumptions(
                currency="EUR", yearly_cost=bad["yearly_cost"], active=True
            ),
            by=None,
        )
    paths = [error.field for error in invalid.value.errors]
    assert sorted(paths) == sorted(COST_FIELDS)
    assert not CostAssumptions.objects.exists()


@pytest.mark.parametrize("value", HOSTILE_NUMBERS, ids=range(len(HOSTILE_NUMBERS)))
def test_hostile_figures_are_refused_or_stored_as_whole_numbers(
    consultant_client, value
):
    response = consultant_client.post(ADD, _form_data(data_scientist_senior=value))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(response.context["adminform"].form.errors) == [
            "data_scientist_senior"
        ]
        assert not CostAssumptions.objects.exists()
    else:
        stored = CostAssumptions.objects.get().yearly_cost["data_scientist"]["senior"]
        assert type(stored) is int and 0 <= stored <= MAX_COST


def test_note_is_escaped_in_the_admin(consultant_client):
    assumptions = _cost_set(note="<script>alert(1)</script>")
    for url in (CHANGELIST, _change_url(assumptions)):
        page = consultant_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_changelist_shows_currency_state_and_author(consultant_client, consultant):
    _cost_set(by=consultant, note="2026 salaries")
    response = consultant_client.get(CHANGELIST)
    row = response.content.decode().split("<tbody>")[1].split("</tr>")[0]
    cells = dict(re.findall(r'<t[dh] class="field-(\w+)[^"]*">(.*?)</t[dh]>', row))
    assert list(cells) == ["currency", "active", "created_at", "created_by", "note"]
    assert re.sub(r"<[^>]+>", "", cells["currency"]) == "XTS"  # the link
    assert cells["active"].endswith('alt="True">')
    assert (cells["created_by"], cells["note"]) == ("carla", "2026 salaries")


def test_changelist_query_count_does_not_grow_with_sets(consultant_client, consultant):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = consultant_client.get(CHANGELIST)
        assert response.status_code == 200
        return len(queries)

    for n in range(2):
        _cost_set(_costs(factor=n + 1), by=consultant)
    small = count_queries()
    for n in range(20):
        _cost_set(_costs(factor=n + 1), by=consultant)
    assert count_queries() == small


# Who may set them -----------------------------------------------------------------


def test_consultants_may_view_add_and_change_sets_but_not_delete_them():
    codenames = set(
        Group.objects.get(name="Consultants")
        .permissions.filter(codename__contains="costassumptions")
        .values_list("codename", flat=True)
    )
    assert codenames == {
        "view_costassumptions",
        "add_costassumptions",
        "change_costassumptions",
        "view_historicalcostassumptions",
    }


def test_only_staff_with_the_permission_reach_the_cost_admin(client):
    assumptions = _cost_set()
    pages = [CHANGELIST, ADD, _change_url(assumptions)]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(User.objects.create_user("visitor", password="x"))
    for url in pages:
        assert client.get(url).status_code == 302
    client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    for url in pages:
        assert client.get(url).status_code == 403
    assert client.post(ADD, _form_data(_costs(2))).status_code == 403
    assert CostAssumptions.objects.count() == 1
