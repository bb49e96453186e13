"""Client pages rendered once and served again while nothing they show has
changed: a questionnaire step, the team plan, and which stored PDF is the
plan's.

Template rendering is almost all of these pages' time (crispy-forms renders a
template per field and per radio button; the plan has many loops), and
building the ORM's queries most of the rest, while the data behind them
changes only when the client saves or a consultant reviews.

Freshness is read, not remembered: ``stored_state`` reads every stored value
a client page can show (the assessment's row, its organisation's, its drafts,
its consultant's name, its origin's date, the active cost table) in one query
written in SQL, cheaper than the ORM's own, and a page is served again only
while that digest, its URL and its host are the same. No version has to be
bumped by every write, so no write can forget to.

Each page keeps a placeholder where each CSRF token goes, and every response
gets its own token there, as an uncached page would: a cached page never
carries another visitor's token.

The cache is a LocMemCache, one per process (settings, ``"rendered"``), on
purpose: a page also depends on code (question labels, the engine) that no
key names, so it must not outlive the process that rendered it, as a cache
shared across a deploy would let it.
"""

import hashlib
import secrets
import uuid
import weakref
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.db import ProgrammingError, connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from assessments import report
from assessments.choices import Status

# Random per process, so no answer can contain it by design.
_CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"


@dataclass(frozen=True)
class StoredState:
    """What ``stored_state`` read: a digest, and the few values a page needs
    before its own queries (whether it is submitted; its peers' group)."""

    digest: str
    submitted: bool
    stage: str | None
    ai_focus: str
    lineage: uuid.UUID


# What a client page can show, beyond the assessment's and its
# organisation's whole rows (so a column added later is read without a change
# here) and its steps' drafts.
_SHOWN = """u.username, u.first_name, u.last_name, origin.submitted_at,
       c.currency, c.yearly_cost"""
# At most one cost table is active (a constraint), so its join adds no rows.
_FROM = """
FROM assessments_assessment a
LEFT JOIN assessments_organization o ON o.id = a.organization_id
LEFT JOIN auth_user u ON u.id = a.assigned_to_id
LEFT JOIN assessments_assessment origin ON origin.id = a.copied_from_id
LEFT JOIN assessments_costassumptions c ON c.active"""

# In SQL: building it with the ORM would cost more than running it, on every
# request. Table names are Django's defaults; a test checks them against the
# models. Two renderings of the same reads: PostgreSQL digests the rows
# itself, so a digest crosses the wire instead of every column; SQLite
# returns the rows, digested here.
POSTGRESQL_STATE_SQL = f"""
SELECT a.status, o.stage, a.ai_focus, a.lineage,
       encode(sha256(convert_to(ROW(a, o, {_SHOWN}, ARRAY(
           SELECT ROW(d.section, d.data) FROM assessments_sectiondraft d
           WHERE d.assessment_id = a.id ORDER BY d.section))::text, 'UTF8')), 'hex')
{_FROM}
WHERE a.token = $1
"""  # noqa: S608 (built from the constants above only)
STATE_SQL = f"""
SELECT a.status, o.stage, a.ai_focus, a.lineage,
       a.*, o.*, {_SHOWN}, d.section, d.data
{_FROM}
LEFT JOIN assessments_sectiondraft d ON d.assessment_id = a.id
WHERE a.token = %s
ORDER BY d.section
"""

# PostgreSQL connections that hold POSTGRESQL_STATE_SQL prepared. Planning
# its five tables costs PostgreSQL more than running it, on every request;
# prepared, it is planned once per connection. A prepared statement outlives
# a rolled-back transaction and goes with its connection; one lost anyway (a
# pooler that resets sessions) is prepared again. Behind a pooler in
# transaction mode, turn TEAMADVISOR_PREPARED_STATEMENTS off.
_prepared = weakref.WeakSet()


def _prepare(raw) -> None:
    raw.execute("PREPARE teamadvisor_page_state(text) AS " + POSTGRESQL_STATE_SQL)
    _prepared.add(raw)


