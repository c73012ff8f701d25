"""RSS 2.0 and Atom feeds of any search: the GET parameters of /jobs/ go
through the same filters and the same search entry point, so a feed shows
exactly the newest vacancies the results page would show."""

import dataclasses
import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jobsite import pagecache
from jobsite.markdown import clean_text, render_markdown
from listings.filters import params_from_querydict
from listings.jsonld import absolute_url
from listings.models import Vacancy
from listings.search import PageOutOfRange, search

FEED_SIZE = 50


class _Query:
    """What a feed is about: the validated search and its canonical query."""

    def __init__(self, params, query_string):
        self.params = params
        self.query_string = query_string


class RssVacancyFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "de"
    url_name = "listings:feed_rss"

    def __call__(self, request, *args, **kwargs):
        _params, errors = params_from_querydict(request.GET)
        if errors:
            return HttpResponseBadRequest(
                _("Ungültige Suchparameter: %(fields)s") % {"fields": ", ".join(sorted(errors))},
                content_type="text/plain; charset=utf-8",
            )
        # Feed readers ask the same URL again and again: kept whole for
        # visitors without a session, like the results page.
        return pagecache.cacheable(super().__call__(request, *args, **kwargs))

    def get_object(self, request, *args, **kwargs):
        params, _errors = params_from_querydict(request.GET)
        # Only the search parameters matter; "page" and unknown keys are not
        # part of what the feed is about.
        query = sorted(
            (key, clean_text(value))
            for key, values in request.GET.lists()
            if key != "page"
            for value in values
        )
        return _Query(params, urlencode(query))

    def title(self, obj):
        parts = []
        if obj.params.q:
            parts.append(obj.params.q)
        if obj.params.where:
            parts.append(_("in %(place)s") % {"place": obj.params.where})
        if parts:
            return clean_text(_("Jobs: %(search)s – jobsite") % {"search": " ".join(parts)})
        return _("Neueste Jobs – jobsite")

    def description(self, obj):
        return _("Die neuesten Stellenangebote zu Ihrer Suche auf jobsite.")

    subtitle = description

    def link(self, obj):
        url = absolute_url(reverse("listings:vacancy_list"))
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def feed_url(self, obj):
        url = absolute_url(reverse(self.url_name))
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def items(self, obj):
        params = dataclasses.replace(obj.params, sort="date")
        try:
            ids = search(params, page=1, per_page=FEED_SIZE, facets=False, rows=False).ids
        except PageOutOfRange:
            return []
        # A feed entry shows more than a card (the description, the
        # occupation, the last change), so it reads whole rows, in one query.
        rows = Vacancy.objects.select_related("company", "city", "occupation").in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]

    def item_title(self, item):
        return clean_text(item.title)

    def item_description(self, item):
        html = render_to_string(
            "listings/feeds/vacancy_description.html",
            {"vacancy": item, "description_html": render_markdown(item.description)},
        )
        return clean_text(html)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return absolute_url(item.get_absolute_url())

    item_guid_is_permalink = True

    def item_author_name(self, item):
        return clean_text(item.company.name)

    def item_categories(self, item):
        return [clean_text(item.occupation.name)] if item.occupation_id and item.occupation else []

    def item_pubdate(self, item):
        if item.published_at:
            return item.published_at
        return datetime.datetime.combine(
            item.date_posted, datetime.time(), tzinfo=timezone.get_current_timezone()
        )

    def item_updateddate(self, item):
        return item.updated_at


class AtomVacancyFeed(RssVacancyFeed):
    feed_type = Atom1Feed
    url_name = "listings:feed_atom"
