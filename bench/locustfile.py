"""Locust users for bench/load_test.py: whole client flows, and the ceiling.

Each ClientFlow user starts an assessment, fills every section, submits, reads
the report for a few seconds and downloads the PDF. Completed flows and 5xx
responses are counted and written to $LOAD_RESULT when locust stops.
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECTIONS = {
    "organisation": {
        "name": "Load Test Ltd",
        "industry": "testing",
        "employees": "320",
        "stage": "large_startup",
        "regulated": "no",
    },
    "goals": {
        "ai_focus": "balanced",
        "ml_use_cases": "9",
        "product_teams": "4",
        "dedicated_ml_budget": "yes",
        "current_structure": "centralized",
        "has_ml_lead": "yes",
    },
    "team": {
        "data_analyst": "2",
        "data_engineer": "2",
        "data_scientist": "4",
        "research_scientist": "1",
        "mlops_engineer": "1",
        "software_developer": "40",
        "full_stack_data_scientists": "0",
    },
    "pain-points": {"pain_points": ["silos", "too_many_requests"]},
}
counts = {"completed_flows": 0, "server_errors": 0}


@events.request.add_listener
def _count_server_errors(response=None, **_kwargs):
    if response is not None and response.status_code >= 500:
        counts["server_errors"] += 1


@events.quitting.add_listener
def _write_result(**_kwargs):
    if os.environ.get("LOAD_RESULT"):
        with open(os.environ["LOAD_RESULT"], "w") as handle:
            json.dump(counts, handle)


class ClientFlow(HttpUser):
    wait_time = between(0.5, 1.5)  # a person reading, not a bot hammering

    def on_start(self) -> None:
        # As a browser does, a GET whose reused connection the server closed
        # at that moment is sent once more on a new one.
        retry = Retry(total=1, connect=1, read=1, allowed_methods=["GET"])
        self.client.mount("http://", HTTPAdapter(max_retries=retry))

    def _post(self, url: str, page: str, data: dict, name: str) -> str | None:
        token = CSRF.search(page)
        if token is None:
            return None
        with self.client.post(
            url,
            {"csrfmiddlewaretoken": token[1], **data},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "error-summary" in response.text:
                response.failure(f"{name}: {response.status_code}")
                return None
            return response.text

    @task
    def flow(self) -> None:
        page = self.client.get("/", name="start page").text
        page = self._post("/", page, {}, "start")
        if page is None:
            return
        for key, data in SECTIONS.items():
            url = re.search(r'<a href="(/a/[\w-]{43}/)"', page)[1]
            page = self._post(f"{url}{key}/", page, data, key)
            if page is None:
                return
        page = self._post(f"{url}review/", page, {}, "submit")
        if page is None or "Team plan for Load Test Ltd" not in page:
            return
        report = self.client.get(url, name="report")
        # A person reads the plan's first page before downloading it (locust
        # makes this sleep cooperative): the time a task worker has to render
        # the PDF after the submit.
        time.sleep(random.uniform(2, 4))  # noqa: S311 (a pause, not a secret)
        pdf = self.client.get(f"{url}team-plan.pdf", name="pdf (first download)")
        if report.ok and pdf.content.startswith(b"%PDF"):
            counts["completed_flows"] += 1


class Ceiling(HttpUser):
    """The cheapest view the server has: what the stack can do at most."""

    wait_time = between(0, 0)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="healthz")
