"""Sitemaps of the editorial pages: published career pages, and the hubs of
occupations and cities that have something to show (a published career
page or a live vacancy); empty hubs would only be thin pages."""

from django.db.models import Exists, Max, OuterRef

from listings.models import City, Occupation, Vacancy
from listings.sitemaps import SiteSitemap
from profiles.models import CareerProfile


class CareerProfileSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            CareerProfile.objects.published()
            .order_by("pk")
            .select_related("occupation", "city")
            .only("updated_at", "occupation__slug", "city__slug")
        )

    def lastmod(self, item):
        return item.updated_at

    def latest_lastmod_query(self):
        return CareerProfile.objects.published().aggregate(latest=Max("updated_at"))["latest"]


def _with_content(model, field):
    # Correlated EXISTS probes the foreign-key index once per hub; an OR of
    # two IN subqueries made PostgreSQL rescan a million vacancies per city.
    profiles = CareerProfile.objects.published().filter(**{field: OuterRef("pk")})
    vacancies = Vacancy.objects.live().filter(**{field: OuterRef("pk")})
    return model.objects.filter(Exists(profiles) | Exists(vacancies)).order_by("pk").only("slug")


class OccupationHubSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return _with_content(Occupation, "occupation")


class CityHubSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return _with_content(City, "city")
