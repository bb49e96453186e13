"""Assessments: the list consultants work from and the review page."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from simple_history.models import ModelChange

from assessments import exports, services
from assessments.admin import CONSULTANTS_GROUP
from assessments.admin.history import (
    ReviewHistoryHelper,
    ViewOnlyHistoryAdmin,
    review_changes,
)
from assessments.choices import ExportKind, Status, Structure
from assessments.compare import compare
from assessments.flow import answer_rows, saved_values
from assessments.models import Assessment, effective_structure
from assessments.pdf import cached_report_pdf
from assessments.selectors import assessment_report

# Columns no URL of the admin may filter on: the private link's token, and
# the keyed hash of the address that started an assessment.
SECRET_FIELDS = {"token", "created_from"}
DRAFT_READONLY = ["status", "override_structure", "override_reason", "client_comment"]
ESTIMATE_ABOVE = 10_000


def over_time_rows(
    assessments: QuerySet[Assessment], current: Assessment | None
) -> list[dict]:
    """One organisation's assessments, oldest first and drafts (not submitted
    yet) last, each with a link comparing it with the assessment shown, or on
    the organisation's page with the one submitted before it."""
    ordered = assessments.select_related("organization").order_by(
        F("submitted_at").asc(nulls_last=True), "created_at"
    )
    rows, previous = [], None
    for assessment in ordered:
        if current is None:  # the organisation's page: with the one before
            pair = (assessment, previous) if previous else None
        elif current.submitted_at and assessment.pk != current.pk:
            pair = (current, assessment)  # an assessment's page: with it
        else:
            pair = None
        url = None
        if assessment.submitted_at:  # a draft has no plan to compare
            if pair:
                url = reverse(
                    "admin:assessments_assessment_compare",
                    args=[pair[0].pk, pair[1].pk],
                )
            previous = assessment
        rows.append({"assessment": assessment, "compare_url": url})
    return rows


def may_review(user) -> bool:
    """Who may be an assessment's consultant: as the review form offers."""
    return user.is_superuser or (
        user.is_staff and user.groups.filter(name=CONSULTANTS_GROUP).exists()
    )


def _report(assessment: Assessment):
    """The plan, built once per page however many fields show it."""
    if "_admin_report" not in assessment.__dict__:
        assessment.__dict__["_admin_report"] = assessment_report(assessment)
    return assessment.__dict__["_admin_report"]


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


