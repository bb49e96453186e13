"""Hostile input, private links, headers, rate limits and deploy checks."""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import draft_assessment, submitted_assessment
from tests.hostile_inputs import HOSTILE_NUMBERS, HOSTILE_TEXT
from tests.test_pdf import recording_server  # noqa: F401 (fixture)

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


def _section_url(assessment, key: str) -> str:
    return reverse("assessments:section", args=[assessment.token, key])


def _ids(values):
    return [f"{index}-{value[:20]!r}" for index, value in enumerate(values)]


def _assert_escaped(page: str, value: str) -> None:
    """A value with markup characters must never appear raw in HTML."""
    if MARKUP.search(value):
        assert value not in page


# Hostile input ---------------------------------------------------------


@pytest.mark.parametrize(
    "value", HOSTILE_TEXT + HOSTILE_NUMBERS, ids=_ids(HOSTILE_TEXT + HOSTILE_NUMBERS)
)
def test_number_fields_never_fail_and_never_store_garbage(client, post_data, value):
    assessment = draft_assessment()
    for section, fields in NUMBER_FIELDS.items():
        # Every number field of the section gets the value at once.
        data = {**post_data[section], **dict.fromkeys(fields, value)}
        response = client.post(_section_url(assessment, section), data)
        too_big = len(value) * len(fields) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # A body over Django's upload limit is refused whole, with a 400.
        assert response.status_code in ((400,) if too_big else (200, 302)), section
        if response.status_code == 200:
            _assert_escaped(response.content.decode(), value)
        saved = Assessment.objects.select_related("organization").get(pk=assessment.pk)
        for field in fields:
            owner = saved.organization if field == "employees" else saved
            stored = getattr(owner, field)
            assert isinstance(stored, int) and 0 <= stored <= 1_000_000, field


@pytest.mark.parametrize("value", HOSTILE_TEXT, ids=_ids(HOSTILE_TEXT))
def test_text_fields_never_fail_and_stay_escaped_everywhere(
    client,
    post_data,
    value,
    recording_server,  # noqa: F811
):
    port, requests = recording_server
    # Inputs that name a local server point at the one that records requests.
    value = value.replace("127.0.0.1:9/", f"127.0.0.1:{port}/")
    staff = User.objects.create_superuser("root", password="x")
    assessment = draft_assessment()
    for field in TEXT_FIELDS:
        data = {**post_data["organisation"], field: value}
        response = client.post(_section_url(assessment, "organisation"), data)
        assert response.status_code in (200, 302), field
        _assert_escaped(response.content.decode(), value)

    # The value that the name and industry fields accept, through to every output.
    data = {**post_data["organisation"], "name": value[:200], "industry": value[:100]}
    if client.post(_section_url(assessment, "organisation"), data).status_code != 302:
        return  # refused with a message, tested above
    assert (
        client.post(reverse("assessments:review", args=[assessment.token])).status_code
        == 302
    )
    name = Assessment.objects.get(pk=assessment.pk).organization.name

    page = client.get(assessment.get_absolute_url()).content.decode()
    _assert_escaped(page, name)
    assert 'href="javascript:' not in page.lower()

    pdf = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert requests == []

    admin = Client()
    admin.force_login(staff)
    changelist = reverse("admin:assessments_assessment_changelist")
    _assert_escaped(admin.get(changelist).content.decode(), name)
    change = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    _assert_escaped(admin.get(change).content.decode(), name)

    exported = admin.post(
        changelist, {"action": "export_csv", "_selected_action": [assessment.pk]}
    )
    (row,) = csv.DictReader(io.StringIO(exported.content.decode()))
    for column in ("organisation", "industry"):
        assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    "value",
    [v for v in HOSTILE_TEXT if MARKUP.search(v) and len(v) < 5000],
    ids=_ids([v for v in HOSTILE_TEXT if MARKUP.search(v) and len(v) < 5000]),
)
def test_consultant_text_is_escaped_for_the_client(client, value):
    assessment = submitted_assessment()
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    change = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    response = admin.post(
        change,
        {
            "status": "reviewed",
            "assigned_to": "",
            "override_structure": "centralized",
            "override_reason": value,
            "client_comment": value,
            "internal_notes": value,
            "_continue": "Save",
        },
    )
    assert response.status_code == 302
    _assert_escaped(admin.get(change).content.decode(), value)
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert value not in page
    pdf = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    assert pdf.status_code == 200


# Private links ---------------------------------------------------------


def test_one_private_link_never_opens_another(client, post_data):
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
    response = client.get(_section_url(assessment, "goals"))
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.content.decode()


# Headers ---------------------------------------------------------------


def _client_pages(client) -> list[str]:
    draft, done = draft_assessment(), submitted_assessment()
    return [
        reverse("assessments:start"),
        _section_url(draft, "organisation"),
        _section_url(draft, "goals"),
        _section_url(draft, "team"),
        _section_url(draft, "pain-points"),
        reverse("assessments:review", args=[draft.token]),
        done.get_absolute_url(),
        reverse("admin:login"),
        "/a/" + "x" * 43 + "/",  # 404
    ]


def test_every_page_has_a_strict_content_security_policy(client):
    for url in _client_pages(client):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_our_pages_have_no_inline_scripts_or_styles(client):
    for url in _client_pages(client):
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert " style=" not in page, url
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
