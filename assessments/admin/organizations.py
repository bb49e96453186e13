"""Organisations: read-only, their details are the client's answers."""

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import Organization


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
