"""Load test: gunicorn + PostgreSQL on 127.0.0.1, driven by locust headless.

  DATABASE_URL=postgres://user:pass@127.0.0.1/db .venv/bin/python bench/load_test.py

Phase 1 measures the ceiling (GET /healthz, no database, no template); phase 2
runs many clients that each start, fill and submit an assessment, read the
report and download the PDF. Prints throughput and p50/p95 per page, the 5xx
count, and checks that the submitted assessments in the database equal the
completed flows. Exits non-zero if anything was lost or failed.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="teamadvisor-load-"))
    env = _env(work)
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")
    before = _submitted(env)

    port = 8765
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
    try:
        _wait_for(f"{host}/healthz")
        _locust(env, host, "Ceiling", args.users, 15, work / "ceiling")
        result = work / "result.json"
        _locust(
            env, host, "ClientFlow", args.users, args.seconds, work / "flow", result
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    counts = json.loads(result.read_text())
    submitted = _submitted(env) - before
    print(
        f"gunicorn {args.workers} sync workers, {args.users} users, "
        f"{args.seconds} s of flows, PostgreSQL"
    )
    print(
        f"{'page':<16} {'requests':>8} {'fails':>6} {'req/s':>7} {'p50':>7} {'p95':>7}"
    )
    for row in _table(work / "ceiling") + _table(work / "flow"):
        print(
            f"{row['Name']:<16} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>5} ms {row['95%']:>4} ms"
        )
    print(f"completed flows: {counts['completed_flows']}")
    print(f"submitted assessments in the database: {submitted}")
    print(f"5xx responses: {counts['server_errors']}")
    lost = submitted != counts["completed_flows"]
    if lost or counts["server_errors"]:
        sys.exit("FAILED: lost submissions or server errors")


if __name__ == "__main__":
    main()
