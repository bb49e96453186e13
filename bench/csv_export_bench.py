"""Benchmark the consultants' CSV export: streamed, at a given size.

Run against the database in DATABASE_URL (PostgreSQL for the real figure):
  DATABASE_URL=postgres://... .venv/bin/python bench/csv_export_bench.py \
      --assessments 100000
Seeds demo data with seed_demo (idempotent), selects every assessment in the
admin list and runs "Export selected as CSV" through the admin, reading the
streamed response as a browser would. Prints the time to the first line, the
total time, the rows per second, the size, and the peak memory Python
allocated while streaming (tracemalloc), which must not grow with the number
of rows. The memory is measured in a second export: tracemalloc slows every
allocation, and an export timed under it took three to five times as long.
"""

import argparse
import time
import tracemalloc

from named_database import seed, setup_django  # noqa: E402 (beside this script)

setup_django()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from assessments.models import Assessment  # noqa: E402


def _export(client: Client) -> tuple[float, float, float, int, int]:
    """(seconds to the first line, seconds in all, seconds of this process's
    CPU, bytes, lines). The CPU time is the steadier figure on a busy machine:
    the test client runs the whole request here, only the database is away."""
    # "Select all N" in the admin: the action gets the whole filtered list.
    data = {"action": "export_csv", "select_across": "1", "index": "0"}
    data["_selected_action"] = list(
        Assessment.objects.order_by("pk").values_list("pk", flat=True)[:1]
    )
    began, cpu = time.perf_counter(), time.process_time()
    response = client.post("/admin/assessments/assessment/", data)
    assert response.streaming, "the CSV must stream"
    first = None
    size = lines = 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - began
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - began
    return first or total, total, time.process_time() - cpu, size, lines


def _peak_memory(client: Client) -> int:
    """Peak bytes Python allocated during a whole export."""
    tracemalloc.start()
    _export(client)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assessments", type=int, default=100_000)
    args = parser.parse_args()

    seed(args.assessments)
    client = Client()
    client.force_login(User.objects.get(username="demo-consultant-ana"))
    rows = Assessment.objects.count()
    print(f"{connection.vendor}, {rows:,} assessments")
    first, total, cpu, size, lines = _export(client)
    print(f"first line after   {first * 1000:8.0f} ms")
    print(f"whole file in      {total:8.1f} s ({cpu:.1f} s of CPU here)")
    print(f"rows               {lines - 1:8,}")
    print(f"rows per second    {(lines - 1) / total:8,.0f}")
    print(f"size               {size / 1e6:8.1f} MB")
    peak = _peak_memory(client)
    print(f"peak Python memory {peak / 1e6:8.1f} MB while streaming")


if __name__ == "__main__":
    main()
