"""Client-facing pages: no login, the private link is the key.

Thin views: load the assessment, call a service, render.
"""

import contextlib
import ipaddress

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.decorators.vary import vary_on_headers

from assessments import render_cache, services
from assessments.advice import AnswersInvalid, answer_warnings
from assessments.answers_file import assessment_answers
from assessments.compare import compare as compare_reports
from assessments.flow import (
    SECTIONS,
    STEP_TITLES,
    answer_rows,
    question_for_path,
    saved_values,
    section_by_key,
    section_for_path,
)
from assessments.forms import PrivateLinkForm, typed_values
from assessments.models import Assessment, SectionDraft
from assessments.pdf import stored_name, stored_report_pdf
from assessments.peers import PeerProfile, beside_yours, peer_profile
from assessments.render_cache import StoredState
from assessments.report import Report
from assessments.selectors import (
    assessment_report,
    joined_cost_table,
    with_active_costs,
)
from assessments.what_if import explore


def _get_assessment(token: str, *related: str) -> Assessment:
    """The assessment of a private link, with its organisation and the
    ``related`` rows a page shows (its consultant, on a submitted plan's).

    Nothing more is joined: each joined row adds its columns to every query of
    every page. A copy's origin is loaded by the pages that name its date.
    """
    return get_object_or_404(
        Assessment.objects.select_related("organization", *related), token=token
    )


def _get_with_drafts(token: str) -> tuple[Assessment, dict[str, dict]]:
    """The assessment of a private link and its steps' drafts (section key ->
    what was typed). Whether there are any is read with the assessment, so
    the usual page, with none, takes one query."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("organization").annotate(
            has_drafts=Exists(SectionDraft.objects.filter(assessment=OuterRef("pk")))
        ),
        token=token,
    )
    if not assessment.has_drafts:
        return assessment, {}
    return assessment, dict(assessment.section_drafts.values_list("section", "data"))


def _get_submitted_plan(token: str) -> tuple[Assessment, Report | None]:
    """The assessment of a private link and, once submitted, its team plan,
    priced with the active cost table read by the same query."""
    assessment = get_object_or_404(
        with_active_costs(
            Assessment.objects.select_related("organization", "assigned_to")
        ),
        token=token,
    )
    if assessment.is_draft:
        return assessment, None
    return assessment, assessment_report(
        assessment, costs=joined_cost_table(assessment)
    )


def _progress(assessment: Assessment, step_index: int, unfinished: set[str]) -> dict:
    """The progress bar: each step a link once the client may open it (every
    saved section, the next one, the review once all are saved), except the
    current one. ``unfinished``: the keys of sections with a draft."""
    steps = []
    for index, title in enumerate(STEP_TITLES):
        if index < len(SECTIONS):
            key = SECTIONS[index].key
            url = reverse("assessments:section", args=[assessment.token, key])
            reachable = index <= assessment.sections_saved
        else:
            key, url = "review", reverse("assessments:review", args=[assessment.token])
            reachable = assessment.sections_saved >= len(SECTIONS)
        steps.append(
            {
                "text": f"{index + 1}. {title}",
                "current": index == step_index,
                "url": url if reachable and index != step_index else None,
                "unfinished": key in unfinished,
                "done": index < assessment.sections_saved and key not in unfinished,
            }
        )
    return {
        "steps": steps,
        "step_index": step_index,
        "step_number": step_index + 1,
        "step_count": len(STEP_TITLES),
        "current_title": STEP_TITLES[step_index],
    }


def _resume_url(assessment: Assessment) -> str:
    if not assessment.is_draft:
        return assessment.get_absolute_url()
    if assessment.sections_saved >= len(SECTIONS):
        return reverse("assessments:review", args=[assessment.token])
    next_key = SECTIONS[assessment.sections_saved].key
    return reverse("assessments:section", args=[assessment.token, next_key])


@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            assessment = services.assessment_start(address=client_address(request))
        except services.TooManyStarts:
            return render(request, "assessments/too_many.html", status=429)
        return redirect("assessments:section", assessment.token, SECTIONS[0].key)
    return render(request, "assessments/start.html", {"sections": SECTIONS})


def client_address(request: HttpRequest) -> str:
    """The client's address for rate limits and login lockouts, trusting only
    the proxies we run ourselves. An IPv6 client is its /64 (as its first
    address): one home or office network is given a /64 and can rotate
    freely inside it."""
    hops = settings.TEAMADVISOR_PROXY_HOPS
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if hops and len(forwarded) >= hops:
        address = forwarded[-hops]
    else:
        address = request.META.get("REMOTE_ADDR", "")
    return _network(address)


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address  # kept as given: still one key per value
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)  # the same client as its IPv4 address
    if ip.version == 6:
        # The /64's first address: still an address, as django-axes stores it.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and as the load test's ceiling: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def _stored_state(token: str) -> StoredState:
    state = render_cache.stored_state(token)
    if state is None:
        raise Http404("No assessment has this link")
    return state


def _peer_figures(state: StoredState) -> PeerProfile | None:
    """The peer figures a submitted plan's page shows, as its cache key
    names them: the client's own headcount beside them is in ``state``."""
    if not state.submitted or state.stage is None:
        return None
    return peer_profile(
        state.stage, state.ai_focus or None, exclude_lineage=state.lineage
    )


