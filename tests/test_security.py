"""Hostile input, private links, headers, rate limits and deploy checks."""

import csv
import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from assessments import services
from assessments.models import REVIEW_TEXT_MAX_LENGTH, Assessment, CostAssumptions
from assessments.selectors import assessment_report
from tests.advice.factories import COSTS
from tests.factories import (
    NOT_FOUND_URL,
    draft_assessment,
    review_data,
    section_url,
    submitted_assessment,
)
from tests.hostile_inputs import HOSTILE_NUMBERS, HOSTILE_TEXT
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
MARKUP = re.compile(r"[<>\"'&]")
NUMBER_FIELDS = {
    "organisation": ["employees"],
    "goals": ["ml_use_cases", "product_teams"],
    "team": [
        "data_analyst",
        "data_engineer",
        "data_scientist",
        "research_scientist",
        "mlops_engineer",
        "software_developer",
        "full_stack_data_scientists",
    ],
}
TEXT_FIELDS = ["name", "industry", "contact_name", "contact_email"]
CONSULTANT_FIELDS = ["override_reason", "client_comment", "internal_notes"]
# CSV columns holding client text, and what a spreadsheet runs as a formula.
CSV_TEXT_COLUMNS = {
    "name": "Organisation",
    "industry": "Industry",
    "contact_name": "Contact name",
    "contact_email": "Contact email",
}
FORMULA_STARTS = ("=", "+", "-", "@")


def _ids(values):
    return [f"{index}-{value[:20]!r}" for index, value in enumerate(values)]


def _assert_escaped(page: str, value: str, *, shown: bool) -> None:
    """A value with markup characters must never appear raw in HTML; where the
    page is ``shown`` to display the value, it is there, escaped (line by line:
    pages may turn line breaks into ``<br>``)."""
    if MARKUP.search(value):
        assert value not in page
    if shown:
        missing = [line for line in value.splitlines() if escape(line) not in page]
        assert not missing, f"not shown: {missing[0][:80]!r}"


def _squash(text: str) -> str:
    """Text without whitespace: PDF text extraction breaks lines anywhere (and
    pypdf reads some runs as UTF-16, with a NUL after each character)."""
    return re.sub(r"[\s\x00]+", "", text)


def _admin_client() -> Client:
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    return admin


def _email_candidates(value: str) -> list[str]:
    """Addresses Django's validator accepts that carry ``value`` (when it can):
    as it is, or quoted with backslashes before quotes, backslashes and spaces."""
    quoted = re.sub(r'([\\" ])', r"\\\1", value[:200])
    return [f"{value[:200]}@example.com", f'"{quoted}"@example.com']


# Hostile input ---------------------------------------------------------


@pytest.mark.parametrize(
    "value", HOSTILE_TEXT + HOSTILE_NUMBERS, ids=_ids(HOSTILE_TEXT + HOSTILE_NUMBERS)
)
def test_number_fields_never_fail_and_never_store_garbage(client, post_data, value):
    assessment = draft_assessment()
    for section, fields in NUMBER_FIELDS.items():
        # Every number field of the section gets the value at once.
        data = {**post_data[section], **dict.fromkeys(fields, value)}
        response = client.post(section_url(assessment, section), data)
        too_big = len(value) * len(fields) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # A body over Django's upload limit is refused whole, with a 400.
        assert response.status_code in ((400,) if too_big else (200, 302)), section
        if response.status_code == 200:  # the form shows what was sent
            _assert_escaped(response.content.decode(), value, shown=True)
        saved = Assessment.objects.select_related("organization").get(pk=assessment.pk)
        for field in fields:
            owner = saved.organization if field == "employees" else saved
            stored = getattr(owner, field)
            assert isinstance(stored, int) and 0 <= stored <= 1_000_000, field


