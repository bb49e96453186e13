"""The consultants' workspace: find, review, override and export assessments;
set the cost assumptions that price the plans."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from assessments import exports, services
from assessments.advice import CostsInvalid, parse_costs
from assessments.advice.costs import MAX_COST, SENIORITIES
from assessments.advice.domain import ROLES
from assessments.choices import ExportStatus, Status, Structure
from assessments.flow import answer_rows, saved_values
from assessments.models import (
    REVIEW_TEXT_MAX_LENGTH,
    Assessment,
    CostAssumptions,
    ExportJob,
    Organization,
    effective_structure,
)
from assessments.selectors import active_cost_table, assessment_report

admin.site.site_header = "TeamAdvisor consultants"
admin.site.site_title = "TeamAdvisor admin"
admin.site.index_title = "Client assessments"

CONSULTANTS_GROUP = "Consultants"
DRAFT_READONLY = ["status", "override_structure", "override_reason", "client_comment"]
ESTIMATE_ABOVE = 10_000


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered list from PostgreSQL's statistics, not row by row.

    Counting 100,000 rows on every page view is the one cost of the list that
    grows with the table; a filtered list is counted exactly.
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            # Small tables are cheap to count and their statistics may be stale.
            if row and row[0] >= ESTIMATE_ABOVE:
                return row[0]
        return super().count


class ConsultantFilter(admin.SimpleListFilter):
    title = "consultant"
    parameter_name = "consultant"

    def lookups(self, request, model_admin):
        return [("mine", "Assigned to me"), ("none", "Not assigned")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class StructureFilter(admin.SimpleListFilter):
    """The structure the client is told: the consultant's override, else ours."""

    title = "structure"
    parameter_name = "structure"

    def lookups(self, request, model_admin):
        return Structure.choices

    def queryset(self, request, queryset):
        if self.value():
            # The same expression as the index on it (see Assessment.Meta).
            return queryset.alias(structure=effective_structure()).filter(
                structure=self.value()
            )
        return queryset


class ReviewForm(forms.ModelForm):
    """Only the review fields; the model's ``clean`` enforces the override rule."""

    class Meta:
        model = Assessment
        fields = services.REVIEW_FIELDS
        help_texts = {
            "override_structure": "Leave empty to keep TeamAdvisor's recommendation.",
            "override_reason": "Required with an override. Shown to the client.",
            "client_comment": "Shown to the client in the report and the PDF.",
            "internal_notes": "Only consultants see these. Never shown to the client.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = services.allowed_statuses(self.instance.status)
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] in allowed
            ]
        if "assigned_to" in self.fields:
            users = self.fields["assigned_to"].queryset
            consultants = Q(is_staff=True, groups__name=CONSULTANTS_GROUP)
            self.fields["assigned_to"].queryset = users.filter(
                consultants | Q(is_superuser=True), is_active=True
            ).distinct()


def _history_value(field, value) -> str:
    if isinstance(value, DeletedObject):
        # simple-history also stands for an empty foreign key this way.
        return "" if value.pk is None else str(value)
    if value is None or value == "":
        return ""
    if hasattr(value, "get_username"):
        return value.get_username()
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


class ReviewHistoryHelper(HistoricalRecordContextHelper):
    """Changes as a consultant reads them: field names, choice labels, usernames."""

    def __init__(self, model, record):
        # Reasons and notes are read in full, never cut to simple-history's
        # default 100 characters; escaping can make a value up to six times
        # longer than its limit.
        super().__init__(
            model, record, max_displayed_delta_change_chars=6 * REVIEW_TEXT_MAX_LENGTH
        )

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        return _history_value(field, value) or "—"


def review_changes(record, previous) -> list[ModelChange]:
    """The review fields ``record`` changed since ``previous``, in form order.

    Each has the field's label, and the old and new values as escaped text.
    """
    delta = record.diff_against(
        previous, included_fields=services.REVIEW_FIELDS, foreign_keys_are_objs=True
    )
    helper = ReviewHistoryHelper(Assessment, record)
    return [
        helper.format_delta_change(change)
        for change in sorted(
            delta.changes, key=lambda c: services.REVIEW_FIELDS.index(c.field)
        )
    ]


class ViewOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Old versions can be looked at, not restored: a revert would bypass the
    service that checks and records every change."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Assessment)
