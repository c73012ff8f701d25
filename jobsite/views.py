import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobsite import pagecache
from listings.models import City, Occupation, Vacancy

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    newest = Vacancy.objects.live().for_lists().order_by("-published_at", "-id")[:10]
    popular_occupations = Occupation.objects.filter(career_profiles__status="published").distinct()[:12]
    popular_cities = City.objects.order_by("-population")[:12]
    response = render(
        request,
        "home.html",
        {
            "newest": newest,
            "popular_occupations": popular_occupations,
            "popular_cities": popular_cities,
        },
    )
    return pagecache.cacheable(response)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon itself
    is a hashed static file, so it is a redirect that may be cached a day."""
    response = HttpResponseRedirect(static("img/favicon.svg"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response


def robots_txt(request):
    from django.conf import settings

    lines = [
        "User-agent: *",
        "Disallow: /arbeitgeber/",
        "Disallow: /jobalarm/",
        "Disallow: /admin/",
        "Disallow: /merkliste/",
        # The apply-click counter only redirects; crawling it would count clicks.
        "Disallow: /jobs/*/bewerben/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def render_error(request, status, *, headers=None):
    """One of our error pages (templates/<status>.html) in the site's layout."""
    response = render(request, f"{status}.html", status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(status):
    def view(request, exception=None):
        return render_error(request, status)

    return view


bad_request = _error(400)
permission_denied = _error(403)
page_not_found = _error(404)


def csrf_failure(request, reason=""):
    # Usually an expired form; our 403 page tells the visitor to reload.
    return render_error(request, 403)


def server_error(request):
    try:
        return render_error(request, 500)
    except Exception:
        # The template layer itself may be what failed; answer in plain HTML then.
        logger.exception("Rendering the 500 page failed")
        return HttpResponseServerError(PLAIN_500, content_type="text/html; charset=utf-8")


PLAIN_500 = (
    '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Serverfehler – jobsite</title></head><body><main>"
    "<h1>Serverfehler</h1><p>Etwas ist bei uns schiefgegangen. Bitte versuchen Sie es in Kürze erneut.</p>"
    '<p><a href="/jobs/">Zur Jobsuche</a></p></main></body></html>'
)


def ratelimited(request, exception=None):
    return render_error(request, 429, headers={"Retry-After": "60"})