@pytest.mark.parametrize("value", HOSTILE_TEXT, ids=_ids(HOSTILE_TEXT))
def test_text_fields_never_fail_and_stay_escaped_everywhere(client, post_data, value):
    """Each free-text field of the client, through every page and export.

    The PDF itself is rendered once for many values below; here its HTML is
    checked, which is what the renderer turns into text.
    """
    assessment = draft_assessment()
    url = section_url(assessment, "organisation")
    for field in TEXT_FIELDS:
        response = client.post(url, {**post_data["organisation"], field: value})
        assert response.status_code in (200, 302), field
        page = response.content.decode()  # a refused form shows what was sent
        _assert_escaped(page, value, shown=response.status_code == 200)

    # Every field that accepts the value (or, for the email, an address made of
    # it) keeps it; then it goes through to every output.
    data = dict(post_data["organisation"])
    candidates = {
        "name": [value[:200]],
        "industry": [value[:100]],
        "contact_name": [value[:200]],
        "contact_email": _email_candidates(value),
    }
    for field, tries in candidates.items():
        for candidate in tries:
            response = client.post(url, {**data, field: candidate})
            assert response.status_code in (200, 302), field
            if response.status_code == 302:
                data[field] = candidate
                break
            _assert_escaped(response.content.decode(), candidate, shown=True)
    review = reverse("assessments:review", args=[assessment.token])
    assert client.post(review).status_code == 302
    assessment.refresh_from_db()
    organization = assessment.organization
    stored = {field: getattr(organization, field) for field in TEXT_FIELDS}

    page = client.get(assessment.get_absolute_url()).content.decode()
    pdf_html = render_to_string(
        "assessments/report_pdf.html", {"report": assessment_report(assessment)}
    )
    assert 'href="javascript:' not in page.lower()
    for field, text in stored.items():
        # The report shows the organisation and industry, not the contact.
        shown = field in ("name", "industry")
        _assert_escaped(page, text, shown=shown)
        _assert_escaped(pdf_html, text, shown=shown)

    admin = _admin_client()
    changelist = reverse("admin:assessments_assessment_changelist")
    # Each page with the stored fields it shows: the lists and the history name
    # the organisation; the change page shows every answer.
    admin_pages = [
        (admin.get(changelist), {"name"}),
        (admin.get(changelist, {"q": value[:1000]}), set()),  # echoed, not verbatim
        (admin.get(changelist, {"q": stored["contact_name"][:1000]}), {"name"}),
        (
            admin.get(
                reverse("admin:assessments_assessment_change", args=[assessment.pk])
            ),
            set(TEXT_FIELDS),
        ),
        (
            admin.get(
                reverse("admin:assessments_assessment_history", args=[assessment.pk])
            ),
            {"name"},
        ),
    ]
    for response, shown in admin_pages:
        assert response.status_code == 200, response.request["QUERY_STRING"][:80]
        admin_page = response.content.decode()
        _assert_escaped(admin_page, value[:1000], shown=False)
        for field, text in stored.items():
            _assert_escaped(admin_page, text, shown=field in shown)

    exported = admin.post(
        changelist, {"action": "export_csv", "_selected_action": [assessment.pk]}
    )
    text = b"".join(exported.streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(text))
    for field, column in CSV_TEXT_COLUMNS.items():
        cell = row[column]
        assert not cell.startswith(("\t", "\r")), column
        assert not cell.lstrip().startswith(FORMULA_STARTS), column
        assert cell in (stored[field], "'" + stored[field]), column


