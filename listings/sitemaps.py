"""Sitemaps for crawlers. A million live vacancies need twenty 50,000-URL
pages; each page reads only its own slice of plain values, never model
objects for the whole table. URLs are built from SITE_URL, not from the
request's host, so a crawler reaching us through another name still gets
the canonical addresses."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date

from listings.models import Company, Vacancy

# The sitemaps protocol's limit per file: https://www.sitemaps.org/protocol.html
URLS_PER_PAGE = 50_000


class _StreamingPaginator(Paginator):
    # Iterating a page's slice with .iterator() keeps Django from caching
    # the fetched rows a second time next to the URL list it builds.
    def _get_page(self, object_list, number, paginator):
        if hasattr(object_list, "iterator"):
            object_list = object_list.iterator(chunk_size=2000)
        return super()._get_page(object_list, number, paginator)


class SiteSitemap(Sitemap):
    limit = URLS_PER_PAGE

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    @property
    def paginator(self):
        return _StreamingPaginator(self._items(), self.limit)

    def latest_lastmod_query(self):
        """Newest lastmod of the whole section in one query, or None.
        (Django's default would call lastmod() on every item.)"""
        return None

    def get_latest_lastmod(self):
        return self.latest_lastmod_query()


class VacancySitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Vacancy.objects.live().order_by("pk").values("pk", "slug", "updated_at")

    def location(self, item):
        # One reverse() per sitemap instead of 50,000: the path differs only
        # by id and slug.
        if not hasattr(self, "_path_template"):
            self._path_template = reverse(
                "listings:vacancy_detail", kwargs={"pk": 4242424242, "slug": "slug-placeholder"}
            ).replace("4242424242-slug-placeholder", "{pk}-{slug}")
        return self._path_template.format(pk=item["pk"], slug=item["slug"] or "-")

    def lastmod(self, item):
        return item["updated_at"]

    def latest_lastmod_query(self):
        return Vacancy.objects.live().aggregate(latest=Max("updated_at"))["latest"]


class CompanySitemap(SiteSitemap):
    """Company pages that have something to show: at least one live vacancy."""

    changefreq = "daily"

    def items(self):
        live = Vacancy.objects.live().values("company_id")
        return Company.objects.filter(pk__in=live).order_by("pk").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at

    def latest_lastmod_query(self):
        live = Vacancy.objects.live().values("company_id")
        return Company.objects.filter(pk__in=live).aggregate(latest=Max("updated_at"))["latest"]


@dataclass
class _IndexEntry:
    location: str
    last_mod: object = None


def _section_url(section, page=1):
    url = settings.SITE_URL + reverse("sitemap_section", kwargs={"section": section})
    return url if page == 1 else f"{url}?p={page}"


def sitemap_index(request, sitemaps):
    """The index at /sitemap.xml: every page of every section."""
    entries, newest = [], None
    for section, sitemap_class in sitemaps.items():
        sitemap = sitemap_class() if callable(sitemap_class) else sitemap_class
        last_mod = sitemap.get_latest_lastmod()
        if last_mod is not None and (newest is None or last_mod > newest):
            newest = last_mod
        pages = max(sitemap.paginator.num_pages, 1)
        entries.extend(_IndexEntry(_section_url(section, page), last_mod) for page in range(1, pages + 1))
    headers = {"Last-Modified": http_date(newest.timestamp())} if newest else None
    response = TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def sitemap_section(request, sitemaps, section):
    if section not in sitemaps:
        raise Http404
    return sitemap_views.sitemap(request, sitemaps, section=section)
