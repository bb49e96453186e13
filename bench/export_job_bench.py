"""Benchmark the bulk PDF export as a job: the admin action's request, the job
on a real ``db_worker``, and the admin's response time while the job runs.

Run: .venv/bin/python bench/export_job_bench.py [--assessments 500]
Uses a throw-away SQLite database and media folder. Seeds demo assessments
(bulk-created: no PDF stored yet), selects N submitted ones and a few drafts,
then prints:
- the action's request time (median and slowest of 5; each creates a job);
- the job's time from the action to the ZIP with every PDF rendered (cold),
  and again with every PDF stored (warm: the second export of the same plans,
  as when the PDFs were rendered at submit);
- the consultants' list and the export's page, timed while idle and while
  the cold job runs.
The worker runs a copy of the source taken at the start: a PDF's revision
includes a digest of the templates, so an edit made meanwhile would make the
warm export render everything again.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from throwaway import ROOT, setup_django  # noqa: E402 (beside this script)

work = setup_django()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.choices import ExportStatus, Status  # noqa: E402
from assessments.models import Assessment, ExportJob  # noqa: E402

CHANGELIST = reverse("admin:assessments_assessment_changelist")
DRAFTS = 20


SOURCE = work / "src"


def _worker_env() -> dict[str, str]:
    """The production settings, on the bench's database and media folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="teamadvisor.settings",
        DJANGO_SECRET_KEY="bench-only-" + "k9Z-x" * 10,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_MEDIA_ROOT=os.environ["DJANGO_MEDIA_ROOT"],
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    return env


def _ms(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def _probe(client: Client, urls: list[str]) -> dict[str, float]:
    return {url: _ms(lambda url=url: _get(client, url)) for url in urls}


def _summary(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(ordered):6.1f} ms, p95 {p95:6.1f} ms, "
        f"max {ordered[-1]:6.1f} ms ({len(ordered)} requests)"
    )


def _export(client: Client, ids: list[int]) -> tuple[float, ExportJob]:
    start = time.perf_counter()
    response = client.post(
        CHANGELIST, {"action": "export_pdfs", "_selected_action": ids}
    )
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 302, response.status_code
    return elapsed, ExportJob.objects.latest("pk")


def _run_job(
    client: Client, job: ExportJob, probes: list[str]
) -> tuple[float, dict[str, list[float]]]:
    """Start a worker and probe the admin until the job is done. Returns the
    seconds from the worker's start to the ZIP, and the probes' timings."""
    start = time.perf_counter()
    worker = subprocess.Popen(
        [
            *(sys.executable, "manage.py", "db_worker", "--worker-id", "bench"),
            *("--no-reload", "--no-startup-delay", "--interval", "0.1"),
        ],
        cwd=SOURCE,
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    timings: dict[str, list[float]] = {url: [] for url in probes}
    try:
        while True:
            job.refresh_from_db()
            if job.status in (ExportStatus.DONE, ExportStatus.FAILED):
                break
            if job.status == ExportStatus.RUNNING and job.done:
                for url, ms in _probe(client, probes).items():
                    timings[url].append(ms)
            time.sleep(0.25)
    finally:
        worker.terminate()
        worker.wait(60)
    assert job.status == ExportStatus.DONE, job.error
    return time.perf_counter() - start, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assessments", type=int, default=500)
    args = parser.parse_args()

    shutil.copytree(
        ROOT, SOURCE, ignore=shutil.ignore_patterns(".*", "media", "node_modules")
    )
    call_command("migrate", verbosity=0)
    # 1 in 8 demo assessments is a draft: enough for N submitted and the drafts.
    call_command(
        "seed_demo", assessments=max(args.assessments, DRAFTS * 7) * 8 // 7 + 8
    )
    submitted = list(
        Assessment.objects.exclude(status=Status.DRAFT)
        .order_by("pk")
        .values_list("pk", flat=True)[: args.assessments]
    )
    drafts = list(
        Assessment.objects.filter(status=Status.DRAFT).values_list("pk", flat=True)[
            :DRAFTS
        ]
    )
    assert len(submitted) == args.assessments and len(drafts) == DRAFTS
    selected = submitted + drafts

    user = User.objects.get(username="demo-consultant-ana")
    client = Client()
    client.force_login(user)
    with override_settings(
        TASKS={
            "default": {
                "BACKEND": "django_tasks_db.DatabaseBackend",
                "QUEUES": ["default"],
            }
        }
    ):
        _get(client, CHANGELIST)  # warm up imports and templates
        actions = []
        for _ in range(5):
            ms, job = _export(client, selected)
            actions.append(ms)
        # Keep the last job; the worker skips the others' tasks.
        ExportJob.objects.exclude(pk=job.pk).delete()
        job_page = reverse("admin:assessments_exportjob_change", args=[job.pk])
        probes = [CHANGELIST, job_page]
        idle = {url: [] for url in probes}
        for _ in range(20):
            for url, ms in _probe(client, probes).items():
                idle[url].append(ms)

        cold_s, busy = _run_job(client, job, probes)
        cold_size = job.zip_file.size

        _ms_warm, warm_job = _export(client, submitted)
        warm_s, _timings = _run_job(client, warm_job, [])

    print(
        f"{args.assessments} submitted assessments and {DRAFTS} drafts selected "
        f"(SQLite, {os.cpu_count()} cores, one worker)"
    )
    print(
        f"admin action request:  median {statistics.median(actions):.1f} ms, ", end=""
    )
    print(f"slowest {max(actions):.1f} ms (of 5)")
    print(
        f"job, PDFs rendered:    {cold_s:.1f} s from the worker's start to the ZIP "
        f"({args.assessments / cold_s:.1f} PDFs/s, ZIP {cold_size / 2**20:.1f} MB, "
        f"skipped {job.skipped_drafts} drafts)"
    )
    print(
        f"job, PDFs stored:      {warm_s:.1f} s from the worker's start to the ZIP "
        f"({args.assessments / warm_s:.0f} PDFs/s)"
    )
    for name, url in (("assessment list", CHANGELIST), ("export page", job_page)):
        print(f"{name + ', idle:':<30} {_summary(idle[url])}")
        print(f"{name + ', job running:':<30} {_summary(busy[url])}")
    print(f"(work folder {work})")


if __name__ == "__main__":
    main()
