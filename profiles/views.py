from urllib.parse import urlencode

from django.db.models import Count, F, Window
from django.db.models.functions import Rank
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.views import View

from jobsite import pagecache
from listings.models import City, Company, Occupation, Vacancy
from listings.search import SearchParams, search
from profiles.jsonld import occupation_json_ld
from profiles.models import CareerProfile, SalaryBand
from profiles.salary import salary_chart

RADIUS_KM = 25
VACANCIES_SHOWN = 10
RELATED_SHOWN = 12
TOP_EMPLOYERS = 10


def search_url(**params):
    query = {key: value for key, value in params.items() if value not in ("", None)}
    return f"{reverse('listings:vacancy_list')}?{urlencode(query)}"


def newest_vacancies(place=None, **params):
    """The live vacancies through the one search entry point, newest first.
    Lazy: the templates show them inside a cached fragment, and on a cache
    hit the search is never run. `place`: the City that `where` names, so
    the search need not look it up again."""
    return SimpleLazyObject(
        lambda: search(
            SearchParams(sort="date", **params), per_page=VACANCIES_SHOWN, facets=False, place=place
        )
    )


def top_employers(city, count=TOP_EMPLOYERS):
    """The companies with the most live vacancies in `city`, most first and
    by name among equals: [{"company__name", "company__slug", "open_positions"}].

    Counted per company id on the per-place covering index, and only the
    leaders (with everyone tied with the last of them) are joined to their
    names. Grouping the joined rows by name and slug instead hashed every
    one of München's 23,000 vacancies with its company's name (39 ms at
    1,000,000 vacancies)."""
    leaders = (
        Vacancy.objects.live()
        .filter(city=city)
        .order_by()  # the model's date order would split the groups
        .values("company_id")
        .annotate(open_positions=Count("id"))
        .annotate(place=Window(Rank(), order_by=F("open_positions").desc()))
        .filter(place__lte=count)
        .values_list("company_id", "open_positions")
    )
    counts = dict(leaders)
    # The database's collation orders the names; the stable sort then puts
    # the most vacancies first and keeps that order among equals.
    companies = Company.objects.filter(pk__in=counts).order_by("name").values_list("pk", "name", "slug")
    ranked = sorted(companies, key=lambda company: -counts[company[0]])[:count]
    return [
        {"company__name": name, "company__slug": slug, "open_positions": counts[pk]}
        for pk, name, slug in ranked
    ]


def salary_sources(bands):
    """Distinct (source, as-of date) pairs, in band order, for the box footer."""
    seen = []
    for band in bands:
        if (band.source, band.as_of) not in seen and (band.source or band.as_of):
            seen.append((band.source, band.as_of))
    return seen


def can_preview(user):
    return user.is_staff and user.has_perm("profiles.view_careerprofile")


class CareerProfileDetailView(View):
    def get(self, request, occupation, city):
        profile = get_object_or_404(
            CareerProfile.objects.select_related("occupation", "city", "author"),
            occupation__slug=occupation,
            city__slug=city,
        )
        # Drafts are visible to editors only, as a preview at the public URL.
        is_preview = not profile.is_published
        if is_preview and not can_preview(request.user):
            raise Http404
        occupation, city = profile.occupation, profile.city
        sections = list(profile.sections.all())
        bands = list(profile.salary_bands.all())
        where = city.where_value
        result = newest_vacancies(occupation=occupation.slug, where=where, radius=RADIUS_KM, place=city)
        related = CareerProfile.objects.published().exclude(pk=profile.pk)
        context = {
            "profile": profile,
            "sections": sections,
            "salary_bands": bands,
            "salary_sources": salary_sources(bands),
            "chart": salary_chart(bands),
            "result": result,
            "radius": RADIUS_KM,
            "search_url": search_url(q=occupation.name, where=where, radius=RADIUS_KM),
            "same_occupation": list(
                related.filter(occupation=occupation)
                .select_related("occupation", "city")
                .order_by("city__name")[:RELATED_SHOWN]
            ),
            "same_city": list(
                related.filter(city=city)
                .select_related("occupation", "city")
                .order_by("occupation__name")[:RELATED_SHOWN]
            ),
            "json_ld": occupation_json_ld(profile, bands),
            "is_preview": is_preview,
        }
        response = render(request, "profiles/careerprofile_detail.html", context)
        if is_preview:
            # A draft must never land in a shared cache.
            add_never_cache_headers(response)
            return response
        return pagecache.cacheable(response)


class OccupationHubView(View):
    def get(self, request, occupation):
        occupation = get_object_or_404(Occupation, slug=occupation)
        profiles = list(
            occupation.career_profiles.published().select_related("occupation", "city").order_by("city__name")
        )
        bands = (
            SalaryBand.objects.filter(profile__in=[p.pk for p in profiles], period=SalaryBand.Period.MONTH)
            .order_by("profile__city__name", "position", "id")
            .only("profile_id", "level", "min_amount", "max_amount", "period")
        )
        levels = [level for level in SalaryBand.Level if any(b.level == level for b in bands)]
        by_profile = {}
        for band in bands:
            by_profile.setdefault(band.profile_id, {}).setdefault(band.level, band)
        salary_rows = [
            (profile, [by_profile[profile.pk].get(level) for level in levels])
            for profile in profiles
            if profile.pk in by_profile
        ]
        result = newest_vacancies(occupation=occupation.slug)
        response = render(
            request,
            "profiles/occupation_hub.html",
            {
                "occupation": occupation,
                "profiles": profiles,
                "salary_levels": [SalaryBand.Level(level).label for level in levels],
                "salary_rows": salary_rows,
                "result": result,
                "search_url": search_url(q=occupation.name),
            },
        )
        return pagecache.cacheable(response)


class CityHubView(View):
    def get(self, request, city):
        city = get_object_or_404(City, slug=city)
        profiles = list(
            city.career_profiles.published().select_related("occupation", "city").order_by("occupation__name")
        )
        where = city.where_value
        result = newest_vacancies(where=where, radius=RADIUS_KM, place=city)
        # Lazy: counted only when the cached fragment is missing.
        employers = SimpleLazyObject(lambda: top_employers(city))
        response = render(
            request,
            "profiles/city_hub.html",
            {
                "city": city,
                "profiles": profiles,
                "result": result,
                "radius": RADIUS_KM,
                "employers": employers,
                "search_url": search_url(where=where, radius=RADIUS_KM),
            },
        )
        return pagecache.cacheable(response)
