"""The one search entry point. The results page, the feeds, the job alerts,
the career pages and the hubs all call `search()`; nothing else filters
vacancies for job seekers.

(Interface fixed here; issue #3 deepens the implementation: PostgreSQL
full text, trigram, radius, facets.)"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q

from listings.models import Vacancy
from listings.taxonomy import CityResolver


@dataclass
class SearchParams:
    """Validated search values (listings/filters.py builds them from GET)."""

    q: str = ""
    where: str = ""
    radius: int = 25  # km; 0 = only the place itself
    employment_types: list[str] = field(default_factory=list)  # Vacancy.EMPLOYMENT_TYPES codes
    contract: list[str] = field(default_factory=list)  # "permanent", "fixed_term"
    remote: list[str] = field(default_factory=list)  # "none", "hybrid", "full"
    include_remote: bool = True  # fully remote vacancies in a place search
    salary_stated: bool = False
    min_salary: int | None = None  # monthly gross EUR
    published_within: int | None = None  # days
    occupation: str = ""  # occupation slug
    company: str = ""  # company slug
    sort: str = ""  # "relevance" | "date"; "" = relevance with q, date without


@dataclass
class SearchResult:
    vacancies: list  # the page of Vacancy objects (company, city, occupation loaded)
    total: int
    page: object  # django.core.paginator.Page
    facets: dict = field(default_factory=dict)  # name -> [(value, label, count, selected)]
    city: object = None  # the resolved City for `where`, or None
    city_alternatives: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # hints for the user (unknown place, …)


class PageOutOfRange(Exception):
    pass


def search(params, *, page=1, per_page=20, facets=True, since=None):
    """Runs a search; `since` (a datetime) keeps only vacancies published
    after it (job alerts). Raises PageOutOfRange for a page past the end."""
    queryset = Vacancy.objects.live().select_related("company", "city", "occupation")
    city = None
    messages = []
    if params.q:
        for word in params.q.split()[:10]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if params.where:
        city = CityResolver().resolve(params.where)
        if city is None:
            messages.append(f"unknown_place:{params.where}")
            queryset = queryset.none()
        else:
            queryset = queryset.filter(city=city)
    if params.occupation:
        queryset = queryset.filter(occupation__slug=params.occupation)
    if params.company:
        queryset = queryset.filter(company__slug=params.company)
    if since is not None:
        queryset = queryset.filter(published_at__gt=since)
    queryset = queryset.order_by("-published_at", "-id")
    paginator = Paginator(queryset, per_page)
    try:
        page_obj = paginator.page(page)
    except (EmptyPage, PageNotAnInteger) as exc:
        raise PageOutOfRange from exc
    return SearchResult(
        vacancies=list(page_obj.object_list),
        total=paginator.count,
        page=page_obj,
        city=city,
        messages=messages,
    )
