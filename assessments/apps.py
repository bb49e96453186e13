from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.admin.sites import AdminSite
from django.utils import timezone


class AssessmentsConfig(AppConfig):
    # This module holds the admin's config too: say which one "assessments"
    # in INSTALLED_APPS means.
    default = True
    name = "assessments"
    verbose_name = "Client assessments"

    def ready(self):
        # Every process that saves a review makes "organisations like yours"
        # forget its cached figures (peers.py), imported or not elsewhere.
        from assessments import pdf, peers

        peers.connect_receivers()
        # A deleted assessment's stored PDFs go with it (pdf.py).
        pdf.connect_receivers()


class ConsultantsAdminSite(AdminSite):
    """Django's admin, whose home page opens with the consultants' dashboard
    (templates/admin/index.html) above the usual list of models."""

    def get_urls(self):
        # Without the "view on site" shortcut (/admin/r/<type>/<id>/): it
        # checks no permission and would redirect any staff member to a
        # client's private link. Consultants preview plans in the admin.
        urls = super().get_urls()
        return [url for url in urls if getattr(url, "name", None) != "view_on_site"]

    def index(self, request, extra_context=None):
        context = dict(extra_context or {})
        # The figures describe assessments: only those who may see them do.
        if request.user.has_perm("assessments.view_assessment"):
            # Imported here: this module is read before the models are ready.
            from assessments import dashboard

            figures = dashboard.build(request.user, timezone.now())
            context["dashboard"] = figures
            context["dashboard_charts"] = dashboard.draw(figures)
        return super().index(request, context)


class ConsultantsAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with ``ConsultantsAdminSite`` as ``admin.site``,
    so every ``admin.site.register`` and ``admin.site.site_header`` in
    assessments/admin/ is about this site, unchanged."""

    default = False
    default_site = "assessments.apps.ConsultantsAdminSite"
