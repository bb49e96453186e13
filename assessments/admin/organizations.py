"""Organisations: read-only, their details are the client's answers."""

from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string

from assessments.admin.assessments import over_time_rows
from assessments.models import Assessment, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "employees", "stage", "contact_name"]
    list_filter = ["stage"]
    search_fields = ["name", "contact_name", "contact_email"]
    readonly_fields = ["created_at", "assessments_over_time"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Organisation details are the client's answers: nobody edits them here.
        return False

    @admin.display(description="assessments")
    def assessments_over_time(self, obj: Organization) -> str:
        """Each copy has its own organisation row: the client's assessments
        are those of every lineage this row's assessments belong to."""
        lineages = obj.assessments.values("lineage")
        assessments = Assessment.objects.filter(lineage__in=lineages)
        return render_to_string(
            "admin/assessments/over_time.html",
            {"rows": over_time_rows(assessments, None), "current": None},
        )
