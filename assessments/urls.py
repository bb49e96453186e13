from django.urls import path, register_converter

from assessments import views


class _PatternConverter:
    """A path part that must match ``regex`` whole, taken as it is."""

    regex: str

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TokenConverter(_PatternConverter):
    """Private link tokens: exactly what ``new_token`` makes, nothing else."""

    regex = r"[A-Za-z0-9_-]{43}"


class RevisionConverter(_PatternConverter):
    """A team plan's revision: ``Report.revision``'s hex digits."""

    regex = r"[0-9a-f]{32}"


register_converter(TokenConverter, "token")
register_converter(RevisionConverter, "revision")

app_name = "assessments"
urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("a/<token:token>/", views.resume, name="resume"),
    path("a/<token:token>/review/", views.review, name="review"),
    path("a/<token:token>/copy/", views.copy, name="copy"),
    path("a/<token:token>/send-link/", views.send_link, name="send_link"),
    path("a/<token:token>/team-plan.pdf", views.report_pdf, name="report_pdf"),
    path(
        "a/<token:token>/plans/<revision:revision>/<slug:filename>.pdf",
        views.stored_pdf,
        name="stored_pdf",
    ),
    path("a/<token:token>/what-if/", views.what_if, name="what_if"),
    path("a/<token:token>/compare/", views.compare, name="compare"),
    path("a/<token:token>/<slug:key>/", views.section, name="section"),
]