def test_hostile_answers_show_as_text_in_the_pdf_and_fetch_nothing(
    client, recording_server
):
    """One PDF download carries every hostile text at once (rendering is slow).

    PostgreSQL cannot store NUL characters, and the forms refuse them, so they
    are left out here; the 1 MB value is over every field's limit.
    """
    port, requests = recording_server
    values = [
        value.replace("127.0.0.1:9/", f"127.0.0.1:{port}/")
        for value in HOSTILE_TEXT
        if "\x00" not in value and len(value) <= 1000
    ]
    everything = "\n".join(values)
    assert len(everything) <= REVIEW_TEXT_MAX_LENGTH
    name = "<script>alert(1)</script>"
    assessment = submitted_assessment(
        organization={
            "name": name,
            "industry": f"<style>@import url(http://127.0.0.1:{port}/x.css);</style>",
        }
    )
    assessment.override_structure = next(
        key
        for key in ("centralized", "decentralized", "hybrid")
        if key != assessment.recommended_structure
    )
    reason = '<a href="javascript:alert(1)">click</a>'
    comment = "=cmd|' /C calc'!A0 & \"quoted\" <ampersand>"
    internal = "INTERNAL <b>never for the client</b>"
    assessment.override_reason = f"{reason}\n{everything}"
    assessment.client_comment = f"{comment}\n{everything}"
    assessment.internal_notes = internal
    services.assessment_save_review(
        assessment=assessment, by=User.objects.create_user("carla")
    )

    response = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    pdf = response.getvalue()
    assert response.status_code == 200 and pdf.startswith(b"%PDF")
    assert requests == []
    text = _squash(pdf_text(pdf))
    for literal in (name, reason, comment, "@import url("):
        assert _squash(literal) in text, literal
    assert _squash("never for the client") not in text

    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt;" in page
    assert "never for the client" not in page


@pytest.mark.parametrize("value", HOSTILE_TEXT, ids=_ids(HOSTILE_TEXT))
def test_consultant_text_is_refused_or_escaped_everywhere(client, value):
    assessment = submitted_assessment()
    other = next(
        key
        for key in ("centralized", "decentralized", "hybrid")
        if key != assessment.recommended_structure
    )
    admin = _admin_client()
    change = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    for field in CONSULTANT_FIELDS:
        data = review_data(
            assessment,
            status="reviewed",
            override_structure=other,
            override_reason="Fits better.",
        )
        response = admin.post(change, {**data, field: value})
        assert response.status_code in (200, 302), field
        if response.status_code == 200:  # refused, and the form says why
            page = response.content.decode()
            assert "errorlist" in page, field
            _assert_escaped(page, value, shown=True)
        if len(value.strip()) > REVIEW_TEXT_MAX_LENGTH:
            assert response.status_code == 200, field
            assert f"at most {REVIEW_TEXT_MAX_LENGTH} characters" in page, field

    # All three at once, cut to their limit, through to every page that shows them.
    text = value[:REVIEW_TEXT_MAX_LENGTH]
    data = review_data(
        assessment,
        status="reviewed",
        override_structure=other,
        **dict.fromkeys(CONSULTANT_FIELDS, text),
    )
    if admin.post(change, data).status_code != 302:
        return  # refused with a message, checked above
    history = reverse("admin:assessments_assessment_history", args=[assessment.pk])
    assessment.refresh_from_db()
    for url in (change, history):
        response = admin.get(url)
        assert response.status_code == 200, url
        admin_page = response.content.decode()
        _assert_escaped(admin_page, text, shown=False)  # as sent, before stripping
        for field in CONSULTANT_FIELDS:
            _assert_escaped(admin_page, getattr(assessment, field), shown=True)
    pdf_html = render_to_string(
        "assessments/report_pdf.html", {"report": assessment_report(assessment)}
    )
    page = client.get(assessment.get_absolute_url()).content.decode()
    for html in (page, pdf_html):
        for field in CONSULTANT_FIELDS:
            # The client sees the reason and the comment, never the notes.
            shown = field != "internal_notes"
            _assert_escaped(html, getattr(assessment, field), shown=shown)


# Private links ---------------------------------------------------------


def test_one_private_link_never_opens_another(client):
    mine, theirs = (
        submitted_assessment(),
        draft_assessment(organization={"name": "Other"}),
    )
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "Other" not in page
    assert theirs.token not in page
    near_miss = mine.token[:-1] + ("A" if mine.token[-1] != "A" else "B")
    assert client.get(f"/a/{near_miss}/").status_code == 404


