import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from listings import sitemaps
from listings.models import City, Occupation, Vacancy
from tests.factories import CareerProfileFactory, CompanyFactory, VacancyFactory

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "http://127.0.0.1:8000"


def index_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return [node.findtext(f"{NS}loc") for node in root.findall(f"{NS}sitemap")]


def urls_of(client, location):
    response = client.get(location.removeprefix(SITE))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {node.findtext(f"{NS}loc"): node.findtext(f"{NS}lastmod") for node in root.findall(f"{NS}url")}


def all_urls(client, section):
    found = {}
    for location in index_locations(client):
        if f"/sitemap-{section}.xml" in location:
            found.update(urls_of(client, location))
    return found


def test_index_and_pages_list_exactly_the_live_vacancies(client, monkeypatch):
    monkeypatch.setattr(sitemaps.VacancySitemap, "limit", 2)
    live = [VacancyFactory(title=f"Stelle {i}") for i in range(5)]
    VacancyFactory(status=Vacancy.Status.CLOSED)
    VacancyFactory(status=Vacancy.Status.EXPIRED)
    VacancyFactory(status=Vacancy.Status.REVIEW)
    VacancyFactory(valid_through=datetime.date(2020, 1, 1))
    locations = index_locations(client)
    assert [loc for loc in locations if "sitemap-stellen" in loc] == [
        f"{SITE}/sitemap-stellen.xml",
        f"{SITE}/sitemap-stellen.xml?p=2",
        f"{SITE}/sitemap-stellen.xml?p=3",
    ]
    urls = all_urls(client, "stellen")
    assert set(urls) == {f"{SITE}{v.get_absolute_url()}" for v in live}
    for vacancy in live:
        vacancy.refresh_from_db()
        lastmod = timezone.localtime(vacancy.updated_at).replace(microsecond=0).isoformat()
        assert urls[f"{SITE}{vacancy.get_absolute_url()}"] == lastmod
    assert client.get("/sitemap-stellen.xml?p=4").status_code == 404
    assert client.get("/sitemap-stellen.xml?p=x").status_code == 404
    assert client.get("/sitemap-gibtsnicht.xml").status_code == 404


def test_index_lists_every_section_with_lastmod(client):
    VacancyFactory()
    CareerProfileFactory()
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    sections = {
        re.search(r"sitemap-(\w+)\.xml", n.findtext(f"{NS}loc"))[1] for n in root.findall(f"{NS}sitemap")
    }
    assert sections == {"stellen", "unternehmen", "berufsprofile", "berufe", "orte"}
    stellen = root.find(f"{NS}sitemap")
    assert stellen.findtext(f"{NS}lastmod")


def test_vacancy_page_costs_two_queries_whatever_its_size(client, django_assert_num_queries):
    for _ in range(30):
        VacancyFactory(company=CompanyFactory())
    client.get("/sitemap-stellen.xml")  # Django caches the Site on first use
    # COUNT for the paginator, one SELECT of plain values for the page.
    with django_assert_num_queries(2):
        response = client.get("/sitemap-stellen.xml")
    assert response.content.count(b"<url>") == 30


def test_companies_profiles_and_hubs(client):
    company = CompanyFactory()
    VacancyFactory(company=company)
    idle_company = CompanyFactory()
    VacancyFactory(company=idle_company, status=Vacancy.Status.CLOSED)
    published = CareerProfileFactory()
    CareerProfileFactory(
        occupation=Occupation.objects.get(slug="erzieher"), status="draft", city=published.city
    )
    assert set(all_urls(client, "unternehmen")) == {f"{SITE}/unternehmen/{company.slug}/"}
    assert set(all_urls(client, "berufsprofile")) == {f"{SITE}/beruf/it-projektkoordinator/hagen/"}
    # Only hubs with a published profile or a live vacancy.
    assert set(all_urls(client, "berufe")) == {f"{SITE}/beruf/it-projektkoordinator/"}
    assert set(all_urls(client, "orte")) == {f"{SITE}/jobs-in/hagen/"}
    VacancyFactory(
        occupation=Occupation.objects.get(slug="berufskraftfahrer"), city=City.objects.get(slug="koeln")
    )
    assert set(all_urls(client, "berufe")) == {
        f"{SITE}/beruf/it-projektkoordinator/",
        f"{SITE}/beruf/berufskraftfahrer/",
    }
    assert set(all_urls(client, "orte")) == {f"{SITE}/jobs-in/hagen/", f"{SITE}/jobs-in/koeln/"}


def test_robots_txt_points_at_the_index(client):
    text = client.get("/robots.txt").text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Disallow: /jobs/*/bewerben/" in text
