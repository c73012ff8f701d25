import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from listings.models import Vacancy
from profiles.importer import import_profile_file
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hagen_profile(settings):
    path = settings.BASE_DIR / "demo" / "profiles" / "it-projektkoordinator-hagen.txt"
    return import_profile_file(path, publish=True).profile


def test_home_lists_newest_live_vacancies(client):
    live = VacancyFactory(title="Kassierer (m/w/d)")
    VacancyFactory(title="Versteckte Stelle", status=Vacancy.Status.REVIEW)
    response = client.get("/")
    assert response.status_code == 200
    assert live.title in response.text
    assert "Versteckte Stelle" not in response.text
    assert 'lang="de"' in response.text


def test_job_list_paginates_live_vacancies(client):
    for i in range(25):
        VacancyFactory(title=f"Stelle Nummer {i:02d}")
    VacancyFactory(
        title="Abgelaufene Stelle", valid_through=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client.get("/jobs/")
    assert response.status_code == 200
    assert "25 Jobs" in response.text
    assert "Abgelaufene Stelle" not in response.text
    assert client.get("/jobs/?page=2").status_code == 200
    assert client.get("/jobs/?page=99").status_code == 404
    assert client.get("/jobs/?page=abc").status_code == 404


def test_vacancy_detail_canonical_redirect_and_gone(client):
    vacancy = VacancyFactory()
    assert client.get(vacancy.get_absolute_url()).status_code == 200
    response = client.get(f"/jobs/{vacancy.pk}-falscher-slug/")
    assert response.status_code == 301
    assert response["Location"] == vacancy.get_absolute_url()
    vacancy.close()
    response = client.get(vacancy.get_absolute_url())
    assert response.status_code == 410
    assert "nicht mehr verfügbar" in response.text
    assert client.get("/jobs/999999-x/").status_code == 404


def test_reference_career_page(client, hagen_profile):
    live = VacancyFactory(title="IT-Projektkoordinator (m/w/d) Netzleitstelle")
    VacancyFactory(title="Geschlossene Koordination", status=Vacancy.Status.CLOSED)
    response = client.get("/beruf/it-projektkoordinator/hagen/")
    assert response.status_code == 200
    html = response.text
    assert "<title>IT Projektkoordinator Jobs und Stellenangebote in Hagen" in html
    assert "<h1>IT Projektkoordinator Jobs und Stellenangebote in Hagen</h1>" in html
    assert "Beruf IT Projektkoordinator in Hagen" in html
    for heading in [
        "Was wirklich passiert: Aufgabenbild und Realität",
        "Regionale Farbtupfer: Hagen bleibt eigenwillig",
        "Perspektiven, Erwartungen und eine Prise Realitätssinn",
        "Stolpersteine, Chancen und der Blick nach vorn",
    ]:
        assert f"<h2>{heading}</h2>" in html
    for amount in ["2.800 €", "3.300 €", "3.500 €", "4.200 €"]:
        assert amount in html
    assert live.title in html
    assert "Geschlossene Koordination" not in html


def test_draft_profile_hidden_from_public_visible_to_staff(client, admin_client, hagen_profile):
    hagen_profile.status = "draft"
    hagen_profile.save()
    assert client.get(hagen_profile.get_absolute_url()).status_code == 404
    assert admin_client.get(hagen_profile.get_absolute_url()).status_code == 200


def test_hubs_and_company_page(client, hagen_profile):
    vacancy = VacancyFactory()
    assert vacancy.title in client.get("/beruf/it-projektkoordinator/").text
    assert vacancy.title in client.get("/jobs-in/hagen/").text
    assert vacancy.title in client.get(vacancy.company.get_absolute_url()).text
    assert client.get("/beruf/gibt-es-nicht/").status_code == 404
    assert client.get("/jobs-in/atlantis/").status_code == 404


def test_favicon_is_linked_and_served(client):
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    assert "<svg" in Path(finders.find("img/favicon.svg")).read_text(encoding="utf-8")
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
    assert (
        f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in client.get("/").text
    )


def test_healthz_and_robots(client):
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in client.get("/robots.txt").text


def test_url_names_resolve():
    assert reverse("listings:vacancy_list") == "/jobs/"
    assert reverse("profiles:profile_detail", kwargs={"occupation": "a", "city": "b"}) == "/beruf/a/b/"
    assert reverse("profiles:city_hub", kwargs={"city": "hagen"}) == "/jobs-in/hagen/"
    assert reverse("listings:company_detail", kwargs={"slug": "x"}) == "/unternehmen/x/"


def test_admin_pages_load(admin_client):
    VacancyFactory()
    for model in ["vacancy", "company", "occupation", "city", "user", "jobalert", "vacancydailystat"]:
        for suffix in ["", "?q=hagen", "add/"]:
            url = f"/admin/listings/{model}/{suffix}"
            assert admin_client.get(url).status_code == 200, url
    for model in ["careerprofile"]:
        for suffix in ["", "?q=hagen", "add/"]:
            assert admin_client.get(f"/admin/profiles/{model}/{suffix}").status_code == 200
