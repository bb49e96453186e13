"""Admin login limits that hold: per username and address, per username from
any address, per address over usernames, each cooled off after an hour."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "a-long-test-password"


@pytest.fixture
def consultant() -> User:
    user = User.objects.create_user("carla", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Consultants"))
    return user


def _login(username: str, password: str, address: str, **data):
    return Client().post(
        LOGIN,
        {"username": username, "password": password, **data},
        REMOTE_ADDR=address,
    )


def test_the_three_counts_are_in_the_order_the_handler_reads_them():
    assert settings.AXES_LOCKOUT_PARAMETERS == [
        ["username", "ip_address"],
        "username",
        "ip_address",
    ]
    assert settings.AXES_HANDLER == "teamadvisor.login_limits.ScaledLimitsHandler"


def test_a_username_guessed_from_many_addresses_is_locked(consultant):
    statuses = [
        _login("carla", "wrong", f"198.51.100.{n}").status_code for n in range(20)
    ]
    assert statuses == [200] * 19 + [429]  # the 20th failure locks
    # From a fresh address, even the right password: locked for the cool-off.
    assert _login("carla", PASSWORD, "203.0.113.1").status_code == 429


def test_nineteen_failures_spread_over_addresses_lock_nothing(consultant):
    for n in range(19):
        _login("carla", "wrong", f"198.51.100.{n}")
    assert _login("carla", PASSWORD, "203.0.113.1").status_code == 302


def test_many_usernames_from_one_address_are_locked(consultant):
    # The review's finding: 40 wrong passwords over 10 usernames from one
    # address locked nothing.
    for n in range(40):
        _login(f"user{n % 10}", "wrong", "192.0.2.7")
    assert _login("carla", PASSWORD, "192.0.2.7").status_code == 429
    # Other addresses are not affected.
    assert _login("carla", PASSWORD, "192.0.2.8").status_code == 302


def test_the_lockout_is_logged_and_cools_off(consultant, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for n in range(20):
            _login("carla", "wrong", f"198.51.100.{n}")
    assert any("Locking out" in record.getMessage() for record in caplog.records)
    assert _login("carla", PASSWORD, "203.0.113.1").status_code == 429
    # An hour later the attempts no longer count: never locked out for ever.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=2))
    assert _login("carla", PASSWORD, "203.0.113.1").status_code == 302


def test_the_pair_limit_still_locks_a_username_from_one_address(consultant):
    for _ in range(5):
        _login("carla", "wrong", "192.0.2.9")
    assert _login("carla", PASSWORD, "192.0.2.9").status_code == 429
    assert _login("carla", PASSWORD, "192.0.2.10").status_code == 302


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", ""])
def test_admin_login_never_lands_on_a_missing_page(consultant, next_url):
    response = _login("carla", PASSWORD, "192.0.2.11", next=next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_rotating_ipv6_addresses_inside_a_64_is_one_address(consultant):
    for n in range(5):
        _login("carla", "wrong", f"2001:db8:7:7::{n + 1:x}")
    assert _login("carla", PASSWORD, "2001:db8:7:7::99").status_code == 429
    assert _login("carla", PASSWORD, "2001:db8:7:8::1").status_code == 302
