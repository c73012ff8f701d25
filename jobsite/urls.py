from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.flatpages import views as flatpage_views
from django.urls import include, path

from jobsite import views
from listings import sitemaps
from profiles.sitemaps import CareerProfileSitemap, CityHubSitemap, OccupationHubSitemap

SITEMAPS = {
    "stellen": sitemaps.VacancySitemap,
    "unternehmen": sitemaps.CompanySitemap,
    "berufsprofile": CareerProfileSitemap,
    "berufe": OccupationHubSitemap,
    "orte": CityHubSitemap,
}

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Sitemaps of both apps meet here (listings never imports profiles).
    path("sitemap.xml", sitemaps.sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps.sitemap_section,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Legal pages are flat pages editors maintain in the admin; named for the footer.
    path("impressum/", flatpage_views.flatpage, {"url": "/impressum/"}, name="impressum"),
    path("datenschutz/", flatpage_views.flatpage, {"url": "/datenschutz/"}, name="datenschutz"),
    path("", include("listings.urls")),
    path("", include("profiles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "jobsite.views.bad_request"
handler403 = "jobsite.views.permission_denied"
handler404 = "jobsite.views.page_not_found"
handler500 = "jobsite.views.server_error"
