"""The team plan as a PDF: WeasyPrint, a locked-down URL fetcher, a cache.

The fetcher is the security boundary: whatever a client typed, rendering may
read only our own static files and ``data:`` URLs — never the network or other
files on disk.
"""

import hashlib
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.template.loader import render_to_string

from assessments.models import Assessment
from assessments.report import Report

STATIC_SCHEME = "static:"


class RefusedURL(ValueError):
    """A resource the PDF renderer must not fetch."""


def _static_response(url: str):
    from weasyprint.urls import URLFetcherResponse

    relative = unquote(url.removeprefix(STATIC_SCHEME)).lstrip("/")
    try:
        path = finders.find(relative)
    except SuspiciousFileOperation:
        path = None
    if not path:
        raise RefusedURL(f"no such static file: {url}")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    with open(path, "rb") as handle:
        return URLFetcherResponse(url, handle.read(), {"Content-Type": content_type})


def _fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """Serves ``static:`` files and ``data:`` URLs; refuses everything else."""

        def __init__(self):
            # No redirects: a data: URL cannot redirect, and nothing else is fetched.
            super().__init__(allowed_protocols=["data"], allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith(STATIC_SCHEME):
                return _static_response(url)
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)
            raise RefusedURL(f"refused to fetch {url[:200]}")

    return StaticOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    """Render trusted template output to a tagged, accessible PDF."""
    # Imported here: WeasyPrint is heavy and only the PDF path needs it.
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_fetcher(), base_url=STATIC_SCHEME)
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def report_pdf_html(report: Report) -> str:
    return render_to_string("assessments/report_pdf.html", {"report": report})


def render_report_pdf(report: Report) -> bytes:
    return html_to_pdf(report_pdf_html(report))


def laid_out_report(report: Report):
    """The PDF's pages as WeasyPrint lays them out, to check page breaks."""
    from weasyprint import HTML

    html = report_pdf_html(report)
    return HTML(string=html, url_fetcher=_fetcher(), base_url=STATIC_SCHEME).render()


@contextmanager
def _one_renderer(name: str) -> Iterator[None]:
    """Only one process renders a given PDF at a time; the next one waits and
    then finds it stored. Without it, a client's download and the task worker
    rendering at submit both render the same PDF when the worker runs behind,
    and the doubled work makes both slower.

    PostgreSQL only, with an advisory lock held to the end of a transaction.
    On SQLite a transaction would hold the single write lock through the
    render (settings open them IMMEDIATE), stopping every other write: there
    the same PDF is rendered twice at worst, as before.
    """
    if connection.vendor != "postgresql":
        yield
        return
    digest = hashlib.sha256(f"team-plan-pdf:{name}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
        yield


def _stored(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


# Every plan's PDFs, a folder per owner (retention.py removes the unreachable).
PDF_FOLDER = "team-plans"


def _folder(key: str) -> str:
    """The storage folder of ``key``'s plan PDFs."""
    return f"{PDF_FOLDER}/{key}"


def stored_name(key: str, revision: str) -> str:
    """Where the PDF of revision ``revision`` of ``key``'s plan is stored."""
    return f"{_folder(key)}/{revision}.pdf"


def _name(report: Report, key: str) -> tuple[str, str]:
    return _folder(key), stored_name(key, report.revision)


def cached_report_pdf(report: Report, *, key: str) -> bytes:
    """The PDF of ``report``, rendered once per revision and kept in storage.

    ``key`` names the owner (the assessment token: unique, never reused); the
    report's revision hash changes with the answers, the rulebook, the
    consultant's override and comment, or the layout.
    """
    folder, name = _name(report, key)
    stored = _stored(name)
    if stored is not None:
        return stored
    with _one_renderer(name):
        return _stored(name) or _render_and_store(report, folder, name)


def stored_report_pdf(report: Report, *, key: str) -> str:
    """The storage name of ``report``'s PDF, rendered and stored first if it
    is not: a download is sent from storage (by ``sendfile`` under gunicorn)
    without being read into memory."""
    _folder, name = _name(report, key)
    if not default_storage.exists(name):
        cached_report_pdf(report, key=key)
    return name


def _render_and_store(report: Report, folder: str, name: str) -> bytes:
    data = render_report_pdf(report)
    default_storage.save(name, ContentFile(data))
    # On SQLite two first downloads at once both render, and the storage
    # renames the second copy. Keep one file per owner: drop that copy and
    # older revisions.
    _dirs, files = default_storage.listdir(folder)
    for file in files:
        if f"{folder}/{file}" != name:
            default_storage.delete(f"{folder}/{file}")
    return data


def remove_stored_pdfs(key: str) -> None:
    """Remove every stored PDF of ``key``'s plan. A deleted assessment's PDFs
    must go with it: the report's link by revision sends a stored file
    without asking the database (views.stored_pdf)."""
    folder = _folder(key)
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        default_storage.delete(f"{folder}/{file}")


def _assessment_deleted(sender, instance, using="default", **_) -> None:
    token = instance.token
    transaction.on_commit(lambda: remove_stored_pdfs(token), using=using)


def connect_receivers() -> None:
    """Called by ``AssessmentsConfig.ready``: however an assessment is
    deleted (the admin, a command), its stored PDFs go once that commits."""
    post_delete.connect(_assessment_deleted, Assessment, dispatch_uid="pdfs_deleted")
