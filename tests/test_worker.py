"""A real worker process (``manage.py db_worker``) killed in the middle of a
task, and what brings the task back: the database backend leaves it marked
running, no worker takes it again, and ``requeue_stalled_tasks`` puts it back
in the queue for the next worker (see assessments/task_queue.py).

The worker runs against the test database on PostgreSQL (when DATABASE_URL is
set) and against a migrated SQLite file otherwise: SQLite's in-memory test
database cannot be shared with another process.
"""

import json
import os
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

# The worker checks its database connection between tasks, as after each
# request: no test transaction may stay open around it.
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url(tmp_path: Path) -> str:
    if connection.vendor == "postgresql":
        # The test database, which this test's transactions leave committed.
        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        return url._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"


def _env(tmp_path: Path, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="teamadvisor.settings",
        DJANGO_SECRET_KEY="worker-test-" + "k9Z-x" * 10,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DATABASE_URL=_database_url(tmp_path),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}?timeout=60",
    )
    return env


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _worker(env: dict, worker_id: str, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *(sys.executable, "manage.py", "db_worker", "--worker-id", worker_id),
            *("--no-reload", "--no-startup-delay", "--interval", "0.1", *options),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


QUEUE_A_LINK_MAIL = """
from assessments import tasks
from tests.factories import draft_assessment
tasks.send_private_link.enqueue(draft_assessment().pk, "ada@example.com")
"""

TASK_ROWS = """
import json
from django_tasks_db.models import DBTaskResult
print(json.dumps(list(DBTaskResult.objects.values("status", "worker_ids"))))
"""


def test_a_task_whose_worker_was_killed_runs_again_once_requeued(smtp_server, tmp_path):
    env = _env(tmp_path, smtp_server.port)
    if connection.vendor != "postgresql":
        _manage(env, "migrate", "--noinput")
    _manage(env, "shell", "-v", "0", "-c", QUEUE_A_LINK_MAIL)
    smtp_server.hold_next = True  # the server takes the mail and never answers

    first = _worker(env, "first")
    try:
        assert smtp_server.held.wait(60), first.stdout.read()
    finally:
        first.send_signal(signal.SIGKILL)  # mid-task: no chance to clean up
        first.wait(30)

    # The task stays "running" for ever: another worker does not take it.
    ready, running, _failed = _manage(env, "queue_status").splitlines()
    assert ready == "ready: 0, oldest waiting 0 s"
    assert running.startswith("running: 1, longest ")
    second = _worker(env, "second", "--batch")
    assert second.wait(60) == 0
    assert json.loads(_manage(env, "shell", "-v", "0", "-c", TASK_ROWS)) == [
        {"status": "RUNNING", "worker_ids": ["first"]}
    ]

    assert _manage(env, "requeue_stalled_tasks", "--older-than", "0") == (
        "re-queued 1, failed 0\n"
    )
    third = _worker(env, "third", "--batch")
    assert third.wait(60) == 0, third.stdout.read()

    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == ["ada@example.com"]
    assert json.loads(_manage(env, "shell", "-v", "0", "-c", TASK_ROWS)) == [
        {"status": "SUCCESSFUL", "worker_ids": ["first", "third"]}
    ]
    assert _manage(env, "queue_status").splitlines() == [
        "ready: 0, oldest waiting 0 s",
        "running: 0",
        "failed in the last 24 hours: 0",
    ]
