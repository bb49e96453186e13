"""Fixtures shared by the whole suite."""

import http.server
import threading

import pytest


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
