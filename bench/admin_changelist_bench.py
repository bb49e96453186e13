"""Benchmark the consultants' assessment list at a given size.

Run against the database in DATABASE_URL (PostgreSQL for the real figure):
  DATABASE_URL=postgres://... .venv/bin/python bench/admin_changelist_bench.py \
      --assessments 100000
Seeds demo data with seed_demo (idempotent), then prints, for a few typical
list views, the median time of the whole admin request and its query count.
"""

import argparse
import statistics
import time

from named_database import seed, setup_django  # noqa: E402 (beside this script)

setup_django()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

VIEWS = {
    "default (newest first)": "",
    "status = in review": "?status__exact=in_review",
    "mine + enterprise": "?consultant=mine&organization__stage__exact=enterprise",
    "structure = hybrid": "?structure=hybrid",
    "search 'Atlas'": "?q=Atlas",
    "page 100": "?p=100",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    seed(args.assessments)

    user = User.objects.get(username="demo-consultant-ana")
    client = Client()
    client.force_login(user)
    url = "/admin/assessments/assessment/"
    print(f"{connection.vendor}, {args.assessments} assessments")
    print(f"{'list view':<26} {'median':>9} {'queries':>8}")
    for name, query in VIEWS.items():
        client.get(url + query)  # warm caches
        timings = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url + query)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        median = statistics.median(timings)
        print(f"{name:<26} {median:>6.0f} ms {len(queries):>8}")


if __name__ == "__main__":
    main()