class AssessmentAdmin(ViewOnlyHistoryAdmin):
    form = ReviewForm
    list_display = [
        "organisation",
        "stage",
        "ai_focus",
        "structure",
        "largest_gap_display",
        "status",
        "assigned_to",
        "submitted_at",
    ]
    list_filter = [
        "status",
        "organization__stage",
        "ai_focus",
        StructureFilter,
        ConsultantFilter,
        ("submitted_at", admin.DateFieldListFilter),
    ]
    search_fields = [
        "organization__name",
        "organization__contact_name",
        "organization__contact_email",
    ]
    date_hierarchy = "submitted_at"
    # Newest submission first and drafts (no date yet) last, on every database:
    # PostgreSQL would put NULLs first in a descending order.
    ordering = [F("submitted_at").desc(nulls_last=True), "-id"]
    # Counting every assessment on each page is what makes big lists slow.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    actions = ["export_csv", "export_answers", "export_pdfs"]
    readonly_fields = ["client_links", "answers_view", "advice_view", "review_history"]
    fieldsets = [
        ("Client", {"fields": ["client_links"]}),
        ("Review", {"fields": list(services.REVIEW_FIELDS)}),
        ("Advice", {"fields": ["advice_view"]}),
        ("Answers", {"fields": ["answers_view"]}),
        ("History", {"fields": ["review_history"]}),
    ]

    def view_on_site(self, obj: Assessment) -> str | None:
        # A draft's private link would let a consultant edit the client's answers.
        return None if obj.is_draft else obj.get_absolute_url()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).select_related("organization", "assigned_to")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # assessments come from clients

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_view_history_or_change_history_permission(request, obj):
            return fieldsets
        # The same permission as the history page (see settings).
        return [(name, opts) for name, opts in fieldsets if name != "History"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_draft:
            # Nothing to override or comment on before the client submits.
            return [*self.readonly_fields, *DRAFT_READONLY]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        services.assessment_save_review(assessment=obj, by=request.user)

    # Columns ------------------------------------------------------------

    @admin.display(description="organisation", ordering="organization__name")
    def organisation(self, obj: Assessment) -> str:
        return obj.organization.name if obj.organization else "(not given yet)"

    @admin.display(description="stage", ordering="organization__stage")
    def stage(self, obj: Assessment) -> str:
        return obj.organization.get_stage_display() if obj.organization else "—"

    @admin.display(description="structure", ordering=effective_structure())
    def structure(self, obj: Assessment) -> str:
        if obj.override_structure:
            return (
                f"{obj.get_override_structure_display()} (consultant; "
                f"TeamAdvisor: {obj.get_recommended_structure_display()})"
            )
        return obj.get_recommended_structure_display() or "—"

    @admin.display(description="largest role gap", ordering="-largest_gap")
    def largest_gap_display(self, obj: Assessment) -> str:
        if obj.largest_gap_role:
            return f"{obj.get_largest_gap_role_display()}: {obj.largest_gap}"
        return "none" if obj.largest_gap == 0 else "—"

    # Detail page --------------------------------------------------------

    @admin.display(description="links")
    def client_links(self, obj: Assessment) -> str:
        if obj.is_draft:
            # No private link: it would let a consultant edit the client's answers.
            return "Draft: the client has not submitted yet."
        return format_html(
            "<a href='{}'>Client's report</a> · <a href='{}'>Download PDF</a>",
            obj.get_absolute_url(),
            reverse("assessments:report_pdf", args=[obj.token]),
        )

    @admin.display(description="answers")
    def answers_view(self, obj: Assessment) -> str:
        rows = answer_rows(saved_values(obj))
        return render_to_string("admin/assessments/answers.html", {"answers": rows})

    @admin.display(description="advice")
    def advice_view(self, obj: Assessment) -> str:
        if obj.is_draft:
            return "No advice before the client submits."
        report = assessment_report(obj)
        return render_to_string("admin/assessments/advice.html", {"report": report})

    @admin.display(description="history")
    def review_history(self, obj: Assessment) -> str:
        records = list(
            obj.history.select_related("history_user", "assigned_to").order_by(
                "history_id"
            )
        )
        changes = []
        if records:
            first = records[0]
            created = ModelChange("Status", "—", first.get_status_display())
            changes.append({"record": first, "fields": [created]})
        for previous, record in zip(records, records[1:], strict=False):
            fields = review_changes(record, previous)
            if fields:
                changes.append({"record": record, "fields": fields})
        return render_to_string(
            "admin/assessments/history.html", {"changes": changes[::-1]}
        )

    def get_historical_record_context_helper(self, request, historical_record):
        # The history page shows labels and usernames too, not raw keys and ids.
        return ReviewHistoryHelper(self.model, historical_record)

    # Exports ------------------------------------------------------------

    def _download(self, content, content_type: str, extension: str) -> HttpResponse:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="assessments-{stamp}.{extension}"'
        )
        return response

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self._download(
            exports.assessments_csv(queryset), "text/csv; charset=utf-8", "csv"
        )

    @admin.action(
        description="Export answers files (ZIP of JSON)", permissions=["view"]
    )
    def export_answers(self, request, queryset):
        # A draft's answers are unfinished: ``teamplan`` would refuse the file.
        submitted = self._submitted_only(request, queryset, "answers file")
        if submitted is None:
            return None
        return self._download(exports.answers_zip(submitted), "application/zip", "zip")

    @admin.action(
        description="Export team-plan PDFs (ZIP, built in the background)",
        permissions=["view"],
    )
    def export_pdfs(self, request, queryset):
        # Rendering takes about a second a PDF: a task does it, and the
        # consultant follows it on the export's page.
        try:
            job = services.export_job_start(author=request.user, assessments=queryset)
        except services.NothingToExport:
            self.message_user(
                request, "Drafts have no team plan yet.", level=messages.WARNING
            )
            return None
        except services.ExportTooLarge:
            self.message_user(
                request,
                f"Select at most {services.MAX_PDF_EXPORT:,} submitted assessments "
                "per export.",
                level=messages.WARNING,
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:assessments_exportjob_change", args=[job.pk])
        )

    def _submitted_only(self, request, queryset, noun: str) -> QuerySet | None:
        """The submitted assessments selected; warns about the drafts left out."""
        drafts = queryset.filter(status=Status.DRAFT).count()
        submitted = queryset.exclude(status=Status.DRAFT)
        if not submitted.exists():
            self.message_user(
                request, f"Drafts have no {noun} yet.", level=messages.WARNING
            )
            return None
        if drafts:
            self.message_user(
                request,
                f"Skipped {drafts} draft{'' if drafts == 1 else 's'}: "
                f"a draft has no {noun} until the client submits it.",
                level=messages.WARNING,
            )
        return submitted


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "employees", "stage", "contact_name"]
    list_filter = ["stage"]
    search_fields = ["name", "contact_name", "contact_email"]
    readonly_fields = ["created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Organisation details are the client's answers: nobody edits them here.
        return False


# Bulk PDF exports ---------------------------------------------------------


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """The PDF exports a consultant started: progress, then the ZIP. Each
    consultant sees only their own, superusers included; nobody edits them.
    """

    list_display = ["__str__", "status", "progress", "result"]
    list_display_links = ["__str__"]
    fields = ["status", "progress", "result", "created_at", "finished_at"]
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
        return FileResponse(
            job.zip_file.open("rb"),
            as_attachment=True,
            filename=f"team-plans-{job.created_at:%Y%m%d-%H%M%S}.zip",
            content_type="application/zip",
        )

    @admin.display(description="progress")
    def progress(self, job: ExportJob) -> str:
        running = job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
        bar = format_html(
            '<progress value="{}" max="{}"{}>{} of {}</progress> {} of {} PDFs',
            job.done,
            job.total,
            " data-export-running" if running else "",
            job.done,
            job.total,
            job.done,
            job.total,
        )
        if not running:
            return bar
        url = reverse("admin:assessments_exportjob_change", args=[job.pk])
        return format_html('{} · <a href="{}">Refresh</a>', bar, url)

    @admin.display(description="result")
    def result(self, job: ExportJob) -> str:
        drafts = job.skipped_drafts
        skipped = (
            f" Skipped {drafts} draft{'' if drafts == 1 else 's'}: "
            "a draft has no team plan until the client submits it."
            if drafts
            else ""
        )
        if job.status == ExportStatus.DONE:
            url = reverse("admin:assessments_exportjob_download", args=[job.pk])
            return format_html(
                '<a href="{}" download>Download the ZIP</a> ({} PDF{}).{}',
                url,
                job.done,
                "" if job.done == 1 else "s",
                skipped,
            )
        if job.status == ExportStatus.FAILED:
            return f"The export failed: {job.error}"
        return "Not ready yet."


# Cost assumptions ---------------------------------------------------------


def cost_field(role: str, seniority: str) -> str:
    """The form field of one figure, e.g. ``data_engineer_senior``."""
    return f"{role}_{seniority}"


# ``parse_costs`` names each figure by its path in the cost table.
COST_FIELDS = {
    f"yearly_cost.{role}.{seniority}": cost_field(role, seniority)
    for role, _label in ROLES
    for seniority in SENIORITIES
}


class _CostAssumptionsForm(forms.ModelForm):
    """Currency, note, active, and one whole number per role and seniority.

    The figures become the cost table of a ``teamplan --costs`` file and
    ``parse_costs`` checks it, as it checks the file; each of its errors is
    shown beside the field it names.
    """

    class Meta:
        model = CostAssumptions
        fields = ["currency", "note", "active"]
        labels = {"active": "Active: reports use this set"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.yearly_cost:
            for role, costs in self.instance.yearly_cost.items():
                for seniority, amount in costs.items():
                    self.initial.setdefault(cost_field(role, seniority), amount)

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        data = {
            "currency": cleaned.get("currency"),
            "yearly_cost": {
                role: {s: cleaned.get(cost_field(role, s)) for s in SENIORITIES}
                for role, _label in ROLES
            },
        }
        try:
            table = parse_costs(data)
        except CostsInvalid as invalid:
            for error in invalid.errors:
                field = COST_FIELDS.get(error.field, error.field)
                if field not in self.fields:
                    self.add_error(None, str(error))
                elif field not in self.errors:  # Django said it first (required…)
                    message = error.message
                    self.add_error(field, f"{message[:1].upper()}{message[1:]}.")
            return cleaned
        self.instance.yearly_cost = table["yearly_cost"]
        return cleaned


SENIORITY_LABELS = {"senior": "senior", "mid": "mid-level"}

CostAssumptionsForm = type(
    "CostAssumptionsForm",
    (_CostAssumptionsForm,),
    {
        cost_field(role, seniority): forms.IntegerField(
            label=f"{label}, {SENIORITY_LABELS[seniority]}",
            # A hint for the browser; parse_costs decides.
            widget=forms.NumberInput(attrs={"min": 0, "max": MAX_COST, "step": 1}),
        )
        for role, label in ROLES
        for seniority in SENIORITIES
    },
)


@admin.register(CostAssumptions)
class CostAssumptionsAdmin(ViewOnlyHistoryAdmin):
    form = CostAssumptionsForm
    list_display = ["currency", "active", "created_at", "created_by", "note"]
    list_filter = ["active"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_at", "created_by"]
    actions = ["make_active"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["currency", "active", "note"]}),
            (
                "Yearly cost of one person",
                {
                    "description": (
                        "Whole numbers in the currency above. The client's "
                        "roadmap shows them as your consultancy's assumptions."
                    ),
                    "fields": [
                        tuple(cost_field(role, s) for s in SENIORITIES)
                        for role, _label in ROLES
                    ],
                },
            ),
        ]
        if obj is not None:
            fieldsets.append(("Created", {"fields": ["created_at", "created_by"]}))
        return fieldsets

    def get_changeform_initial_data(self, request):
        # A new set starts as a copy of the active one: change what changed.
        initial = super().get_changeform_initial_data(request)
        table = active_cost_table()
        if table is not None:
            initial.setdefault("currency", table["currency"])
            for role, costs in table["yearly_cost"].items():
                for seniority, amount in costs.items():
                    initial.setdefault(cost_field(role, seniority), amount)
        return initial

    def save_model(self, request, obj, form, change):
        services.cost_assumptions_save(assumptions=obj, by=request.user)

    @admin.action(description="Make the selected set active", permissions=["change"])
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one set to make active.", messages.WARNING
            )
            return
        assumptions = queryset.get()
        services.cost_assumptions_activate(assumptions=assumptions, by=request.user)
        self.message_user(request, f"Reports now use {assumptions}.")
