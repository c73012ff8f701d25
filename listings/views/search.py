from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jobsite import pagecache
from jobsite.text import normalize_key
from listings.filters import (
    DEFAULT_RADIUS,
    MAX_PLACE_LENGTH,
    filter_labels,
    labelled_errors,
    params_from_querydict,
    querydict_from_params,
)
from listings.models import City, Vacancy
from listings.search import RADIUS_STEPS, PageOutOfRange, search

# "?…&partial=results" answers only the results list (the template partial
# "listings/vacancy_list.html#results"), for the script that swaps results in
# without a page reload. Every other parameter means the same as on the page.
PARTIAL_PARAMETER = "partial"
# How long a vacancy carries the "neu" badge.
NEW_FOR = timezone.timedelta(days=2)


def _url(query):
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def _single(params, name, value):
    query = querydict_from_params(params)
    if query.get(name) == value:
        query.pop(name)
    else:
        query[name] = value
    return _url(query)


def _without(params, name, value=None):
    query = querydict_from_params(params)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [v for v in query.getlist(name) if v != value])
    if name == "where":
        query.pop("radius", None)
        query.pop("include_remote", None)
    return _url(query)


FACET_TITLES = {
    "type": gettext_lazy("Arbeitszeit"),
    "contract": gettext_lazy("Vertrag"),
    "remote": gettext_lazy("Homeoffice"),
    "salary": gettext_lazy("Gehalt"),
    "days": gettext_lazy("Veröffentlicht"),
    "occupation": gettext_lazy("Beruf"),
    "company": gettext_lazy("Unternehmen"),
}


def _count_text(count):
    # Most facet counts are below 1,000 (they count a window of at most
    # WINDOW rows), and number_format for each of 60-odd counts cost about
    # a millisecond per search page; only larger ones need the grouping.
    return str(count) if -1000 < count < 1000 else number_format(count, force_grouping=True)


def _facet_groups(result):
    # The facets are inputs of the filter form, not links: no query string
    # per value (building them cost about 0.4 ms per search page).
    groups = []
    for name in ("type", "contract", "remote", "salary", "days", "occupation", "company"):
        entries = result.facets.get(name) or []
        items = [
            {"value": value, "label": label, "count": _count_text(count), "selected": selected}
            for value, label, count, selected in entries
        ]
        if items:
            groups.append({"name": name, "title": FACET_TITLES[name], "items": items})
    return groups


def _chips(params, result):
    # The selected occupation and company are among the facets with their
    # names, so the chips need no query of their own.
    names = {}
    for name, entries in result.facets.items():
        for value, label, _count, _selected in entries:
            names[(name, value)] = label
    chips = []
    if params.q:
        chips.append((_("Was: %(q)s") % {"q": params.q}, _without(params, "q")))
    if params.where:
        place = result.city.name if result.city else params.where
        chips.append(
            (
                _("Wo: %(place)s, %(radius)s km") % {"place": place, "radius": params.radius},
                _without(params, "where"),
            )
        )
    for name, value, label in filter_labels(params, names):
        chips.append((label, _without(params, name, value)))
    return [{"label": label, "url": url} for label, url in chips]


class VacancyListView(View):
    paginate_by = 20
    template_name = "listings/vacancy_list.html"

    def get(self, request):
        params, errors = params_from_querydict(request.GET)
        try:
            result = search(params, page=request.GET.get("page") or 1, per_page=self.paginate_by)
        except PageOutOfRange as exc:
            raise Http404(_("Diese Seite gibt es nicht.")) from exc
        query = querydict_from_params(params)
        # Any parameter, even one we ignored, makes a page crawlers should skip.
        filtered = bool(request.GET)
        context = {
            "result": result,
            "params": params,
            "errors": labelled_errors(errors),
            "q": params.q,
            "where": params.where,
            "page_obj": result.page,
            "vacancies": result.vacancies,
            "total": result.total,
            "query_string": query.urlencode(),
            "facet_groups": _facet_groups(result),
            "chips": _chips(params, result),
            "radius_choices": sorted({0, *RADIUS_STEPS, DEFAULT_RADIUS, params.radius}),
            "noindex": filtered,
            "new_since": timezone.now() - NEW_FOR,
            "employment_choices": list(Vacancy.EMPLOYMENT_TYPES.items()),
            "wider_radius_url": _single(params, "radius", str(result.wider_radius))
            if result.wider_radius
            else "",
            "spelling_url": _single(params, "q", result.spelling_suggestion)
            if result.spelling_suggestion
            else "",
        }
        template = self.template_name
        if request.GET.get(PARTIAL_PARAMETER) == "results":
            template = f"{self.template_name}#results"
            # A Merken click on swapped-in results comes back to the whole page.
            page_query = request.GET.copy()
            page_query.pop(PARTIAL_PARAMETER)
            context["page_path"] = request.path + _url(page_query)
        return pagecache.cacheable(render(request, template, context))


def place_suggest(request):
    """GET /jobs/orte/?q=Ha -> [{"name", "slug", "state"}], largest first,
    for the Wo field's autocomplete."""
    key = normalize_key((request.GET.get("q") or "").replace("\x00", "")[:MAX_PLACE_LENGTH])
    if len(key) < 2:
        return JsonResponse([], safe=False)
    cities = City.objects.filter(name_key__startswith=key).order_by("-population", "name")[:10]
    data = [{"name": c.name, "slug": c.slug, "state": c.state} for c in cities]
    response = JsonResponse(data, safe=False)
    response["Cache-Control"] = "public, max-age=3600"
    return response
