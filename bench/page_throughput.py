"""Page throughput against the framework's own ceiling, in one run.

  DATABASE_URL=postgres://user:pass@127.0.0.1/db \
    .venv/bin/python bench/page_throughput.py

Starts gunicorn with production settings (gunicorn.conf.py, 4 workers) on
PostgreSQL, seeds one submitted assessment (the shared product-enterprise example) and
one draft, downloads the PDF once so it is stored, then drives each page with
wrk (Debian's ``wrk`` package) on loopback, one page at a time, and prints
each page's requests per second as a share of ``/healthz``'s, measured before
and after the pages. Exits non-zero if a page misses its target (issue 13:
a section and the report at least 0.3x, a stored PDF at least 0.6x).

wrk and gunicorn share the machine's cores, as in the security review that
set the targets; the ratios, not the absolute figures, are what carry over.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from load_test import BIN, ROOT, _env, _manage, _stop, _wait_for  # beside this script

WRK = shutil.which("wrk")

# (name, path template, target share of /healthz or None)
PAGES = [
    ("start page", "/", None),
    ("section: organisation", "/a/{draft}/organisation/", 0.3),
    ("section: goals", "/a/{draft}/goals/", 0.3),
    ("section: team", "/a/{draft}/team/", 0.3),
    ("section: pain points", "/a/{draft}/pain-points/", 0.3),
    ("review", "/a/{draft}/review/", None),
    ("report", "/a/{submitted}/", 0.3),
    ("stored PDF", "/a/{submitted}/team-plan.pdf", 0.6),
]

SEED = """
import json
from assessments import services
from assessments.advice import parse_answers
from tests.factories import EXAMPLES_DIR
data = json.loads((EXAMPLES_DIR / "product-enterprise.json").read_text())
answers = parse_answers(data)
submitted = services.assessment_create_from_answers(answers=answers)
services.assessment_submit(assessment=submitted)
draft = services.assessment_create_from_answers(answers=answers)
print(submitted.token, draft.token)
"""


def _wrk(url: str, seconds: int, connections: int) -> tuple[float, str, int]:
    """Requests per second, median latency and non-2xx count for ``url``."""
    out = subprocess.run(
        [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    median = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, median, int(errors.group(1)) if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8766, help="gunicorn's port")
    args = parser.parse_args()
    if not WRK:
        sys.exit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="teamadvisor-throughput-"))
    env = _env(work)
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")
    submitted, draft = _manage(env, "shell", "-v", "0", "-c", SEED).split()

    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "teamadvisor.wsgi", "-w", str(args.workers)]
        + ["-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    missed = []
    try:
        _wait_for(f"{host}/healthz")
        # Store the PDF, and let every worker load its templates once.
        _wrk(f"{host}/a/{submitted}/team-plan.pdf", 3, args.connections)
        for _name, path, _target in PAGES:
            _wrk(host + path.format(submitted=submitted, draft=draft), 1, 4)

        ceiling_before = _wrk(f"{host}/healthz", args.seconds, args.connections)[0]
        results = []
        for name, path, target in PAGES:
            url = host + path.format(submitted=submitted, draft=draft)
            results.append((name, target, *_wrk(url, args.seconds, args.connections)))
        ceiling_after = _wrk(f"{host}/healthz", args.seconds, args.connections)[0]
    finally:
        _stop([server])

    ceiling = (ceiling_before + ceiling_after) / 2
    print(
        f"gunicorn {args.workers} workers x 4 threads, PostgreSQL, wrk 1 thread "
        f"{args.connections} connections, {args.seconds} s per page"
    )
    print(f"/healthz: {ceiling_before:.0f} req/s before, {ceiling_after:.0f} after")
    print(
        f"{'page':<24} {'req/s':>7} {'median':>8} {'share':>6} {'target':>7}  non-2xx"
    )
    for name, target, rate, median, errors in results:
        share = rate / ceiling
        verdict = ""
        if target is not None:
            verdict = f"≥{target:.1f}x" + (" ok" if share >= target else " MISSED")
            if share < target:
                missed.append(name)
        row = f"{name:<24} {rate:>7.0f} {median:>8} {share:>5.2f}x {verdict:>10}"
        print(f"{row}  {errors}")
    if missed:
        sys.exit(f"below target: {', '.join(missed)}")


if __name__ == "__main__":
    main()
