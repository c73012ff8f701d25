"""Sitemaps of the editorial pages: published career pages, and the hubs of
occupations and cities that have something to show (a published career
page or a live vacancy); empty hubs would only be thin pages."""

from django.db.models import Max, Q

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
    profiles = CareerProfile.objects.published().values(f"{field}_id")
    vacancies = Vacancy.objects.live().values(f"{field}_id")
    return model.objects.filter(Q(pk__in=profiles) | Q(pk__in=vacancies)).order_by("pk").only("slug")


class OccupationHubSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return _with_content(Occupation, "occupation")


class CityHubSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return _with_content(City, "city")