def test_tokens_are_long_random_and_not_sequential():
    tokens = [Assessment.objects.create().token for _ in range(50)]
    assert len(set(tokens)) == 50
    assert all(len(token) >= 43 for token in tokens)  # >= 256 bits of entropy
    assert len({token[:8] for token in tokens}) == 50


def test_pages_tell_browsers_not_to_leak_the_link(client):
    assessment = draft_assessment()
    response = client.get(section_url(assessment, "goals"))
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.content.decode()


# Headers ---------------------------------------------------------------


def _client_pages() -> list[str]:
    draft, done = draft_assessment(), submitted_assessment()
    _active_costs()  # the report shows its costs too
    return [
        reverse("assessments:start"),
        section_url(draft, "organisation"),
        section_url(draft, "goals"),
        section_url(draft, "team"),
        section_url(draft, "pain-points"),
        reverse("assessments:review", args=[draft.token]),
        done.get_absolute_url(),
        reverse("admin:login"),
        NOT_FOUND_URL,
    ]


def _active_costs(by=None) -> CostAssumptions:
    costs = CostAssumptions.objects.filter(active=True).first()
    if costs is None:
        costs = CostAssumptions(
            currency="EUR", yearly_cost=COSTS["yearly_cost"], active=True
        )
        services.cost_assumptions_save(assumptions=costs, by=by)
    return costs


def _admin_pages() -> dict[str, tuple[Client, str]]:
    """The consultants' pages, each with a client allowed to open it."""
    assessment = submitted_assessment()
    staff = User.objects.create_superuser("root", password="x")
    assessment.client_comment = "A comment, so the history lists a change."
    services.assessment_save_review(assessment=assessment, by=staff)
    admin = Client()
    admin.force_login(staff)
    record = assessment.history.latest("history_id")
    costs = _active_costs(by=staff)
    costs_record = costs.history.latest("history_id")
    return {
        "costs-changelist": (
            admin,
            reverse("admin:assessments_costassumptions_changelist"),
        ),
        "costs-add": (admin, reverse("admin:assessments_costassumptions_add")),
        "costs-change": (
            admin,
            reverse("admin:assessments_costassumptions_change", args=[costs.pk]),
        ),
        "costs-history": (
            admin,
            reverse("admin:assessments_costassumptions_history", args=[costs.pk]),
        ),
        "costs-history-version": (
            admin,
            reverse(
                "admin:assessments_costassumptions_simple_history",
                args=[costs.pk, costs_record.history_id],
            ),
        ),
        "login": (Client(), reverse("admin:login")),
        "index": (admin, reverse("admin:index")),
        "changelist": (admin, reverse("admin:assessments_assessment_changelist")),
        "change": (
            admin,
            reverse("admin:assessments_assessment_change", args=[assessment.pk]),
        ),
        "history": (
            admin,
            reverse("admin:assessments_assessment_history", args=[assessment.pk]),
        ),
        "history-version": (
            admin,
            reverse(
                "admin:assessments_assessment_simple_history",
                args=[assessment.pk, record.history_id],
            ),
        ),
    }


def _locked_out() -> object:
    """The page django-axes shows after too many failed logins."""
    stranger = Client(REMOTE_ADDR="203.0.113.99")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = stranger.post(
            reverse("admin:login"), {"username": "root", "password": "wrong"}
        )
    assert "Too many failed logins" in response.content.decode()
    return response


def _responses(client) -> list[tuple[str, object]]:
    """(URL, response) of every client page and every consultants' page."""
    pages = [(url, client.get(url)) for url in _client_pages()]
    for user_client, url in _admin_pages().values():
        pages.append((url, user_client.get(url)))
    for url, response in pages:
        assert response.status_code in (200, 404), url
    pages.append(("admin login, locked out", _locked_out()))
    return pages


def test_every_page_has_a_strict_content_security_policy(client):
    for url, response in _responses(client):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_pages_have_no_inline_scripts_or_styles(client):
    for url, response in _responses(client):
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url