@admin.register(Assessment)
class AssessmentAdmin(ViewOnlyHistoryAdmin):
    form = ReviewForm
    # Short cells, so the list fits 1280 px beside its filters (a browser
    # test measures it): stage and focus share a column, dates have no time.
    list_display = [
        "organisation",
        "stage_and_focus",
        "structure",
        "largest_gap_display",
        "status",
        "assigned_to",
        "submitted_on",
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
    actions = ["assign_to_me", "export_csv", "export_answers", "export_pdfs"]
    readonly_fields = [
        "client_links",
        "over_time",
        "summary_view",
        "answers_view",
        "advice_view",
        "review_history",
    ]
    # What a consultant reads first, then the review with Save at the top as
    # well as the foot, then the full advice and answers to check it against.
    fieldsets = [
        ("Client", {"fields": ["client_links", "over_time"]}),
        ("Summary and the client's concerns", {"fields": ["summary_view"]}),
        ("Review", {"fields": list(services.REVIEW_FIELDS)}),
        ("Advice", {"fields": ["advice_view"]}),
        ("Answers", {"fields": ["answers_view"]}),
        ("History", {"fields": ["review_history"]}),
    ]
    save_on_top = True
    change_form_template = "admin/assessments/assessment/change_form.html"

    # The private link is the client's key: a consultant reads the plan through
    # the admin's own preview, never through the client's link.
    view_on_site = False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # A filter on the token in the list's URL (token__gte=...) answers
        # yes or no about its characters: enough to recover a token.
        if lookup.split(LOOKUP_SEP)[0] in SECRET_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

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

    @admin.display(description="stage · AI focus", ordering="organization__stage")
    def stage_and_focus(self, obj: Assessment) -> str:
        stage = obj.organization.get_stage_display() if obj.organization else ""
        parts = [stage, obj.get_ai_focus_display()]
        return " · ".join(part for part in parts if part) or "—"

    @admin.display(description="structure", ordering=effective_structure())
    def structure(self, obj: Assessment) -> str:
        if obj.override_structure:
            return format_html(
                '{} <span title="TeamAdvisor: {}">(consultant)</span>',
                obj.get_override_structure_display(),
                obj.get_recommended_structure_display(),
            )
        return obj.get_recommended_structure_display() or "—"

    @admin.display(description="submitted", ordering="submitted_at")
    def submitted_on(self, obj: Assessment) -> str:
        if obj.submitted_at is None:
            return "—"
        return timezone.localdate(obj.submitted_at).isoformat()

    @admin.display(description="largest role gap", ordering="-largest_gap")
    def largest_gap_display(self, obj: Assessment) -> str:
        if obj.largest_gap_role:
            return f"{obj.get_largest_gap_role_display()}: {obj.largest_gap}"
        return "none" if obj.largest_gap == 0 else "—"

    # Detail page --------------------------------------------------------

    @admin.display(description="links")
    def client_links(self, obj: Assessment) -> str:
        if obj.is_draft:
            return "Draft: the client has not submitted yet."
        return format_html(
            "<a href='{}'>Preview the client's plan</a> · "
            "<a href='{}'>Download the PDF</a>",
            reverse("admin:assessments_assessment_preview", args=[obj.pk]),
            reverse("admin:assessments_assessment_preview_pdf", args=[obj.pk]),
        )

    @admin.display(description="over time")
    def over_time(self, obj: Assessment) -> str:
        """The organisation's assessments in time order (its lineage), each
        submitted one with a link to compare it with this one."""
        lineage = Assessment.objects.filter(lineage=obj.lineage)
        return render_to_string(
            "admin/assessments/over_time.html",
            {"rows": over_time_rows(lineage, obj), "current": obj},
        )

    @admin.display(description="summary")
    def summary_view(self, obj: Assessment) -> str:
        if obj.is_draft:
            return "No advice before the client submits."
        report = _report(obj)
        return render_to_string("admin/assessments/summary.html", {"report": report})

    @admin.display(description="answers")
    def answers_view(self, obj: Assessment) -> str:
        rows = answer_rows(saved_values(obj))
        return render_to_string("admin/assessments/answers.html", {"answers": rows})

    @admin.display(description="advice")
    def advice_view(self, obj: Assessment) -> str:
        if obj.is_draft:
            return "No advice before the client submits."
        report = _report(obj)
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

    # Assign to me and compare -------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/assign-to-me/",
                view(self.assign_to_me_view),
                name="assessments_assessment_assign_to_me",
            ),
            path(
                "<int:object_id>/compare/<int:other_id>/",
                view(self.compare_view),
                name="assessments_assessment_compare",
            ),
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="assessments_assessment_preview",
            ),
            path(
                "<int:object_id>/preview/team-plan.pdf",
                view(self.preview_pdf_view),
                name="assessments_assessment_preview_pdf",
            ),
            *super().get_urls(),
        ]

    def _submitted_for_view(self, request: HttpRequest, object_id: int) -> Assessment:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            self.get_queryset(request).exclude(status=Status.DRAFT), pk=object_id
        )

    def preview_view(self, request: HttpRequest, object_id: int):
        """The client's plan as the client reads it, without their link."""
        assessment = self._submitted_for_view(request, object_id)
        context = {"assessment": assessment, "report": assessment_report(assessment)}
        return TemplateResponse(request, "admin/assessments/preview.html", context)

    def preview_pdf_view(self, request: HttpRequest, object_id: int):
        assessment = self._submitted_for_view(request, object_id)
        pdf = cached_report_pdf(assessment_report(assessment), key=assessment.token)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="team-plan-{assessment.pk}.pdf"'
        )
        return response

    @method_decorator(require_POST)
    def assign_to_me_view(self, request: HttpRequest, object_id: int):
        assessment = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not may_review(request.user) or not self.has_change_permission(
            request, assessment
        ):
            raise PermissionDenied
        services.assessment_assign_to(assessment=assessment, consultant=request.user)
        self.message_user(request, f"{assessment} is assigned to you.")
        return HttpResponseRedirect(
            reverse("admin:assessments_assessment_change", args=[assessment.pk])
        )

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        if not may_review(request.user):
            raise PermissionDenied
        assigned = 0
        for assessment in queryset.exclude(assigned_to=request.user):
            services.assessment_assign_to(
                assessment=assessment, consultant=request.user
            )
            assigned += 1
        self.message_user(
            request, f"{assigned} assessment{pluralize(assigned)} assigned to you."
        )

    def compare_view(self, request: HttpRequest, object_id: int, other_id: int):
        """Two submitted assessments of one organisation side by side."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        pair = list(
            self.get_queryset(request)
            .filter(pk__in=[object_id, other_id])
            .exclude(status=Status.DRAFT)
            .order_by("submitted_at", "pk")
        )
        if len(pair) != 2 or pair[0].lineage != pair[1].lineage:
            raise Http404("Not two submitted assessments of one organisation")
        earlier, later = pair
        comparison = compare(
            assessment_report(earlier, costs=None),
            assessment_report(later, costs=None),
            for_consultants=True,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Compare: {later.organization.name}",
            "earlier": earlier,
            "later": later,
            "current": pair[0] if pair[0].pk == object_id else pair[1],
            "comparison": comparison,
        }
        return TemplateResponse(request, "admin/assessments/compare.html", context)

    # Exports ------------------------------------------------------------

    def _download(
        self, response: HttpResponse | StreamingHttpResponse, extension: str
    ) -> HttpResponse | StreamingHttpResponse:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = (
            f'attachment; filename="assessments-{stamp}.{extension}"'
        )
        return response

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        # Streamed row by row: 100,000 rows start at once, in flat memory,
        # and no request waits for the whole file (bench/csv_export_bench.py).
        lines = exports.csv_lines(queryset)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        return self._download(response, "csv")

    @admin.action(
        description="Export answers files (ZIP of JSON, built in the background)",
        permissions=["view"],
    )
    def export_answers(self, request, queryset):
        return self._start_export(request, queryset, ExportKind.ANSWERS)

    @admin.action(
        description="Export team-plan PDFs (ZIP, built in the background)",
        permissions=["view"],
    )
    def export_pdfs(self, request, queryset):
        return self._start_export(request, queryset, ExportKind.PDFS)

    def _start_export(self, request, queryset, kind: ExportKind):
        """Record the export and answer at once with its page: a task builds
        the ZIP (a PDF takes about a second to render, and a selection may
        hold thousands of answers files), and the consultant follows it there.
        """
        try:
            job = services.export_job_start(
                author=request.user, assessments=queryset, kind=kind
            )
        except services.NothingToExport:
            lacking = exports.ZIP_KINDS[kind].lacking
            self.message_user(
                request, f"Drafts have no {lacking} yet.", level=messages.WARNING
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
