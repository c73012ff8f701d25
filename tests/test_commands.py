import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from listings.models import Company, User, Vacancy
from profiles.models import CareerProfile

pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        Vacancy.objects.order_by("pk").values_list(
            "title", "company__name", "city__slug", "occupation__slug", "salary_min", "status"
        )
    )


def test_seed_demo_is_deterministic_and_loads_profiles():
    call_command("seed_demo", "--vacancies", "120", "--seed", "7", stdout=io.StringIO())
    first = snapshot()
    assert len(first) == 120
    assert CareerProfile.objects.published().count() >= 6
    assert CareerProfile.objects.filter(occupation__slug="it-projektkoordinator", city__slug="hagen").exists()
    assert (
        Vacancy.objects.live().filter(occupation__slug="it-projektkoordinator", city__slug="hagen").exists()
    )
    assert Vacancy.objects.live().count() > 100
    assert len({v.split(" (")[0] for v, *_ in first}) > 50

    Vacancy.objects.all().delete()
    Company.objects.all().delete()
    call_command("seed_demo", "--vacancies", "120", "--seed", "7", stdout=io.StringIO())
    assert snapshot() == first


def test_seed_demo_if_empty_keeps_existing():
    call_command("seed_demo", "--vacancies", "30", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert Vacancy.objects.count() == 30
    assert "schon geladen" in out.getvalue()


def test_demo_accounts_created_once_with_groups():
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    call_command("demo_accounts", stdout=io.StringIO())
    assert User.objects.count() == 4
    assert User.objects.get(email="admin@jobsite.example").is_superuser
    editor = User.objects.get(email="redaktion@jobsite.example")
    assert editor.groups.filter(name="Redaktion").exists()
    assert User.objects.get(email="moderation@jobsite.example").groups.filter(name="Moderation").exists()
    assert User.objects.get(email="arbeitgeber@jobsite.example").company is not None
    assert "arbeitgeber@jobsite.example" in out.getvalue()
    assert Group.objects.get(name="Redaktion").permissions.filter(codename="change_careerprofile").exists()
