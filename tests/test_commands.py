import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

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


@pytest.mark.django_db(transaction=True)
def test_parallel_seed_loads_the_same_content_as_one_connection(monkeypatch):
    """The big-load path (forked COPY workers, indexes rebuilt afterwards)
    writes exactly what the one-connection path writes for the same seed,
    restores every index and moves the id sequence past the new rows."""
    from django.db import connection

    from jobsite import demo

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no COPY")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'listings_vacancy'")
        indexes = cursor.fetchone()[0]
    monkeypatch.setattr(demo, "CHUNK", 7)

    call_command("seed_demo", "--vacancies", "40", "--seed", "3", stdout=io.StringIO())
    single = snapshot()
    Vacancy.objects.all().delete()
    Company.objects.all().delete()
    monkeypatch.setattr(demo, "PARALLEL_FROM", 30)
    out = io.StringIO()
    call_command("seed_demo", "--vacancies", "40", "--seed", "3", stdout=out)
    assert "Prozesse" in out.getvalue()
    assert snapshot() == single
    assert len(single) == 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'listings_vacancy'")
        assert cursor.fetchone()[0] == indexes
    newest = Vacancy.objects.order_by("-pk").first()
    copy = Vacancy.objects.get(pk=newest.pk)
    copy.pk = None
    copy.external_id = "NEU-1"
    copy.save()
    assert copy.pk > newest.pk


def test_seed_demo_stores_vacancies_in_the_order_they_were_published():
    # As on a real portal: a later row is a newer vacancy, so the table's
    # physical order follows the date the lists sort by.
    call_command("seed_demo", "--vacancies", "120", "--seed", "7", stdout=io.StringIO())
    by_date = list(Vacancy.objects.order_by("-published_at").values_list("pk", flat=True))
    assert by_date == sorted(by_date, reverse=True)
    newest, oldest = Vacancy.objects.order_by("-published_at")[0], Vacancy.objects.order_by("published_at")[0]
    now = timezone.now()
    assert now - newest.published_at < datetime.timedelta(hours=1)
    assert datetime.timedelta(days=45) < now - oldest.published_at <= datetime.timedelta(days=46, hours=1)
