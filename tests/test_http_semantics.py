"""HEAD wherever GET, no shared caching of private pages, and client
addresses that an IPv6 client cannot rotate around."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from assessments.views import client_address
from tests.factories import draft_assessment, section_url, submitted_assessment

pytestmark = pytest.mark.django_db


def _private_urls(draft: Assessment, done: Assessment, copy: Assessment) -> list:
    return [
        draft.get_absolute_url(),  # a redirect to where the client left off
        section_url(draft, "goals"),
        reverse("assessments:review", args=[draft.token]),
        done.get_absolute_url(),
        reverse("assessments:report_pdf", args=[done.token]),
        reverse("assessments:what_if", args=[done.token]),
        reverse("assessments:compare", args=[copy.token]),
    ]


@pytest.fixture
def pages():
    draft = draft_assessment()
    done = submitted_assessment()
    copy = services.assessment_copy(assessment=done, address="192.0.2.1")
    services.assessment_submit(assessment=copy)
    return draft, done, copy


def test_head_is_answered_wherever_get_is(client, pages):
    for url in ["/", *_private_urls(*pages)]:
        got = client.get(url)
        head = client.head(url)
        assert head.status_code == got.status_code, url
        assert head.get("Content-Type") == got.get("Content-Type"), url


def test_head_on_a_section_saves_nothing(client, pages):
    draft, _done, _copy = pages
    before = Assessment.objects.values().get(pk=draft.pk)
    assert client.head(section_url(draft, "goals")).status_code == 200
    assert Assessment.objects.values().get(pk=draft.pk) == before
    assert not draft.section_drafts.exists()


def test_private_pages_are_never_kept_by_shared_caches(client, pages):
    for url in _private_urls(*pages):
        response = client.get(url)
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache, url


def _address(remote: str, forwarded: str = "", hops: int = 0, settings=None) -> str:
    settings.TEAMADVISOR_PROXY_HOPS = hops
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    return client_address(request)


def test_an_ipv6_client_is_its_64(settings):
    one = _address("2001:db8:1:2::1", settings=settings)
    assert one == "2001:db8:1:2::"
    assert _address("2001:db8:1:2:ffff:ffff:ffff:ffff", settings=settings) == one
    assert _address("2001:db8:1:3::1", settings=settings) != one
    # IPv4 stays a whole address, and IPv4 mapped into IPv6 is that address.
    assert _address("192.0.2.7", settings=settings) == "192.0.2.7"
    assert _address("::ffff:192.0.2.7", settings=settings) == "192.0.2.7"
    # Behind one trusted proxy, the address it appended.
    assert _address("10.0.0.1", "2001:db8:9:9::5", hops=1, settings=settings) == (
        "2001:db8:9:9::"
    )


def test_rotating_inside_a_64_does_not_escape_the_start_limit(client, settings):
    settings.TEAMADVISOR_STARTS_PER_HOUR = 3
    statuses = [
        client.post("/", REMOTE_ADDR=f"2001:db8:5:5::{n + 1:x}").status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert client.post("/", REMOTE_ADDR="2001:db8:5:6::1").status_code == 302
