"""Fixtures shared by the whole suite."""

import http.server
import threading

import pytest
from django.core.cache import caches
from django_tasks_db.management.commands.db_worker import Worker

from tests.smtp_server import running_smtp_server


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (LocMemCaches, kept by this
    process): figures cached by one test, such as the peer figures
    (assessments/peers.py), must not answer in another, whose rows are
    different and whose query counts assume they are counted, and a page
    rendered by one test (assessments/render_cache.py) must not hide its
    rendering from another."""
    for each in caches.all():
        each.clear()


@pytest.fixture
def post_data():
    """Valid POST data for each questionnaire section, by section key."""
    return {
        "organisation": {
            "name": "Acme Analytics",
            "industry": "retail",
            "employees": "40",
            "stage": "small_startup",
            "regulated": "no",
            "contact_name": "Ada Client",
            "contact_email": "ada@example.com",
        },
        "goals": {
            "ai_focus": "product",
            "ml_use_cases": "3",
            "product_teams": "2",
            "dedicated_ml_budget": "no",
            "current_structure": "none",
            "has_ml_lead": "no",
        },
        "team": {
            "data_analyst": "0",
            "data_engineer": "1",
            "data_scientist": "1",
            "research_scientist": "0",
            "mlops_engineer": "0",
            "software_developer": "6",
            "full_stack_data_scientists": "1",
        },
        "pain-points": {"pain_points": ["silos", "hiring_difficulty"]},
    }


@pytest.fixture
def recording_server():
    """A local HTTP server that records every request it receives.

    Yields its port and the list of request paths; ``/redirect`` answers with a
    redirect to a local file, everything else with a small stylesheet.
    """
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            requests.append(self.path)
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server.server_address[1], requests
    server.shutdown()


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (see tests/smtp_server.py)."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Django's SMTP backend, pointed at ``smtp_server``; yields the server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def database_queue(settings):
    """Tasks go to django-tasks' database backend, as in production. The value
    runs the ready ones in this process, as ``db_worker --batch`` does.

    Needs ``django_db(transaction=True)``: the worker checks its connection
    as after each request, which would abandon a test's open transaction.
    """
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    def run_ready_tasks() -> None:
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="in-test-worker",
            excluded_queue_names=[],
        ).run()

    return run_ready_tasks
