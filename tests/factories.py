"""Factories shared by the test packages."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from jobsite.text import german_slugify
from listings.models import City, Company, EmployerMembership, Occupation, User, Vacancy
from profiles.models import CareerProfile, SalaryBand, Section


def city_named(slug):
    return City.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "geheim-Passwort-123")
    email_verified_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Beispiel Firma {n} GmbH")
    slug = factory.LazyAttribute(lambda o: german_slugify(o.name))
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerMembership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = EmployerMembership.Role.OWNER


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Testberuf {n}")
    slug = factory.LazyAttribute(lambda o: german_slugify(o.name))


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    title = "IT-Projektkoordinator (m/w/d)"
    company = factory.SubFactory(CompanyFactory)
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(slug="it-projektkoordinator"))
    city = factory.LazyFunction(lambda: City.objects.get(slug="hagen"))
    full_time = True
    description = "Sie koordinieren IT-Projekte.\n\n- Planung\n- Abstimmung"
    apply_url = "https://example.org/bewerben"
    status = Vacancy.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    date_posted = factory.LazyFunction(timezone.localdate)
    valid_through = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    salary_min = Decimal("3500")
    salary_max = Decimal("4200")
    salary_period = "month"


class CareerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerProfile

    occupation = factory.LazyFunction(lambda: Occupation.objects.get(slug="it-projektkoordinator"))
    city = factory.LazyFunction(lambda: City.objects.get(slug="hagen"))
    title = factory.LazyAttribute(lambda o: f"{o.occupation.name} Jobs und Stellenangebote in {o.city.name}")
    kicker = factory.LazyAttribute(lambda o: f"Beruf {o.occupation.name} in {o.city.name}")
    headline = "Ein Beruf mit Zukunft"
    lead = "Ein ehrlicher Blick auf den Beruf."
    status = CareerProfile.Status.PUBLISHED


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    profile = factory.SubFactory(CareerProfileFactory)
    heading = factory.Sequence(lambda n: f"Abschnitt {n}")
    body = "Erster Absatz.\n\nZweiter Absatz."


class SalaryBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalaryBand

    profile = factory.SubFactory(CareerProfileFactory)
    level = SalaryBand.Level.ENTRY
    min_amount = 2800
    max_amount = 3300
