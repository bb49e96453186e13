"""The consultants' workspace in the Django admin: find, review, override,
compare and export assessments; follow bulk exports; set the cost assumptions
that price the plans. One module per part; importing them registers them."""

from django.contrib import admin

admin.site.site_header = "TeamAdvisor consultants"
admin.site.site_title = "TeamAdvisor admin"
admin.site.index_title = "Client assessments"
# The list needs the width: with Django's app sidebar beside the filters it
# scrolls sideways at 1280 px. The breadcrumbs and the home page lead around.
admin.site.enable_nav_sidebar = False

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