def _state_rows(token: str) -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(STATE_SQL, [token])
            return cursor.fetchall()
        if not settings.TEAMADVISOR_PREPARED_STATEMENTS:
            cursor.execute(POSTGRESQL_STATE_SQL.replace("$1", "%s"), [token])
            return cursor.fetchall()
        raw = connection.connection
        if raw not in _prepared:
            # On the driver's own connection: set-up, once per connection,
            # not one of the page's queries, which tests count.
            _prepare(raw)
        execute = "EXECUTE teamadvisor_page_state(%s)"
        try:
            cursor.execute(execute, [token])
        except ProgrammingError:
            if connection.in_atomic_block:  # the transaction is lost: say so
                raise
            _prepare(raw)
            cursor.execute(execute, [token])
        return cursor.fetchall()


def stored_state(token: str) -> StoredState | None:
    """Every stored value a client page of ``token`` can show, as a digest;
    None if no assessment has this token."""
    rows = _state_rows(token)
    if not rows:
        return None
    status, stage, ai_focus, lineage = rows[0][:4]
    return StoredState(
        digest=hashlib.sha256(repr(rows).encode()).hexdigest(),
        submitted=status != Status.DRAFT,
        stage=stage,
        ai_focus=ai_focus,
        lineage=uuid.UUID(str(lineage)),  # SQLite gives its hex digits
    )


def _key(kind: str, *parts: object) -> str:
    content = repr((report.LAYOUT_VERSION, *parts))
    return f"{kind}:{hashlib.sha256(content.encode()).hexdigest()}"


# The query parameters client pages read: ?from=review on a step, ?link=sent
# after the private link was mailed. A URL with any other is rendered and
# never kept, so made-up query strings cannot crowd real pages out.
PAGE_PARAMETERS = {"from", "link"}


def _page_key(request: HttpRequest, state: StoredState, extra: tuple) -> str | None:
    if not PAGE_PARAMETERS.issuperset(request.GET):
        return None
    # The private link on each page shows the scheme and host it was asked on.
    url = (
        request.scheme,
        request.get_host(),
        request.path,
        sorted(request.GET.lists()),
    )
    return _key("page", *url, state.digest, extra)


def _with_token(request: HttpRequest, html: str) -> HttpResponse:
    return HttpResponse(html.replace(_CSRF_SLOT, get_token(request)))


def cached_page(
    request: HttpRequest, state: StoredState, extra: tuple = ()
) -> HttpResponse | None:
    """The page kept for this URL and host in ``state``, if there is one.

    ``extra`` holds what else the page shows that ``state`` does not read
    (the report's peer figures)."""
    key = _page_key(request, state, extra)
    html = None if key is None else caches["rendered"].get(key)
    return None if html is None else _with_token(request, html)


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict,
    *,
    token: str,
    state: StoredState,
    extra: tuple = (),
) -> HttpResponse:
    """Render a page and keep it for ``cached_page``.

    ``state`` was read before the page's own queries; it is read again after
    rendering, and the page is kept only if nothing changed meanwhile, so a
    page is never kept under a state it does not show.
    """
    html = render_to_string(
        template_name, {**context, "csrf_token": _CSRF_SLOT}, request
    )
    key = _page_key(request, state, extra)
    if key is not None and stored_state(token) == state:
        caches["rendered"].set(key, html)
    return _with_token(request, html)


def recall(kind: str, token: str, state: StoredState):
    """What ``keep`` kept for ``token`` in ``state``, or None."""
    return caches["rendered"].get(_key(kind, token, state.digest))


def keep(kind: str, token: str, state: StoredState, value) -> None:
    """Keep ``value``, worked out from the rows ``state`` read (e.g. which
    stored PDF is the plan's), if they still hold what they held."""
    if stored_state(token) == state:
        caches["rendered"].set(_key(kind, token, state.digest), value)


def form_fields(form: forms.Form) -> SafeString:
    """A step's fields, as crispy-forms renders them.

    An unbound form's HTML follows from its class and the value each field
    shows: labels, help texts and choices come from the questions, fixed per
    class. So the first visit of a step, still empty for every new client, is
    rendered once for all of them. A bound form shows the client's errors and
    is rendered each time.
    """

    def render() -> SafeString:
        return render_to_string("assessments/_fields.html", {"form": form})

    if form.is_bound:
        return render()
    key = _key("fields", type(form).__qualname__, [(f.name, f.value()) for f in form])
    fields = caches["rendered"]
    html = fields.get(key)
    if html is None:
        html = render()
        fields.set(key, html)
    return html
