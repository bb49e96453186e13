"""The consultants' workspace in the Django admin: find, review, override,
compare and export assessments; follow bulk exports; set the cost assumptions
that price the plans. One module per part; importing them registers them."""

from django.contrib import admin

admin.site.site_header = "TeamAdvisor consultants"
admin.site.site_title = "TeamAdvisor admin"
admin.site.index_title = "Client assessments"

# The group whose members review assessments (see create_consultant).
CONSULTANTS_GROUP = "Consultants"

from assessments.admin import (  # noqa: E402  (registers each admin)
    assessments,
    cost_assumptions,
    export_jobs,
    organizations,
)

__all__ = [
    "CONSULTANTS_GROUP",
    "assessments",
    "cost_assumptions",
    "export_jobs",
    "organizations",
]
