from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views import View

from listings.models import City, Occupation, Vacancy
from profiles.models import CareerProfile


class CareerProfileDetailView(View):
    def get(self, request, occupation, city):
        profile = get_object_or_404(
            CareerProfile.objects.select_related("occupation", "city", "author"),
            occupation__slug=occupation,
            city__slug=city,
        )
        # Drafts are visible to staff only, as a preview at the public URL.
        if profile.status != CareerProfile.Status.PUBLISHED and not request.user.is_staff:
            raise Http404
        vacancies = (
            Vacancy.objects.live()
            .filter(occupation=profile.occupation, city=profile.city)
            .select_related("company", "city")
            .order_by("-published_at")[:10]
        )
        return render(
            request,
            "profiles/careerprofile_detail.html",
            {
                "profile": profile,
                "sections": profile.sections.all(),
                "salary_bands": profile.salary_bands.all(),
                "vacancies": vacancies,
            },
        )


class OccupationHubView(View):
    def get(self, request, occupation):
        occupation = get_object_or_404(Occupation, slug=occupation)
        profiles = occupation.career_profiles.published().select_related("city")
        vacancies = (
            Vacancy.objects.live()
            .filter(occupation=occupation)
            .select_related("company", "city")
            .order_by("-published_at")[:10]
        )
        return render(
            request,
            "profiles/occupation_hub.html",
            {"occupation": occupation, "profiles": profiles, "vacancies": vacancies},
        )


class CityHubView(View):
    def get(self, request, city):
        city = get_object_or_404(City, slug=city)
        profiles = city.career_profiles.published().select_related("occupation")
        vacancies = (
            Vacancy.objects.live()
            .filter(city=city)
            .select_related("company", "city")
            .order_by("-published_at")[:10]
        )
        return render(
            request,
            "profiles/city_hub.html",
            {"city": city, "profiles": profiles, "vacancies": vacancies},
        )
