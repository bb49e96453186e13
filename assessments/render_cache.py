"""Client pages rendered once and served again while nothing they show has
changed: a questionnaire step, the team plan.

Template rendering is almost all of these pages' time (crispy-forms renders a
template per field and per radio button; the plan has many loops), while the
data behind them changes only when the client saves or a consultant reviews.

Two layers, both keyed by content, never by a version someone must remember
to bump:

- a whole page (``cached_page``), keyed by the URL with its query string, the
  host (the private link shows it) and the state of every row it shows;
- a step's fields (``form_fields``), keyed by the values they show, so the
  first visit of a step, still empty for every new client, is rendered once for
  all of them.

A page holds a placeholder where each CSRF token goes, and every response
gets its own token in its place, as an uncached page would: a cached page
never carries another visitor's token.

The cache is a LocMemCache, one per process (settings, ``"rendered"``), on
purpose: what is rendered also depends on code (question labels, the engine)
that no key names, so it must not outlive the process that rendered it, as a
cache shared across a deploy would let it.
"""

import hashlib
import secrets
from collections.abc import Callable

from django import forms
from django.core.cache import caches
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from assessments.report import LAYOUT_VERSION

# Random per process, so no answer can contain it by design.
_CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"


def _key(kind: str, *parts: object) -> str:
    content = repr((LAYOUT_VERSION, *parts))
    return f"{kind}:{hashlib.sha256(content.encode()).hexdigest()}"


def _cached(key: str, render) -> SafeString:
    cache = caches["rendered"]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html)
    return html


def row_state(*rows: models.Model | None) -> tuple:
    """Every stored value of ``rows``: a page showing only these rows (and
    what follows from them) is the same page while this is the same."""
    return tuple(
        None
        if row is None
        else (
            row._meta.label,
            *(getattr(row, f.attname) for f in row._meta.concrete_fields),
        )
        for row in rows
    )


def cached_page(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict],
    *,
    state: tuple,
) -> HttpResponse:
    """``template_name`` rendered with ``context()``, or the copy rendered for
    an earlier request with the same URL, host and ``state``; ``context`` is
    called only to render.

    ``state`` must hold everything the page shows that its URL does not name:
    ``row_state`` of the rows, and any figure read from elsewhere.
    """
    key = _key(
        "page",
        template_name,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        state,
    )
    html = _cached(
        key,
        lambda: render_to_string(
            template_name, {**context(), "csrf_token": _CSRF_SLOT}, request
        ),
    )
    return HttpResponse(html.replace(_CSRF_SLOT, get_token(request)))


def form_fields(form: forms.Form) -> SafeString:
    """A step's fields, as crispy-forms renders them.

    An unbound form's HTML follows from its class and the value each field
    shows: labels, help texts and choices come from the questions, fixed per
    class. A bound form shows the client's errors and is rendered each time.
    """

    def render() -> SafeString:
        return render_to_string("assessments/_fields.html", {"form": form})

    if form.is_bound:
        return render()
    shown = [(field.name, field.value()) for field in form]
    return _cached(_key("fields", type(form).__qualname__, shown), render)