@require_safe
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The private link: the next section of a draft, the team plan once submitted."""
    state = _stored_state(token)
    figures = _peer_figures(state)
    if state.submitted:
        cached = render_cache.cached_page(request, state, (figures,))
        if cached is not None:
            return cached
    assessment, report = _get_submitted_plan(token)
    if report is None:
        return redirect(_resume_url(assessment))
    context = {
        "assessment": assessment,
        "report": report,
        # The figures the key names, not read again: they may change between.
        "peers": beside_yours(figures, assessment),
        "pdf_filename": pdf_filename(assessment.organization.name),
    }
    return render_cache.render_page(
        request,
        "assessments/report.html",
        context,
        token=token,
        state=state,
        extra=(figures,),
    )


def _pdf_response(name: str, filename: str) -> FileResponse:
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


def pdf_filename(organization_name: str) -> str:
    """The name a plan's PDF downloads as, without ".pdf"."""
    return f"team-plan-{slugify(organization_name) or 'teamadvisor'}"


@require_safe
def stored_pdf(
    request: HttpRequest, token: str, revision: str, filename: str
) -> HttpResponse:
    """A plan's PDF by its revision, as the report page links to it. No
    query: the stored file is the proof, its name holds the private link's
    token and the revision of everything the plan shows. A revision that is
    not stored (the plan changed since, or its PDF is not rendered yet) leads
    to the plan's current PDF."""
    try:
        return _pdf_response(stored_name(token, revision), f"{filename}.pdf")
    except FileNotFoundError:
        return redirect("assessments:report_pdf", token)


@require_safe
def report_pdf(request: HttpRequest, token: str) -> HttpResponse:
    state = _stored_state(token)
    kept = render_cache.recall("pdf", token, state) if state.submitted else None
    if kept is not None:
        with contextlib.suppress(FileNotFoundError):  # removed since: render it
            return _pdf_response(*kept)
    assessment, report = _get_submitted_plan(token)
    if report is None:
        return redirect(_resume_url(assessment))
    name = stored_report_pdf(report, key=assessment.token)
    filename = f"{pdf_filename(assessment.organization.name)}.pdf"
    # Which file is the plan's, kept while the plan's rows stay as they are.
    render_cache.keep("pdf", token, state, (name, filename))
    return _pdf_response(name, filename)


@require_http_methods(["GET", "HEAD", "POST"])
def section(request: HttpRequest, token: str, key: str) -> HttpResponse:
    # GET and HEAD only: a POST changes what the state describes.
    state = _stored_state(token) if request.method != "POST" else None
    if state is not None:
        cached = render_cache.cached_page(request, state)
        if cached is not None:
            return cached
    assessment, drafts = _get_with_drafts(token)
    found = section_by_key(key)
    if found is None:
        raise Http404("No such section")
    index, current = found
    if not assessment.is_draft or index > assessment.sections_saved:
        # Locked, or a section further than the client has reached.
        return redirect(_resume_url(assessment))

    # "Change" on the review page: saving leads back there.
    review_open = assessment.sections_saved >= len(SECTIONS)
    from_review = review_open and request.GET.get("from") == "review"
    typed = drafts.get(current.key)

    def page(form: forms.Form) -> dict:
        return {
            "assessment": assessment,
            "section": current,
            "form": form,
            "fields": render_cache.form_fields(form),
            "previous": SECTIONS[index - 1] if index > 0 else None,
            "from_review": from_review,
            # Left unfinished earlier: shown as typed, checked when saved.
            "shows_draft": request.method != "POST" and typed is not None,
            **_progress(assessment, index, set(drafts)),
        }

    if state is not None:  # GET, or HEAD: the same page without its body
        return render_cache.render_page(
            request,
            "assessments/section.html",
            page(current.make_form(assessment, typed=typed)),
            token=token,
            state=state,
        )
    form = current.make_form(assessment, request.POST)
    action = request.POST.get("action")
    try:
        if form.is_valid():
            services.assessment_save_section(
                assessment=assessment,
                section_key=current.key,
                values=form.cleaned_data,
            )
            drafts.pop(current.key, None)
        else:
            # Kept as typed, to be flagged when the step is next submitted:
            # going back or leaving loses nothing and is never refused.
            typed = drafts[current.key] = typed_values(form)
            services.assessment_keep_section_draft(
                assessment=assessment, section_key=current.key, data=typed
            )
    except services.NotADraft:  # submitted from another tab meanwhile
        return redirect(assessment.get_absolute_url())
    if action == "back" and index > 0:
        return redirect("assessments:section", token, SECTIONS[index - 1].key)
    if form.is_valid():
        if from_review or index + 1 >= len(SECTIONS):
            return redirect("assessments:review", token)
        return redirect("assessments:section", token, SECTIONS[index + 1].key)
    return render(request, "assessments/section.html", page(form))


