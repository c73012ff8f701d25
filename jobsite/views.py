from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from listings.models import City, Occupation, Vacancy


@require_GET
def home(request):
    newest = (
        Vacancy.objects.live()
        .select_related("company", "city", "occupation")
        .order_by("-published_at", "-id")[:10]
    )
    popular_occupations = Occupation.objects.filter(career_profiles__status="published").distinct()[:12]
    popular_cities = City.objects.order_by("-population")[:12]
    return render(
        request,
        "home.html",
        {
            "newest": newest,
            "popular_occupations": popular_occupations,
            "popular_cities": popular_cities,
        },
    )


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


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


def _error(template, status):
    def view(request, exception=None):
        return render(request, template, status=status)

    return view


bad_request = _error("400.html", 400)
permission_denied = _error("403.html", 403)
page_not_found = _error("404.html", 404)


def server_error(request):
    return render(request, "500.html", status=500)


def ratelimited(request, exception=None):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
