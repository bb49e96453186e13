"""Benchmark the consultants' dashboard (the admin home) at a given size.

Run against the database in DATABASE_URL (PostgreSQL for the real figure):
  DATABASE_URL=postgres://... .venv/bin/python bench/dashboard_bench.py \
      --assessments 100000
Seeds demo data with seed_demo (idempotent), then prints the median time of
the whole admin request, its query count, and the slowest of its queries.
"""

import argparse
import statistics
import time

from named_database import seed, setup_django  # noqa: E402 (beside this script)

setup_django()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

URL = "/admin/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    seed(args.assessments)

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