def test_start_is_rate_limited_per_client_address(settings):  # noqa: F811
    settings.TEAMADVISOR_STARTS_PER_HOUR = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert client.post(reverse("assessments:start")).status_code == 302
    response = client.post(reverse("assessments:start"))
    assert response.status_code == 429
    assert "Too many new assessments" in response.content.decode()
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post(reverse("assessments:start")).status_code == 302
    assert Assessment.objects.count() == 4


def test_rate_limit_trusts_only_configured_proxies(settings):  # noqa: F811
    settings.TEAMADVISOR_STARTS_PER_HOUR = 1
    settings.TEAMADVISOR_PROXY_HOPS = 0
    spoofing = Client(REMOTE_ADDR="203.0.113.9")
    spoofing.post(reverse("assessments:start"), HTTP_X_FORWARDED_FOR="1.1.1.1")
    response = spoofing.post(
        reverse("assessments:start"), HTTP_X_FORWARDED_FOR="2.2.2.2"
    )
    assert response.status_code == 429
    settings.TEAMADVISOR_PROXY_HOPS = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for address in ("198.51.100.1", "198.51.100.2"):
        response = proxy.post(
            reverse("assessments:start"), HTTP_X_FORWARDED_FOR=f"9.9.9.9, {address}"
        )
        assert response.status_code == 302


def test_start_limit_locks_the_address_on_postgresql_only():
    """Counting and creating must not interleave for one address (PostgreSQL
    runs transactions side by side; SQLite lets one write at a time)."""
    with CaptureQueriesContext(connection) as queries:
        Client(REMOTE_ADDR="203.0.113.30").post(reverse("assessments:start"))
    locks = [q for q in queries if "pg_advisory_xact_lock" in q["sql"]]
    assert len(locks) == (1 if connection.vendor == "postgresql" else 0)
    assert Assessment.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database cannot host parallel writers; "
    "IMMEDIATE transactions serialise starts there",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_from_one_address_stay_within_the_limit(settings):  # noqa: F811
    settings.TEAMADVISOR_STARTS_PER_HOUR = 2
    starters = 8
    gate = threading.Barrier(starters)
    outcomes = []

    def start():
        gate.wait()
        try:
            services.assessment_start(address="203.0.113.40")
            outcomes.append("started")
        except services.TooManyStarts:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 6 + ["started"] * 2
    assert Assessment.objects.count() == 2


def test_addresses_are_not_stored_in_clear():
    client = Client(REMOTE_ADDR="203.0.113.10")
    client.post(reverse("assessments:start"))
    stored = Assessment.objects.get().created_from
    assert "203.0.113.10" not in stored and len(stored) == 64


# Deployment ------------------------------------------------------------


def test_production_settings_pass_check_deploy():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="teamadvisor.settings",
        DJANGO_SECRET_KEY="k" * 10 + "Z9-_x" * 10,
        DJANGO_ALLOWED_HOSTS="teamadvisor.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_copying_counts_against_the_start_limit(settings):  # noqa: F811
    settings.TEAMADVISOR_STARTS_PER_HOUR = 1
    done = submitted_assessment()
    client = Client(REMOTE_ADDR="203.0.113.20")
    copy_url = reverse("assessments:copy", args=[done.token])
    assert client.post(copy_url).status_code == 302
    assert client.post(copy_url).status_code == 429
    assert Assessment.objects.count() == 2


def test_admin_lockout_counts_the_client_behind_the_proxy(client, settings):  # noqa: F811
    settings.TEAMADVISOR_PROXY_HOPS = 1
    User.objects.create_user("carla", password="a-long-test-password", is_staff=True)
    login = reverse("admin:login")
    for _ in range(5):
        client.post(
            login,
            {"username": "carla", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    # Another client behind the same proxy still logs in.
    response = client.post(
        login,
        {"username": "carla", "password": "a-long-test-password"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert response.status_code == 302
