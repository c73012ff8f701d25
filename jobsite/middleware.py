import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, QueryDict
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from jobsite.text import strip_control_chars

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# Last resort when even the template layer needs the database (or fails).
PLAIN_503 = (
    '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Vorübergehend nicht erreichbar – jobsite</title></head><body><main>"
    "<h1>Vorübergehend nicht erreichbar</h1>"
    "<p>Wir haben gerade technische Schwierigkeiten. Bitte versuchen Sie es in wenigen Minuten erneut.</p>"
    "</main></body></html>"
)


def is_database_outage(exception):
    """True for errors that mean "the database cannot be reached", not for
    ordinary query errors (an IntegrityError is a bug or a race, not an outage)."""
    if isinstance(exception, (OperationalError, InterfaceError)):
        return True
    return isinstance(exception, DatabaseError) and "connection" in str(exception).lower()


def _note_outage(sender, request=None, **kwargs):
    # Django turns an exception raised inside a middleware (the session
    # middleware, the flat-page fallback) into a 500 before an outer
    # middleware sees it; this receiver runs inside that except block and
    # marks the request so that DatabaseUnavailableMiddleware can answer 503.
    if request is not None and is_database_outage(sys.exc_info()[1]):
        request._database_unavailable = True


got_request_exception.connect(_note_outage, dispatch_uid="jobsite.middleware.note_outage")


def _with_page_headers(request, response):
    """CSP and X-Frame-Options for a response made outside those middlewares."""
    for middleware_class in (XFrameOptionsMiddleware, ContentSecurityPolicyMiddleware):
        response = middleware_class(HttpResponse).process_response(request, response)
    return response


def _render_safely(request, template, status, context=None):
    # No messages and no user in the context: both can mean a session read,
    # which is the very database query that may be failing.
    context = {"messages": [], "user": None, "perms": None, **(context or {})}
    try:
        content = render_to_string(template, context, request=request)
    except Exception:
        logger.exception("Rendering %s failed", template)
        return None
    return HttpResponse(content, status=status)


def database_unavailable_response(request):
    for conn in connections.all(initialized_only=True):
        # A broken connection is dropped now, so the next request reconnects:
        # the site recovers without a restart when the database is back.
        try:
            conn.close_if_unusable_or_obsolete()
        except Exception:
            logger.exception("Closing a broken database connection failed")
    response = _render_safely(request, "503.html", 503, {"title": _("Vorübergehend nicht erreichbar")})
    if response is None:
        response = HttpResponse(PLAIN_503, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _lost_connection():
    """True when a connection failed during this request and is still down,
    even if the error itself was swallowed: a template's
    `{% if user.is_authenticated %}` hides it and would render a logged-in
    employer's page as if nobody were logged in."""
    for conn in connections.all(initialized_only=True):
        if conn.errors_occurred and (conn.connection is None or not conn.is_usable()):
            return True
    return False


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a friendly 503 with Retry-After
    instead of a 500 or a half-working page: for errors in views and
    template rendering (process_exception), for errors in the middlewares it
    wraps (the session and authentication middlewares, the flat-page
    fallback), and for outage errors something swallowed on the way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for conn in connections.all(initialized_only=True):
            if conn.connection is None:
                # A failure of an earlier request; this one tries afresh.
                conn.errors_occurred = False
        response = self.get_response(request)
        if response.status_code == 503:
            return response  # ours already, or the health check's own
        if (response.status_code == 500 and getattr(request, "_database_unavailable", False)) or (
            _lost_connection()
        ):
            response = _with_page_headers(request, database_unavailable_response(request))
        return response

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            logger.warning("Database unavailable: %s", exception)
            return database_unavailable_response(request)
        return None


def _clean_querydict(data):
    """A copy of the QueryDict with control characters removed from every
    value and key, or the same object when there was nothing to remove."""
    dirty = any(
        strip_control_chars(key) != key or any(strip_control_chars(v) != v for v in values)
        for key, values in data.lists()
    )
    if not dirty:
        return data
    clean = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean.setlist(strip_control_chars(key), [strip_control_chars(v) for v in values])
    clean._mutable = False
    return clean


class RequestGuardMiddleware:
    """Input limits before any view runs:

    - a body larger than REQUEST_MAX_BODY_SIZE is refused with a 413 page
      before it is read (Django's own DATA_UPLOAD_MAX_MEMORY_SIZE caps only
      form fields, not uploaded files);
    - control characters (NUL, ESC, …; tab and line breaks stay) are removed
      from every GET and form value, so no view stores them and no feed or
      mail header breaks on them.

    Sits innermost, so its 413 page passes through the CSP and frame-options
    middlewares like any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BODY_SIZE:
            return self.too_large(request)
        request.GET = _clean_querydict(request.GET)
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            try:
                request.POST = _clean_querydict(request.POST)
            except RequestDataTooBig:
                return self.too_large(request)
        return self.get_response(request)

    def too_large(self, request):
        # The body is never read. (No "Connection: close" here: WSGI forbids
        # hop-by-hop headers; the server in front decides about keep-alive.)
        response = _render_safely(request, "413.html", 413, {"max_size": settings.REQUEST_MAX_BODY_SIZE})
        if response is None:
            response = HttpResponse(_("Die Anfrage ist zu groß."), status=413, content_type="text/plain")
        return response


class ErrorPageMiddleware:
    """Django answers a wrong HTTP method (require_POST, a View without the
    handler) with a bare HttpResponseNotAllowed, and HttpResponseGone is just
    as empty. Those get our own page in the site's layout here; responses that
    already carry a body (e.g. an expired vacancy's 410 page) are left alone."""

    STATUSES = {405, 410}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in self.STATUSES
            and not getattr(response, "streaming", False)
            and not response.content
        ):
            from jobsite.views import render_error

            headers = {"Allow": response["Allow"]} if response.has_header("Allow") else None
            response = render_error(request, response.status_code, headers=headers)
        return response


class ClientAddressMiddleware:
    """Behind a reverse proxy every request comes from the proxy's address,
    so per-client rate limits would throttle all visitors together. With
    TRUSTED_PROXY_HOPS = n (the number of proxies in front of us, set by the
    operator), the client is the n-th address from the right of
    X-Forwarded-For; addresses further left are the client's own claims and
    are ignored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hops = settings.TRUSTED_PROXY_HOPS
        if hops:
            forwarded = [
                a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
            ]
            if len(forwarded) >= hops:
                request.META["REMOTE_ADDR"] = forwarded[-hops]
        return self.get_response(request)
