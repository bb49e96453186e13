"""The mails TeamAdvisor sends: each is a subject, a plain-text body and an HTML
body rendered from ``templates/emails/<name>_subject.txt``, ``<name>.txt`` and
``<name>.html``. Building a mail never sends it; the tasks in
``assessments.tasks`` do, in the background.

No mail carries the client's answers or anything else they typed: a mail to an
address typed on a questionnaire page could otherwise carry a stranger's text
to anybody.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Assessment


def absolute_url(path: str) -> str:
    """``path`` on the site's address: mails are built outside any request."""
    return settings.TEAMADVISOR_SITE_URL + path


def _mail(name: str, *, to: list[str], context: dict) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.TEAMADVISOR_SITE_URL}
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line, whatever the template
        body=render_to_string(f"emails/{name}.txt", context),
        to=to,
    )
    message.attach_alternative(
        render_to_string(f"emails/{name}.html", context), "text/html"
    )
    return message


def private_link(assessment: Assessment, *, to: str) -> EmailMultiAlternatives:
    """The private link of ``assessment``, to the address typed on its page."""
    return _mail(
        "private_link",
        to=[to],
        context={
            "link": absolute_url(assessment.get_absolute_url()),
            "is_draft": assessment.is_draft,
        },
    )


def submission_notice(
    assessment: Assessment, *, to: list[str]
) -> EmailMultiAlternatives:
    """Tells consultants of a new submission: a link to the admin, no answers."""
    change = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    return _mail(
        "submission_notice",
        to=to,
        context={
            "number": assessment.pk,
            "submitted_at": assessment.submitted_at,
            "link": absolute_url(change),
        },
    )


def review_done(assessment: Assessment) -> EmailMultiAlternatives:
    """Tells the client, at the contact address they gave, that the review is done."""
    return _mail(
        "review_done",
        to=[assessment.organization.contact_email],
        context={"link": absolute_url(assessment.get_absolute_url())},
    )


def consultant_addresses() -> list[str]:
    """The addresses of active consultants (staff in the Consultants group)."""
    # Imported here: the admin imports the services, which queue these mails.
    from assessments.admin import CONSULTANTS_GROUP

    users = get_user_model().objects.filter(
        is_active=True, is_staff=True, groups__name=CONSULTANTS_GROUP
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))
