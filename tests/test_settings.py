"""Settings read the environment strictly and fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from teamadvisor.env import envbool, envdatabase, envint, envlist, envsecret

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
