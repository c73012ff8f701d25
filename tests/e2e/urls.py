"""The site's URLs plus views that fail on purpose, so the browser tests can
see every error page as a visitor would."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpResponse, HttpResponseGone
from django.urls import path
from django.views.decorators.http import require_POST

from jobsite import urls as site_urls
from jobsite.views import ratelimited


def bad_request(request):
    raise SuspiciousOperation("Kaputte Anfrage")


def forbidden(request):
    raise PermissionDenied


@require_POST
def post_only(request):
    return HttpResponse("ok")


def gone(request):
    return HttpResponseGone()


def too_many(request):
    return ratelimited(request)


def server_error(request):
    raise RuntimeError("Absichtlicher Fehler für den Test")


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


urlpatterns = [
    path("fehler/400/", bad_request),
    path("fehler/403/", forbidden),
    path("fehler/405/", post_only),
    path("fehler/410/", gone),
    path("fehler/429/", too_many),
    path("fehler/500/", server_error),
    path("fehler/503/", database_down),
    *site_urls.urlpatterns,
]

handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500
