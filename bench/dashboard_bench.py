"""Benchmark the consultants' dashboard (the admin home) at a given size.

Run against the database in DATABASE_URL (PostgreSQL for the real figure):
  DATABASE_URL=postgres://... .venv/bin/python bench/dashboard_bench.py \
      --assessments 100000
Seeds demo data with seed_demo (idempotent), then prints the median time of
the whole admin request, its query count, and the slowest of its queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    # It seeds demo rows: never into a database that was not named on purpose.
    sys.exit("Set DATABASE_URL to a database for benchmarks (see the docstring).")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

URL = "/admin/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("seed_demo", assessments=args.assessments)
    print(f"seed_demo: {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # A consultant with assessments assigned, so "mine" counts something.
    user = User.objects.get(username="demo-consultant-ana")
    client = Client()
    client.force_login(user)
    client.get(URL)  # warm caches
    timings = []
    for _ in range(args.repeat):
        reset_queries()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
        assert b'id="dashboard"' in response.content, "no dashboard on the page"
    print(f"{connection.vendor}, {args.assessments} assessments")
    print(
        f"dashboard: median {statistics.median(timings):.0f} ms, {len(queries)} queries"
    )
    print("queries of the last request, slowest first:")
    for query in sorted(queries, key=lambda q: -float(q["time"])):
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")


if __name__ == "__main__":
    main()
