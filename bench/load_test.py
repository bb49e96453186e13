"""Load test: gunicorn + PostgreSQL on 127.0.0.1, driven by locust headless.

  DATABASE_URL=postgres://user:pass@127.0.0.1/db .venv/bin/python bench/load_test.py

First the ceiling (GET /healthz, no database, no template). Then, twice, many
clients that each start, fill and submit an assessment, read the report for a
few seconds and download the PDF: once with no task worker, so the first
download renders the PDF while the client waits, and once with the task
worker(s) running as in production, which render it when the assessment is
submitted. Between the two the worker drains what the first left queued.

Prints throughput and p50/p95 per page for each, the 5xx count, and checks
that the submitted assessments in the database equal the completed flows and
that the queue drains. Exits non-zero if anything was lost or failed.

Leave the templates alone while it runs: the PDF's revision includes a digest
of them, computed when each process starts, so a worker started after an edit
renders PDFs the web processes never look for.
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the README).")
    env.update(
        DJANGO_SETTINGS_MODULE="teamadvisor.settings",
        DJANGO_SECRET_KEY="load-test-" + "k9Z-x" * 12,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_MEDIA_ROOT=str(work / "media"),
        # Plain HTTP on loopback: no TLS redirect, cookies without Secure.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        # Every simulated client comes from 127.0.0.1.
        TEAMADVISOR_STARTS_PER_HOUR="1000000",
        # Submission notices go nowhere: the load test measures the app.
        EMAIL_URL="dummy:",
    )
    return env


def _manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _submitted(env: dict) -> int:
    code = (
        "from assessments.models import Assessment;"
        "print(Assessment.objects.filter(organization__name='Load Test Ltd')"
        ".exclude(status='draft').count())"
    )
    return int(_manage(env, "shell", "-v", "0", "-c", code).strip())


def _ready_tasks(env: dict) -> int:
    code = (
        "from django_tasks_db.models import DBTaskResult;"
        "print(DBTaskResult.objects.ready().count())"
    )
    return int(_manage(env, "shell", "-v", "0", "-c", code).strip())


def _drain(env: dict, seconds: float = 600) -> float:
    """Wait until the task workers have emptied the queue; return how long."""
    started = time.monotonic()
    while _ready_tasks(env):
        if time.monotonic() - started > seconds:
            sys.exit(f"FAILED: the queue did not drain in {seconds:.0f} s")
        time.sleep(2)
    return time.monotonic() - started


def _start_task_workers(env: dict, count: int, work: Path) -> list[subprocess.Popen]:
    # Their log of each task goes beside locust's files, not to the terminal.
    return [
        subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(work / f"task-worker-{number}.log", "w"),  # noqa: SIM115
        )
        for number in range(count)
    ]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (our own server)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer at {url}")


def _locust(env, host, user_class, users, seconds, prefix, result=None) -> None:
    command = [
        *(str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py")),
        *("--headless", "--host", host, "-u", str(users), "-r", str(users)),
        *("-t", f"{seconds}s", "--stop-timeout", "60", "--csv", str(prefix)),
        *("--only-summary", "--loglevel", "ERROR", user_class),
    ]
    # Locust's own summary goes to a log beside its CSV files.
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(
            command,
            cwd=ROOT,
            env={**env, "LOAD_RESULT": str(result or "")},
            check=False,
            stdout=log,
            stderr=log,
        )


def _table(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv") as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def _print_table(rows: list[dict]) -> None:
    print(
        f"{'page':<20} {'requests':>8} {'fails':>6} {'req/s':>7} {'p50':>8} {'p95':>8}"
    )
    for row in rows:
        print(
            f"{row['Name']:<20} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>5} ms {row['95%']:>5} ms"
        )


def _flows(env, host, args, work: Path, name: str) -> bool:
    """One flow phase; prints its table and returns whether it was clean."""
    before = _submitted(env)
    result = work / f"{name}.json"
    _locust(env, host, "ClientFlow", args.users, args.seconds, work / name, result)
    counts = json.loads(result.read_text())
    submitted = _submitted(env) - before
    _print_table(_table(work / name))
    print(
        f"completed flows: {counts['completed_flows']}; submitted assessments "
        f"in the database: {submitted}; 5xx responses: {counts['server_errors']}"
    )
    return submitted == counts["completed_flows"] and not counts["server_errors"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--task-workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765, help="gunicorn's port")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="teamadvisor-load-"))
    env = _env(work)
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")

    port = args.port
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "teamadvisor.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    task_workers: list[subprocess.Popen] = []
    print(
        f"gunicorn {args.workers} workers (thread workers, gunicorn.conf.py), "
        f"{args.users} users, "
        f"{args.seconds} s of flows per phase, PostgreSQL"
    )
    try:
        _wait_for(f"{host}/healthz")
        _locust(env, host, "Ceiling", args.users, 15, work / "ceiling")
        print("\n== ceiling")
        _print_table(_table(work / "ceiling"))

        print("\n== no task worker: the first download renders the PDF")
        clean = _flows(env, host, args, work, "without-worker")

        task_workers = _start_task_workers(env, args.task_workers, work)
        drained = _drain(env)
        print(
            f"\n{args.task_workers} task worker(s) drained what was left "
            f"queued in {drained:.0f} s"
        )
        print(f"== {args.task_workers} task worker(s): the PDF rendered at submit")
        clean &= _flows(env, host, args, work, "with-worker")
        drained = _drain(env)
        print(f"queue empty {drained:.0f} s after the last flow")
    finally:
        _stop(task_workers)
        _stop([server])
    if not clean:
        sys.exit("FAILED: lost submissions or server errors")


if __name__ == "__main__":
    main()
