"""Benchmark the "organisations like yours" query (assessments/peers.py).

Run against the database in DATABASE_URL (PostgreSQL for the real figure):
  DATABASE_URL=postgres://... .venv/bin/python bench/peers_bench.py \
      --assessments 100000
Seeds demo data with seed_demo (idempotent), gives every third assessment
its predecessor's lineage (so some clients have resubmitted and the "latest
of each lineage" test has work to do), then prints the median time of
``peer_profile`` for each stage with and without an AI focus, and on
PostgreSQL the plan of the slowest. Each is timed counted (the cache
emptied first, as after a review or on a process's first view) and as the
cache answers it (no query).

Demo rows never count for clients, so the benchmark passes
``include_demo=True``: the query is the one a client's report runs, minus
the ``NOT is_demo`` test, over as many rows as a real database of that size.
Only reviewed assessments count (seed_demo reviews about a quarter).
"""

import argparse
import statistics
import time

from named_database import seed, setup_django  # noqa: E402 (beside this script)

setup_django()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessments.choices import AiFocus, Stage, Status  # noqa: E402
from assessments.models import Assessment  # noqa: E402
from assessments.peers import peer_profile  # noqa: E402


def merge_lineages() -> None:
    """Every third assessment continues the lineage of the one before it, as a
    copy would (idempotent)."""
    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET lineage = ("  # noqa: S608 (our own table name)
            f"  SELECT previous.lineage FROM {table} previous"
            f"  WHERE previous.id = {table}.id - 1"
            f") WHERE id % 3 = 0 AND id > 1"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    seed(args.assessments)
    merge_lineages()
    if connection.vendor == "postgresql":  # the merged lineages' statistics
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    reviewed = Assessment.objects.filter(status=Status.REVIEWED).count()
    print(
        f"{Assessment.objects.count()} assessments ({reviewed} reviewed) "
        f"on {connection.vendor}"
    )

    slowest = (0.0, "")
    for stage in Stage.values:
        for focus in (None, *AiFocus.values):
            peer_profile(stage, focus, include_demo=True)  # warm the database's
            timings, hits = [], []
            for _ in range(args.repeat):
                cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    profile = peer_profile(stage, focus, include_demo=True)
                    timings.append(time.perf_counter() - began)
                with CaptureQueriesContext(connection) as none:
                    began = time.perf_counter()
                    peer_profile(stage, focus, include_demo=True)
                    hits.append(time.perf_counter() - began)
                assert not none, "the second call is the cache's"
            median = statistics.median(timings)
            group = (
                f"{profile.size} in {profile.ai_focus or 'the stage'}"
                if profile
                else "too few"
            )
            print(
                f"{stage:14} {focus or '(any focus)':12} {median * 1000:7.1f} ms"
                f"  {len(queries)} query  ({group});"
                f" cached {statistics.median(hits) * 1000:.2f} ms"
            )
            if median > slowest[0]:
                slowest = (median, queries[0]["sql"])

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest[1]}")
            print("\nPlan of the slowest:")
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
