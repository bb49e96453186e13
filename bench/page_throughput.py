"""Page throughput against the framework's own ceiling, in one run.

  DATABASE_URL=postgres://user:pass@127.0.0.1/db \
    .venv/bin/python bench/page_throughput.py

Starts gunicorn with production settings (gunicorn.conf.py, 4 workers) on
PostgreSQL, seeds one submitted assessment (the shared product-enterprise
example) and one draft, downloads the PDF once so it is stored, then drives
each page with wrk (Debian's ``wrk`` package) on loopback, each measurement
right after one of ``/healthz``, in rounds, and prints each page's requests
per second as a share of ``/healthz``'s (the median over the rounds).
Exits non-zero if a page misses its target (issue 13: a section and the report
at least 0.3x, a stored PDF at least 0.6x).

wrk and gunicorn share the machine's cores, as in the security review that
set the targets; the ratios, not the absolute figures, are what carry over.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
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
    # The report's "Download PDF": by revision, no query (views.stored_pdf).
    ("stored PDF", "{pdf_link}", 0.6),
    # The stable link (mails, bookmarks): one query to find the revision.
    ("stored PDF, stable link", "/a/{submitted}/team-plan.pdf", None),
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
    """Requests per second, median latency and non-2xx/3xx count for ``url``."""
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
    parser.add_argument("--seconds", type=int, default=5, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
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
        report = urllib.request.urlopen(f"{host}/a/{submitted}/").read().decode()  # noqa: S310 (our own server)
        links = {"submitted": submitted, "draft": draft}
        links["pdf_link"] = re.search(r'href="(/a/[^"]+\.pdf)"', report).group(1)
        for name, path, _target in PAGES:
            # A page must answer itself, not redirect: a 302 is cheap.
            answer = urllib.request.urlopen(host + path.format(**links))  # noqa: S310
            if answer.url != host + path.format(**links) or answer.status != 200:
                sys.exit(f"{name} does not answer 200 itself: {answer.url}")
            _wrk(host + path.format(**links), 1, 4)
        # Each page right after /healthz, in rounds: the machine's speed
        # drifts over a run, and each share compares neighbours.
        shares = {name: [] for name, _path, _target in PAGES}
        rates = {name: [] for name, _path, _target in PAGES}
        ceilings = []
        for _round in range(args.rounds):
            for name, path, _target in PAGES:
                ceiling = _wrk(f"{host}/healthz", args.seconds, args.connections)
                url = host + path.format(**links)
                rate, _median, errors = _wrk(url, args.seconds, args.connections)
                if errors:
                    sys.exit(f"{name}: {errors} responses were not 2xx or 3xx")
                ceilings.append(ceiling[0])
                rates[name].append(rate)
                shares[name].append(rate / ceiling[0])
    finally:
        _stop([server])

    print(
        f"gunicorn {args.workers} workers (gunicorn.conf.py), PostgreSQL, wrk 1 thread "
        f"{args.connections} connections; {args.rounds} rounds of {args.seconds} s "
        "per page, each right after /healthz"
    )
    print(
        f"/healthz: {statistics.median(ceilings):.0f} req/s median "
        f"({min(ceilings):.0f}-{max(ceilings):.0f})"
    )
    print(f"{'page':<24} {'req/s':>7} {'share of /healthz':>18} {'target':>12}")
    for name, _path, target in PAGES:
        share = statistics.median(shares[name])
        verdict = ""
        if target is not None:
            verdict = f"≥{target:.1f}x" + (" ok" if share >= target else " MISSED")
            if share < target:
                missed.append(name)
        spread = f"{min(shares[name]):.2f}-{max(shares[name]):.2f}"
        rate = statistics.median(rates[name])
        print(f"{name:<24} {rate:>7.0f} {share:>5.2f}x ({spread}) {verdict:>12}")
    if missed:
        sys.exit(f"below target: {', '.join(missed)}")


if __name__ == "__main__":
    main()
