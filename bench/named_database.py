"""Django set up on the database named in DATABASE_URL and filled with demo
data, for the benchmarks that measure at a size (100,000 assessments on
PostgreSQL for the README's figures). It seeds demo rows, so it refuses to
run on a database that was not named on purpose."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a database for benchmarks (see the docstring).")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

    import django

    django.setup()


def seed(assessments: int) -> None:
    """Migrate, add demo assessments up to ``assessments`` (seed_demo is
    idempotent) and, on PostgreSQL, refresh the planner's statistics."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("seed_demo", assessments=assessments)
    print(f"seed_demo: {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
