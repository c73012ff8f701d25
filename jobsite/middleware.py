from django.db import DatabaseError, InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a friendly 503 with Retry-After
    instead of a bare 500. Django reconnects on the next request by itself,
    so the site recovers without a restart when the database returns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            from django.db import connections

            for conn in connections.all(initialized_only=True):
                conn.close_if_unusable_or_obsolete()
            response = render(
                request,
                "503.html",
                {"title": _("Vorübergehend nicht erreichbar")},
                status=503,
            )
            response["Retry-After"] = "30"
            return response
        return None


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