@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, token: str) -> HttpResponse:
    assessment, drafts = _get_with_drafts(token)
    if not assessment.is_draft or assessment.sections_saved < len(SECTIONS):
        return redirect(_resume_url(assessment))

    unfinished = set(drafts)
    errors, warnings = [], ()
    try:
        answers = assessment_answers(assessment)
    except AnswersInvalid as invalid:
        errors = [
            {
                "message": error.message,
                "section": section_for_path(error.field),
                "question": question_for_path(error.field),
            }
            for error in invalid.errors
        ]
    else:
        if request.method == "POST":
            # A double click: the first request submits, the second finds it
            # done. Answers changed meanwhile in another tab: the redirect leads
            # back here, where the errors show.
            with contextlib.suppress(services.NotADraft, AnswersInvalid):
                services.assessment_submit(assessment=assessment)
            return redirect(assessment.get_absolute_url())
        warnings = answer_warnings(answers)
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "answers": answer_rows(saved_values(assessment)),
            "errors": errors,
            "warnings": warnings,
            # Steps left with answers their form refused: they wait there, as
            # typed. Submitting goes ahead with the saved answers.
            "unfinished": [s for s in SECTIONS if s.key in unfinished],
            **_progress(assessment, len(SECTIONS), unfinished),
        },
        status=400 if errors and request.method == "POST" else 200,
    )


@require_POST
def copy(request: HttpRequest, token: str) -> HttpResponse:
    assessment = _get_assessment(token)
    if assessment.is_draft:
        return redirect(_resume_url(assessment))
    try:
        new = services.assessment_copy(
            assessment=assessment, address=client_address(request)
        )
    except services.TooManyStarts:
        return render(request, "assessments/too_many.html", status=429)
    return redirect("assessments:review", new.token)


def _step_url(assessment: Assessment, step: str, *, from_review: bool) -> str:
    """The questionnaire page ``step`` names: a section key, or "review";
    a section opened from the review keeps leading back there."""
    if step == "review":
        return reverse("assessments:review", args=[assessment.token])
    if section_by_key(step) is not None:
        url = reverse("assessments:section", args=[assessment.token, step])
        return f"{url}?from=review" if from_review else url
    return _resume_url(assessment)


@require_POST
def send_link(request: HttpRequest, token: str) -> HttpResponse:
    """The "send me my private link" form posts here. The answer is the same
    whatever the address: only its form is checked."""
    assessment = _get_assessment(token)
    step = request.POST.get("step", "")
    from_review = request.POST.get("from") == "review"
    back = _step_url(assessment, step, from_review=from_review)
    form = PrivateLinkForm(request.POST)
    context = {
        "assessment": assessment,
        "link_form": form,
        "step": step,
        "from_review": from_review,
        "back": back,
    }
    if not form.is_valid():
        return render(request, "assessments/send_link.html", context, status=400)
    try:
        services.private_link_send(
            assessment=assessment,
            to=form.cleaned_data["email"],
            address=client_address(request),
        )
    except services.TooManyLinkMails:
        context["too_many"] = True
        return render(request, "assessments/send_link.html", context, status=429)
    separator = "&" if "?" in back else "?"
    return redirect(f"{back}{separator}link=sent#send-link")


# The what-if page's script sends this header to get only the part it swaps in.
WHAT_IF_FRAGMENT_HEADER = "TeamAdvisor-Fragment"


@require_safe
@cache_control(private=True, no_store=True)
@vary_on_headers(WHAT_IF_FRAGMENT_HEADER)
def what_if(request: HttpRequest, token: str) -> HttpResponse:
    """The plan recomputed for other answers given in the query; saves nothing."""
    assessment = _get_assessment(token, "assigned_to")
    if assessment.is_draft:
        return redirect(_resume_url(assessment))
    report = assessment_report(assessment, costs=None)
    if report.first_edition:
        raise Http404("First-edition plans have no what-if explorer")
    template = (
        "assessments/_what_if_panel.html"
        if request.headers.get(WHAT_IF_FRAGMENT_HEADER)
        else "assessments/what_if.html"
    )
    context = {
        "assessment": assessment,
        "report": report,
        "exploration": explore(report, request.GET),
    }
    return render(request, template, context)


@require_safe
def compare(request: HttpRequest, token: str) -> HttpResponse:
    """A submitted copy's plan beside the plan of the assessment it copied.

    Only the copy's link opens it, and the earlier assessment's own link is
    never shown: whoever holds the copy sees the earlier answers and advice,
    which the copy started from anyway, but cannot act on the earlier one.
    """
    assessment = _get_assessment(token, "assigned_to")
    if assessment.is_draft:
        return redirect(_resume_url(assessment))
    earlier = assessment.copied_from
    if earlier is None or earlier.is_draft:
        raise Http404("Not a copy of a submitted assessment")
    # Cost tables change over time; the comparison is of people, not money.
    earlier_report = assessment_report(earlier, costs=None)
    report = assessment_report(assessment, costs=None)
    return render(
        request,
        "assessments/compare.html",
        {
            "assessment": assessment,
            "earlier": earlier,
            "report": report,
            "comparison": compare_reports(earlier_report, report),
        },
    )
