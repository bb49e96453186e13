"""The PDF team plan: content, accessibility, no outbound fetches, caching."""

import io
import shutil
import threading
import time

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from assessments import pdf as pdf_module
from assessments import report as report_module
from assessments.advice.rulebook import CURRENT_VERSION
from assessments.models import Assessment, Organization
from assessments.report import layout_digest
from assessments.selectors import assessment_report
from tests.factories import example, submitted_assessment
from tests.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db


def _download(client, assessment) -> bytes:
    response = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.getvalue()


def test_pdf_names_organisation_structure_and_pages(client):
    assessment = submitted_assessment(**example("product-enterprise"))
    data = _download(client, assessment)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Team plan for Helvetia Mutual" in text
    assert "Hybrid: core team plus squads" in text
    assert "Page 1 of" in text
    assert f"Rulebook {CURRENT_VERSION}" in text


def test_pdf_is_tagged_with_title_and_language(client):
    reader = PdfReader(io.BytesIO(_download(client, submitted_assessment())))
    catalog = reader.trailer["/Root"]
    # pypdf's BooleanObject is always truthy: compare the value it holds.
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    # PDF/UA-1 declares itself in the XMP metadata.
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp or b"<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert reader.metadata.title == "Team plan for Acme Analytics"
    assert reader.metadata.author == "TeamAdvisor"


def test_pdf_download_is_an_attachment_with_a_safe_name(client):
    assessment = submitted_assessment(organization={"name": 'A "quoted"\r\nname'})
    response = client.get(reverse("assessments:report_pdf", args=[assessment.token]))
    assert response["Content-Disposition"] == (
        'attachment; filename="team-plan-a-quoted-name.pdf"'
    )


def _hostile_answers(port: int) -> dict:
    return {
        "organization": {
            "name": f'<img src="http://127.0.0.1:{port}/img.png">'
            f'<link rel="attachment" href="file:///etc/passwd">',
            "industry": f"<style>@import url(http://127.0.0.1:{port}/x.css);</style>",
        }
    }


def test_pdf_of_hostile_answers_fetches_nothing(client, recording_server):
    port, requests = recording_server
    assessment = submitted_assessment(**_hostile_answers(port))
    data = _download(client, assessment)
    assert requests == []
    reader = PdfReader(io.BytesIO(data))
    assert reader.attachments == {}
    text = pdf_text(data)
    assert f'<img src="http://127.0.0.1:{port}/img.png">' in text  # shown as text
    assert "@import url(" in text


def test_fetcher_refuses_network_and_files_even_in_raw_html(recording_server):
    """Defence in depth: even unescaped markup cannot make the renderer fetch."""
    port, requests = recording_server
    html = f"""<!doctype html><html lang="en"><head><title>t</title>
    <link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">
    <link rel="attachment" href="file:///etc/passwd">
    <style>@import url("http://127.0.0.1:{port}/b.css");
      body {{ background: url(ftp://127.0.0.1:{port}/c.png) }}</style></head>
    <body><img src="http://127.0.0.1:{port}/d.png"><img src="file:///etc/hostname">
    <img src="http://127.0.0.1:{port}/redirect">
    <p>hello</p></body></html>"""
    data = pdf_module.html_to_pdf(html)
    assert requests == []
    assert PdfReader(io.BytesIO(data)).attachments == {}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "https://example.com/x",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "static:../../teamadvisor/settings.py",
        "static:/etc/passwd",
        "static:no-such-file.css",
    ],
)
def test_fetcher_refuses_everything_but_static_and_data(url):
    with pytest.raises(pdf_module.RefusedURL):
        pdf_module._fetcher().fetch(url)


def test_fetcher_serves_project_static_files_and_data_urls():
    fetcher = pdf_module._fetcher()
    css = fetcher.fetch("static:css/report-pdf.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"


@pytest.fixture
def renders(monkeypatch) -> list:
    """One entry per PDF actually rendered (not served from storage)."""
    calls = []
    real = pdf_module.render_report_pdf
    monkeypatch.setattr(
        pdf_module, "render_report_pdf", lambda report: calls.append(1) or real(report)
    )
    return calls


def test_repeat_download_serves_the_stored_pdf(client, renders):
    assessment = submitted_assessment()
    first = _download(client, assessment)
    second = _download(client, assessment)
    assert first == second
    assert len(renders) == 1
    _dirs, files = default_storage.listdir(f"team-plans/{assessment.token}")
    assert len(files) == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_downloads_at_once_render_once(monkeypatch):
    # The task worker rendering at submit and the client's first download
    # race: on PostgreSQL the second waits for the first and reads its PDF.
    # (On SQLite both render; the storage keeps one file.)
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the render lock is PostgreSQL's advisory lock")
    assessment = submitted_assessment()
    report = assessment_report(assessment)
    folder = f"team-plans/{assessment.token}"
    for name in default_storage.listdir(folder)[1]:  # rendered at submit
        default_storage.delete(f"{folder}/{name}")
    renders, started = [], threading.Event()

    def slow_render(report):
        renders.append(1)
        started.set()
        time.sleep(0.5)  # long enough for the other thread to arrive
        return b"%PDF-1.7 test"

    monkeypatch.setattr(pdf_module, "render_report_pdf", slow_render)
    results = []

    def download():
        try:
            results.append(pdf_module.cached_report_pdf(report, key=assessment.token))
        finally:
            connection.close()  # each thread's own connection

    first = threading.Thread(target=download)
    first.start()
    started.wait(5)
    second = threading.Thread(target=download)
    second.start()
    first.join(10)
    second.join(10)
    assert results == [b"%PDF-1.7 test"] * 2
    assert renders == [1]


def test_changed_answers_rulebook_or_layout_make_a_new_pdf(
    client, renders, monkeypatch
):
    assessment = submitted_assessment()
    _download(client, assessment)
    Organization.objects.filter(pk=assessment.organization_id).update(name="Renamed")
    assert "Renamed" in pdf_text(_download(client, assessment))
    assert len(renders) == 2
    Assessment.objects.filter(pk=assessment.pk).update(rulebook_version="2026.1")
    assert "rulebook 2026.1" in pdf_text(_download(client, assessment))
    assert len(renders) == 3
    monkeypatch.setattr("assessments.report.LAYOUT_VERSION", "test-new-layout")
    _download(client, assessment)
    assert len(renders) == 4
    _dirs, files = default_storage.listdir(f"team-plans/{assessment.token}")
    assert len(files) == 1  # older revisions are removed


def test_editing_a_report_template_changes_the_layout_version(tmp_path):
    templates = tmp_path / "templates" / "assessments"
    shutil.copytree(settings.BASE_DIR / "templates" / "assessments", templates)
    (tmp_path / "static" / "css").mkdir(parents=True)
    css = settings.BASE_DIR / "static" / "css" / "report-pdf.css"
    shutil.copy(css, tmp_path / "static" / "css")
    assert layout_digest(tmp_path) == report_module.LAYOUT_VERSION
    body = templates / "_report_body.html"
    body.write_text(body.read_text() + "<p>new</p>")
    assert layout_digest(tmp_path) != report_module.LAYOUT_VERSION
