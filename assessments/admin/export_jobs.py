"""Bulk exports (team-plan PDFs, answers files): each consultant's own, with
progress and the ZIP."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from assessments import exports
from assessments.choices import ExportStatus
from assessments.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """The exports a consultant started, each named by its kind: progress,
    then the ZIP. Each consultant sees only their own, superusers included;
    nobody edits them.
    """

    list_display = ["__str__", "status", "progress", "result"]
    list_display_links = ["__str__"]
    fields = ["kind", "status", "progress", "result", "created_at", "finished_at"]
    readonly_fields = fields
    list_per_page = 50

    class Media:
        # Reloads the page while an export runs; the "Refresh" link does
        # the same without JavaScript.
        js = ["js/export_job.js"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(author=request.user)

    # Whoever may export (view assessments) may follow their own exports.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("assessments.view_assessment")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("assessments.view_assessment")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # kept for a week, then deleted (see tasks.EXPORT_KEPT_FOR)

    def get_urls(self):
        download = path(
            "<int:job_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="assessments_exportjob_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request: HttpRequest, job_id: int) -> FileResponse:
        """The ZIP, to its author only (anyone else: 404). ``admin_view``
        makes it staff-only and marks it ``Cache-Control: private, no-store``.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(self.get_queryset(request), pk=job_id)
        if job.status != ExportStatus.DONE or not job.zip_file:
            raise Http404("This export has no ZIP yet.")
        stem = exports.ZIP_KINDS[job.kind].stem
        return FileResponse(
            job.zip_file.open("rb"),
            as_attachment=True,
            filename=f"{stem}-{job.created_at:%Y%m%d-%H%M%S}.zip",
            content_type="application/zip",
        )

    @admin.display(description="progress")
    def progress(self, job: ExportJob) -> str:
        running = job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
        bar = format_html(
            '<progress value="{}" max="{}"{}>{} of {}</progress> {} of {} {}',
            job.done,
            job.total,
            " data-export-running" if running else "",
            job.done,
            job.total,
            job.done,
            job.total,
            exports.ZIP_KINDS[job.kind].many,
        )
        if not running:
            return bar
        url = reverse("admin:assessments_exportjob_change", args=[job.pk])
        return format_html('{} · <a href="{}">Refresh</a>', bar, url)

    @admin.display(description="result")
    def result(self, job: ExportJob) -> str:
        kind = exports.ZIP_KINDS[job.kind]
        drafts = job.skipped_drafts
        skipped = (
            f" Skipped {drafts} draft{'' if drafts == 1 else 's'}: "
            f"a draft has no {kind.lacking} until the client submits it."
            if drafts
            else ""
        )
        if job.status == ExportStatus.DONE:
            url = reverse("admin:assessments_exportjob_download", args=[job.pk])
            return format_html(
                '<a href="{}" download>Download the ZIP</a> ({} {}).{}',
                url,
                job.done,
                kind.one if job.done == 1 else kind.many,
                skipped,
            )
        if job.status == ExportStatus.FAILED:
            return f"The export failed: {job.error}"
        return "Not ready yet."


# Cost assumptions ---------------------------------------------------------
