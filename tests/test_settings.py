"""Settings read the environment strictly and fail loudly."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from teamadvisor.env import (
    envaddress,
    envbool,
    envdatabase,
    envemail,
    envint,
    envlist,
    envsecret,
    envurl,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("off", False), ("", False)]
)
def test_envbool_reads_known_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert envbool("X_FLAG", not expected) is expected


def test_envbool_refuses_unknown_value(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG", False)


@pytest.mark.parametrize("raw", ["ten", "-1"])
def test_envint_refuses_bad_value(monkeypatch, raw):
    monkeypatch.setenv("X_NUM", raw)
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        envint("X_NUM", 5)


def test_envlist_refuses_empty_list(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="X_HOSTS"):
        envlist("X_HOSTS", [])


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "import teamadvisor.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_missing_secret_key_with_debug_off_is_an_error():
    result = _import_settings(DJANGO_ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("blank", ["", " ", "\t \n"], ids=["empty", "space", "mixed"])
def test_blank_secret_key_with_debug_off_is_an_error(blank):
    result = _import_settings(
        DJANGO_ALLOWED_HOSTS="example.com", DJANGO_SECRET_KEY=blank
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, ""), ("  ", ""), ("s3cret", "s3cret"), (" s3cret ", " s3cret ")],
)
def test_envsecret_treats_blank_as_missing_and_keeps_real_keys(
    monkeypatch, raw, expected
):
    if raw is None:
        monkeypatch.delenv("X_SECRET", raising=False)
    else:
        monkeypatch.setenv("X_SECRET", raw)
    assert envsecret("X_SECRET") == expected


def test_debug_off_without_allowed_hosts_is_an_error():
    result = _import_settings(DJANGO_SECRET_KEY="a-real-secret-for-this-test")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set when debug is off" in result.stderr


def test_debug_off_with_empty_allowed_hosts_is_an_error():
    result = _import_settings(
        DJANGO_SECRET_KEY="a-real-secret-for-this-test", DJANGO_ALLOWED_HOSTS=" , "
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is set but lists nothing" in result.stderr


def test_debug_off_with_secret_and_hosts_starts():
    result = _import_settings(
        DJANGO_SECRET_KEY="a-real-secret-for-this-test",
        DJANGO_ALLOWED_HOSTS="example.com",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "DATABASE_URL is set but empty"),
        ("   ", "DATABASE_URL is set but empty"),
        ("teamadvisor", "DATABASE_URL must be a URL"),
        ("postgres//u:p@h/db", "DATABASE_URL must be a URL"),
        ("mysqlx://u:p@h/db", "Scheme 'mysqlx://' is unknown"),
        ("postgres://u:p@h:port/db", "DATABASE_URL is not a valid database URL"),
        ("postgres://u:p@h", "DATABASE_URL names no database"),
    ],
)
def test_malformed_database_url_fails_loudly(url, message):
    result = _import_settings(DJANGO_DEBUG="1", DATABASE_URL=url)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    # The URL usually carries a password: it never reaches the error.
    if ":p@" in url:
        assert ":p@" not in result.stderr


def test_envdatabase_defaults_when_unset(monkeypatch, tmp_path):
    monkeypatch.delenv("X_DB", raising=False)
    path = tmp_path / "x.sqlite3"
    config = envdatabase("X_DB", f"sqlite:///{path}", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(path)
    assert config["CONN_MAX_AGE"] == 60


def test_debug_on_runs_without_secret_key():
    assert _import_settings(DJANGO_DEBUG="1").returncode == 0


def test_bad_debug_value_is_an_error():
    result = _import_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_database_url_selects_postgresql():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from teamadvisor.settings import DATABASES; "
            "print(DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u:p@h/db"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


# Mail ------------------------------------------------------------------


def test_envemail_reads_a_submission_url_with_its_password(monkeypatch):
    monkeypatch.setenv("X_MAIL", "submission://ada%40example.com:p%40ss@mx.example.com")
    config = envemail("X_MAIL", "console:")
    assert {key: config[key] for key in sorted(config)} == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_FILE_PATH": "",
        "EMAIL_HOST": "mx.example.com",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_HOST_USER": "ada@example.com",
        "EMAIL_PORT": 587,
        "EMAIL_TIMEOUT": 30,
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


@pytest.mark.parametrize(
    ("query", "tls", "ssl", "timeout"),
    [
        ("", False, False, 30),
        ("?tls=1", True, False, 30),
        ("?ssl=yes&timeout=10", False, True, 10),
        ("?tls=off", False, False, 30),
    ],
)
def test_envemail_reads_tls_ssl_and_timeout(monkeypatch, query, tls, ssl, timeout):
    monkeypatch.setenv("X_MAIL", f"smtp://mx.example.com:2525{query}")
    config = envemail("X_MAIL", "console:")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"]) == (2525, tls)
    assert (config["EMAIL_USE_SSL"], config["EMAIL_TIMEOUT"]) == (ssl, timeout)


def test_envemail_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("X_MAIL", raising=False)
    config = envemail("X_MAIL", "console:")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "X_MAIL is set but empty"),
        ("mx.example.com", "X_MAIL must be a URL starting with one of smtp:"),
        ("gmail://u:p@mx", "X_MAIL must be a URL starting with one of smtp:"),
        ("smtp://u:p@mx:port", "X_MAIL is not a valid e-mail URL"),
        ("smtp://u:p@mx?timeout=soon", "X_MAIL is not a valid e-mail URL"),
        ("smtp://u:p@mx?timeout=0", "X_MAIL: timeout must be at least 1 second"),
        ("smtp://u:p@mx?tls=maybe", "X_MAIL: tls must be one of"),
        ("smtp://u:p@mx?starttls=1", "X_MAIL: unknown option 'starttls'"),
        ("smtp://u:p@mx?tls=1&tls=0", "X_MAIL gives 'tls' more than once"),
        ("smtp://u:p@mx?ssl=1&tls=1", "X_MAIL: choose ssl or tls, not both"),
        ("smtp://u:p@mx?tls", "X_MAIL has a malformed query string"),
        ("file:", "X_MAIL names no folder for file: mail"),
    ],
)
def test_malformed_email_url_fails_loudly_without_the_password(
    monkeypatch, url, message
):
    monkeypatch.setenv("X_MAIL", url)
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)) as error:
        envemail("X_MAIL", "console:")
    assert ":p@" not in str(error.value)


@pytest.mark.parametrize(
    "value", ["advice@example.com", "TeamAdvisor <advice@example.com>"]
)
def test_envaddress_takes_an_address_with_or_without_a_name(monkeypatch, value):
    monkeypatch.setenv("X_FROM", value)
    assert envaddress("X_FROM", "x@example.com") == value


@pytest.mark.parametrize(
    "value", ["advice", "a@example.com, b@example.com", "<>", "a@example.com\nBcc: x"]
)
def test_envaddress_refuses_anything_but_one_address(monkeypatch, value):
    monkeypatch.setenv("X_FROM", value)
    with pytest.raises(ImproperlyConfigured, match="X_FROM must be an e-mail address"):
        envaddress("X_FROM", "x@example.com")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://advice.example.com", "https://advice.example.com"),
        ("https://advice.example.com/", "https://advice.example.com"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
    ],
)
def test_envurl_reads_a_site_address(monkeypatch, value, expected):
    monkeypatch.setenv("X_SITE", value)
    assert envurl("X_SITE", None) == expected


@pytest.mark.parametrize(
    "value", ["advice.example.com", "ftp://advice.example.com", "https://a.example/x"]
)
def test_envurl_refuses_anything_but_a_site_address(monkeypatch, value):
    monkeypatch.setenv("X_SITE", value)
    with pytest.raises(ImproperlyConfigured, match="X_SITE must be a site address"):
        envurl("X_SITE", None)


def test_malformed_email_settings_stop_start_up_naming_the_variable():
    for name, value in [
        ("EMAIL_URL", "smtp://u:p@mx:25?tls=maybe"),
        ("DJANGO_DEFAULT_FROM_EMAIL", "advice"),
        ("TEAMADVISOR_SITE_URL", "advice.example.com"),
    ]:
        result = _import_settings(DJANGO_DEBUG="1", **{name: value})
        assert result.returncode != 0
        assert f"ImproperlyConfigured: {name}" in result.stderr


def _mail_settings(**env: str) -> str:
    code = (
        "from teamadvisor import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.TEAMADVISOR_SITE_URL)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("EMAIL_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_development_prints_mail_to_the_console():
    assert _mail_settings(DJANGO_DEBUG="1") == (
        "django.core.mail.backends.console.EmailBackend localhost 25 "
        "http://127.0.0.1:8000"
    )


def test_production_sends_to_the_local_relay_and_links_to_the_first_host():
    assert _mail_settings(
        DJANGO_SECRET_KEY="a-real-secret-for-this-test",
        DJANGO_ALLOWED_HOSTS="advice.example.com,www.advice.example.com",
    ) == (
        "django.core.mail.backends.smtp.EmailBackend localhost 25 "
        "https://advice.example.com"
    )


def test_a_wildcard_host_needs_the_site_address_spelled_out():
    result = _import_settings(
        DJANGO_SECRET_KEY="a-real-secret-for-this-test", DJANGO_ALLOWED_HOSTS="*"
    )
    assert result.returncode != 0
    assert "TEAMADVISOR_SITE_URL must be set" in result.stderr
