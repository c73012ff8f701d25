"""Sitemaps for crawlers. A million live vacancies need twenty 50,000-URL
pages; each page reads only its own slice of plain values, never model
objects for the whole table. URLs are built from SITE_URL, not from the
request's host, so a crawler reaching us through another name still gets
the canonical addresses."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, Max, OuterRef
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
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

    def _companies(self):
        return Company.objects.filter(Exists(Vacancy.objects.live().filter(company=OuterRef("pk"))))

    def items(self):
        return self._companies().order_by("pk").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at

    def latest_lastmod_query(self):
        return self._companies().aggregate(latest=Max("updated_at"))["latest"]


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


def _w3c(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return value.isoformat()


def sitemap_section(request, sitemaps, section):
    """One page of one section. Written as plain strings: Django's sitemap
    template needs about nine seconds for 50,000 URLs, this a fraction."""
    if section not in sitemaps:
        raise Http404
    sitemap_class = sitemaps[section]
    sitemap = sitemap_class() if callable(sitemap_class) else sitemap_class
    try:
        page = sitemap.paginator.page(request.GET.get("p") or 1)
    except InvalidPage as exc:
        raise Http404 from exc
    prefix = f"{sitemap.get_protocol()}://{sitemap.get_domain()}"
    extra = ""
    changefreq, priority = getattr(sitemap, "changefreq", None), getattr(sitemap, "priority", None)
    if changefreq:
        extra += f"<changefreq>{changefreq}</changefreq>"
    if priority is not None:
        extra += f"<priority>{priority:.1f}</priority>"
    has_lastmod = callable(getattr(sitemap, "lastmod", None))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    newest = None
    for item in page.object_list:
        entry = f"<url><loc>{escape(prefix + sitemap.location(item))}</loc>"
        lastmod = sitemap.lastmod(item) if has_lastmod else None
        if lastmod is not None:
            entry += f"<lastmod>{_w3c(lastmod)}</lastmod>"
            if isinstance(lastmod, datetime.datetime) and (newest is None or lastmod > newest):
                newest = lastmod
        lines.append(f"{entry}{extra}</url>")
    lines.append("</urlset>\n")
    response = HttpResponse("\n".join(lines), content_type="application/xml")
    if newest is not None:
        response.headers["Last-Modified"] = http_date(newest.timestamp())
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
