"""Private-link tokens never reach a log: Django's request logs (404, 405,
CSRF failures, 500) through the settings' handlers, and gunicorn's access log
through gunicorn.conf.py, run for real."""

import io
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from assessments import urls
from teamadvisor.log_redaction import (
    RedactingFormatter,
    RedactingServerFormatter,
    redact,
)
from tests.factories import draft_assessment, submitted_assessment

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the settings' root handler writes, as text (pytest adds its own
    capturing handlers beside it)."""
    stream = io.StringIO()
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, RedactingFormatter)
    ]
    assert handlers
    previous = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


def test_redact_replaces_tokens_in_paths_urls_and_referrers():
    token = "A" * 20 + "b_-" + "9" * 20
    assert redact(f"Not Found: /a/{token}/nosuch/") == "Not Found: /a/[token]/nosuch/"
    assert redact(f"GET https://x.example/a/{token}/review/?from=review") == (
        "GET https://x.example/a/[token]/review/?from=review"
    )
    assert redact(f"/a/{token}") == "/a/[token]"
    # Not a token: 42 or 44 characters are left alone.
    assert redact("/a/" + "x" * 42 + "/") == "/a/" + "x" * 42 + "/"
    assert redact("/a/" + "x" * 44 + "/") == "/a/" + "x" * 44 + "/"


def test_django_request_logs_never_hold_a_token(log_output, monkeypatch):
    draft = draft_assessment()
    done = submitted_assessment()

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/a/{draft.token}/review/").status_code == 403  # CSRF
    client = Client(raise_request_exception=False)
    assert client.get(f"/a/{draft.token}/nosuch-step/").status_code == 404
    assert client.get(f"/a/{done.token}/copy/").status_code == 405

    def broken(request, token):
        raise RuntimeError(f"failed on /a/{token}/")

    # The URL resolver holds the view function: patch the pattern's callback.
    pattern = next(p for p in urls.urlpatterns if p.name == "resume")
    monkeypatch.setattr(pattern, "callback", broken)
    assert client.get(f"/a/{done.token}/").status_code == 500

    written = log_output.getvalue()
    for token in (draft.token, done.token):
        assert token not in written
    assert "Forbidden (CSRF cookie not set.): /a/[token]/review/" in written
    assert "Not Found: /a/[token]/nosuch-step/" in written
    assert "Method Not Allowed (GET): /a/[token]/copy/" in written
    assert "Internal Server Error: /a/[token]/" in written
    assert "RuntimeError: failed on /a/[token]/" in written  # the traceback too


def test_gunicorn_access_log_never_holds_a_token(tmp_path):
    # The server has a database of its own: the token's page answers 404 or
    # 500 there, and the access log records the request all the same.
    token = "T0ken-" + "x" * 37
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(ROOT),
    }
    port = 8799
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "teamadvisor.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            # Request line, path, referrer and the redirect's Location.
            "--access-logformat",
            "%(r)s %(U)s %(f)s %({location}o)s",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/a/{token}/review/"
        deadline = time.monotonic() + 20
        while True:
            request = urllib.request.Request(
                url, headers={"Referer": f"http://127.0.0.1:{port}/a/{token}/"}
            )
            try:
                urllib.request.urlopen(request, timeout=2)  # noqa: S310 (loopback)
                break
            except urllib.error.HTTPError:
                break  # answered: that is all the log needs
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    written = access_log.read_text()
    assert "/a/[token]/review/" in written
    assert token not in written


def test_every_configured_handler_redacts():
    """Django's default config adds a console handler to the "django" logger
    in debug; the settings route its records to the root's redacting one."""
    loggers = [logging.getLogger(), logging.getLogger("django")]
    loggers += [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture
            assert isinstance(
                handler.formatter, (RedactingFormatter, RedactingServerFormatter)
            ), (logger.name, handler)
    assert logging.getLogger("django").propagate
