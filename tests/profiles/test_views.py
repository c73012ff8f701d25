import datetime
import json
import re
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.utils import timezone

from jobsite.text import german_slugify
from listings.models import City, Occupation, Vacancy
from listings.search import SearchParams, SearchResult
from listings.taxonomy import CityResolver
from profiles.importer import import_profile_file
from profiles.models import CareerProfile
from tests.factories import (
    CareerProfileFactory,
    CompanyFactory,
    SalaryBandFactory,
    UserFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db

URL = "/beruf/it-projektkoordinator/hagen/"


@pytest.fixture
def hagen_profile(settings):
    path = settings.BASE_DIR / "demo" / "profiles" / "it-projektkoordinator-hagen.txt"
    return import_profile_file(path, publish=True).profile


@pytest.fixture
def editor():
    user = UserFactory(email="redakteurin@example.org", name="Rita Redakteurin", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktion"))
    return user


def table_rows(html):
    box = html[html.index('class="salary-box"') :]
    tbody = box[box.index("<tbody>") : box.index("</tbody>")]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
    ]


def json_ld(html):
    [data] = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(data)


def test_reference_page_shows_the_article(client, hagen_profile):
    html = client.get(URL).text
    assert "<title>IT Projektkoordinator Jobs und Stellenangebote in Hagen" in html
    assert "<h1>IT Projektkoordinator Jobs und Stellenangebote in Hagen</h1>" in html
    assert '<p class="kicker">Beruf IT Projektkoordinator in Hagen</p>' in html
    assert (
        '<p class="headline">Zwischen Anspruch und Praxis: Der Job des IT Projektkoordinators in Hagen</p>'
        in html
    )
    assert '<p class="lead">Manchmal hat man den Eindruck, IT-Projektkoordination sei' in html
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == [
        "Was wirklich passiert: Aufgabenbild und Realität",
        "Regionale Farbtupfer: Hagen bleibt eigenwillig",
        "Perspektiven, Erwartungen und eine Prise Realitätssinn",
        "Stolpersteine, Chancen und der Blick nach vorn",
    ]
    assert "<p>Heikel bleibt die Frage nach den sogenannten „hard facts“" in html
    today = timezone.localdate()
    assert f'zuletzt geprüft am <time datetime="{today:%Y-%m-%d}">' in html
    assert "Autor: jobsite-Redaktion" in html


def test_salary_box_table_chart_and_source(client, hagen_profile):
    hagen_profile.salary_bands.update(source="Tarifvertrag IT NRW", as_of=datetime.date(2026, 10, 1))
    html = client.get(URL).text
    assert table_rows(html) == [
        ["Berufseinstieg", "2.800 €", "3.300 €", "pro Monat"],
        ["mit Berufserfahrung", "3.500 €", "4.200 €", "pro Monat"],
    ]
    assert 'Quelle: Tarifvertrag IT NRW · Stand: <time datetime="2026-10-01">1. Oktober 2026</time>' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert "<desc" in svg
    assert "Berufseinstieg: 2.800 € bis 3.300 €; mit Berufserfahrung: 3.500 € bis 4.200 €" in svg
    assert svg.count("<rect") == 2
    # Coordinates are plain numbers, never localised ("286,0" would break the SVG).
    # Axis 2.000–5.000 € over 360 units right of the 190-unit label column.
    assert re.findall(r'<rect x="([\d.]+)"', svg) == ["286.0", "370.0"]
    assert "<script" not in svg


def test_open_and_single_figures_in_table(client):
    profile = CareerProfileFactory()
    SalaryBandFactory(profile=profile, level="entry", min_amount=2750, max_amount=None, position=0)
    SalaryBandFactory(profile=profile, level="lead", min_amount=3800, max_amount=3800, position=1)
    html = client.get(URL).text
    assert table_rows(html) == [
        ["Berufseinstieg", "2.750 €", "offen", "pro Monat"],
        ["Leitung", "3.800 €", "3.800 €", "pro Monat"],
    ]
    assert "Berufseinstieg: ab 2.750 €; Leitung: rund 3.800 €" in html


def test_vacancies_are_live_and_match_occupation_and_radius(client, hagen_profile):
    now = timezone.now()
    in_hagen = VacancyFactory(title="IT-Projektkoordinator Netzleitstelle", published_at=now)
    nearby = VacancyFactory(
        title="IT-Projektkoordinator Herdecke",
        city=City.objects.get(slug="herdecke"),
        published_at=now - datetime.timedelta(hours=1),
    )
    VacancyFactory(title="Koordinator in München", city=City.objects.get(slug="muenchen"))
    VacancyFactory(title="Erzieher in Hagen", occupation=Occupation.objects.get(slug="erzieher"))
    VacancyFactory(title="Geschlossene Koordination", status=Vacancy.Status.CLOSED)
    VacancyFactory(title="Koordination in Prüfung", status=Vacancy.Status.REVIEW)
    VacancyFactory(
        title="Abgelaufene Koordination", valid_through=timezone.localdate() - datetime.timedelta(days=1)
    )
    html = client.get(URL).text
    jobs = html[html.index('id="jobs-heading"') :]
    # Newest first, only live ones for this occupation within 25 km.
    assert in_hagen.title in jobs
    assert nearby.title in jobs
    assert jobs.index(in_hagen.title) < jobs.index(nearby.title)
    for hidden in ["München", "Erzieher in Hagen", "Geschlossene", "in Prüfung", "Abgelaufene"]:
        assert hidden not in jobs
    assert "2 offene Stellen im Umkreis von 25 km um Hagen" in jobs
    assert (
        '<a href="/jobs/?q=IT+Projektkoordinator&amp;where=Hagen&amp;radius=25">'
        "Alle 2 Stellen in der Jobsuche ansehen</a>" in jobs
    )


def test_page_asks_the_search_entry_point(client, hagen_profile, monkeypatch):
    calls = []

    def fake_search(params, **kwargs):
        calls.append((params, kwargs))
        page = Paginator([], 10).page(1)
        return SearchResult(vacancies=[], total=0, page=page)

    monkeypatch.setattr("profiles.views.search", fake_search)
    html = client.get(URL).text
    assert calls == [
        (
            SearchParams(occupation="it-projektkoordinator", where="Hagen", radius=25, sort="date"),
            {"per_page": 10, "facets": False, "place": hagen_profile.city},
        )
    ]
    assert "Derzeit keine passenden Stellen." in html


def test_json_ld_matches_the_salary_box(client, hagen_profile):
    data = json_ld(client.get(URL).text)
    assert data["@type"] == "Occupation"
    assert data["name"] == "IT Projektkoordinator"
    assert data["occupationLocation"] == [
        {
            "@type": "City",
            "name": "Hagen",
            "containedInPlace": {"@type": "State", "name": "Nordrhein-Westfalen"},
        }
    ]
    assert [
        (s["@type"], s["name"], s["currency"], s["duration"], s["minValue"], s["maxValue"])
        for s in data["estimatedSalary"]
    ] == [
        ("MonetaryAmountDistribution", "Berufseinstieg", "EUR", "P1M", 2800, 3300),
        ("MonetaryAmountDistribution", "mit Berufserfahrung", "EUR", "P1M", 3500, 4200),
    ]
    assert data["mainEntityOfPage"] == "http://127.0.0.1:8000/beruf/it-projektkoordinator/hagen/"


def test_json_ld_is_escaped_safely(client):
    evil = 'Böse </script><script>alert("x")</script> & mehr'
    CareerProfileFactory(lead=evil)
    html = client.get(URL).text
    assert '</script><script>alert("x")' not in html
    assert json_ld(html)["description"] == evil


def test_drafts_are_a_preview_for_editors_only(client, editor):
    profile = CareerProfileFactory(status=CareerProfile.Status.DRAFT, headline="Noch geheim")
    assert client.get(URL).status_code == 404
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without editor rights
    assert client.get(URL).status_code == 404
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Noch geheim" in response.text
    assert "Vorschau: Dieses Berufsprofil ist noch nicht veröffentlicht (Status: Entwurf)" in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "no-store" in response["Cache-Control"]
    assert "application/ld+json" not in response.text
    profile.submit_for_review()
    profile.publish()
    response = client.get(URL)
    assert "Vorschau" not in response.text
    assert "no-store" not in response.get("Cache-Control", "")


def test_related_career_pages(client, hagen_profile):
    dortmund = CareerProfileFactory(city=City.objects.get(slug="dortmund"))
    erzieher = CareerProfileFactory(occupation=Occupation.objects.get(slug="erzieher"))
    CareerProfileFactory(city=City.objects.get(slug="bochum"), status=CareerProfile.Status.DRAFT)
    CareerProfileFactory(occupation=Occupation.objects.get(slug="berufskraftfahrer"), city=dortmund.city)
    html = client.get(URL).text
    related = html[html.index('id="related-heading"') :]
    assert re.findall(r'<a href="(/beruf/[^"]+)">', related)[:2] == [
        dortmund.get_absolute_url(),
        erzieher.get_absolute_url(),
    ]
    assert "IT Projektkoordinator in Dortmund" in related
    assert "Erzieher in Hagen" in related
    assert "bochum" not in related
    assert "berufskraftfahrer" not in related


def test_unknown_pages_are_404(client, hagen_profile):
    assert client.get("/beruf/it-projektkoordinator/nirgendwo/").status_code == 404
    assert client.get("/beruf/gibt-es-nicht/hagen/").status_code == 404
    assert client.get("/beruf/erzieher/hagen/").status_code == 404  # no profile there
    assert client.get("/beruf/gibt-es-nicht/").status_code == 404
    assert client.get("/jobs-in/nirgendwo/").status_code == 404


def test_where_value_picks_the_exact_place():
    assert City.objects.get(slug="hagen").where_value == "Hagen"
    # Several places are called Neustadt; only the largest owns the plain
    # name, the others are found by their unique slug.
    neustadts = list(City.objects.filter(name="Neustadt"))
    assert len(neustadts) > 1
    values = {city.where_value for city in neustadts}
    assert len(values) == len(neustadts)
    assert {value for value in values if value != "Neustadt"} == {
        city.slug for city in neustadts if city.slug != german_slugify(city.name)
    }
    resolver = CityResolver()
    assert all(resolver.resolve(city.where_value) == city for city in neustadts)


def test_occupation_hub(client, hagen_profile):
    occupation = hagen_profile.occupation
    dortmund = CareerProfileFactory(city=City.objects.get(slug="dortmund"))
    SalaryBandFactory(profile=dortmund, level="lead", min_amount=4800, max_amount=None)
    CareerProfileFactory(city=City.objects.get(slug="bochum"), status=CareerProfile.Status.DRAFT)
    vacancy = VacancyFactory(title="IT-Projektkoordinator Stadtwerke", city=City.objects.get(slug="muenchen"))
    VacancyFactory(title="Erzieher gesucht", occupation=Occupation.objects.get(slug="erzieher"))
    html = client.get(occupation.get_absolute_url()).text
    assert "<h1>Beruf IT Projektkoordinator</h1>" in html
    assert occupation.description[:40] in html
    cities = html[html.index('id="cities-heading"') : html.index('id="salary-heading"')]
    assert re.findall(r'<a href="([^"]+)">', cities) == [dortmund.get_absolute_url(), URL]
    assert table_rows(html) == [
        ["Dortmund", "–", "–", "ab 4.800 €"],
        ["Hagen", "2.800 € bis 3.300 €", "3.500 € bis 4.200 €", "–"],
    ]
    assert vacancy.title in html
    assert "Erzieher gesucht" not in html


def test_city_hub(client, hagen_profile):
    big, small = CompanyFactory(name="Stadtwerke Hagen"), CompanyFactory(name="Agentur Volme")
    for _ in range(3):
        VacancyFactory(company=big)
    VacancyFactory(
        company=small, title="Erzieher (m/w/d)", occupation=Occupation.objects.get(slug="erzieher")
    )
    VacancyFactory(company=small, status=Vacancy.Status.CLOSED)
    VacancyFactory(title="Ganz weit weg", city=City.objects.get(slug="muenchen"))
    CareerProfileFactory(
        occupation=Occupation.objects.get(slug="erzieher"), status=CareerProfile.Status.DRAFT
    )
    html = client.get("/jobs-in/hagen/").text
    assert "<h1>Jobs in Hagen</h1>" in html
    assert "4 offene Stellen im Umkreis von 25 km" in html
    assert "Ganz weit weg" not in html
    profiles = html[html.index('id="profiles-heading"') : html.index('id="employers-heading"')]
    assert re.findall(r'<a href="([^"]+)">', profiles) == [URL]
    employers = html[html.index('id="employers-heading"') :]
    assert re.findall(r'<li><a href="[^"]+">(.*?)</a> \((.*?)\)</li>', employers) == [
        ("Stadtwerke Hagen", "3 Stellen"),
        ("Agentur Volme", "1 Stelle"),
    ]


def test_city_hub_employers_are_the_ten_with_most_vacancies_then_by_name(client):
    leader = CompanyFactory(name="Zeche Hagen")
    for _ in range(2):
        VacancyFactory(company=leader)
    # Twelve companies tied with one vacancy each: the names decide which
    # nine follow the leader, whatever order they were created in.
    names = [f"Firma {letter}" for letter in "LKJIHGFEDCBA"]
    for name in names:
        VacancyFactory(company=CompanyFactory(name=name))
    VacancyFactory(company=CompanyFactory(name="Aaa Geschlossen"), status=Vacancy.Status.CLOSED)
    html = client.get("/jobs-in/hagen/").text
    employers = html[html.index('id="employers-heading"') :]
    assert re.findall(r'<li><a href="[^"]+">(.*?)</a> \((.*?)\)</li>', employers) == [
        ("Zeche Hagen", "2 Stellen"),
        *[(name, "1 Stelle") for name in sorted(names)[:9]],
    ]


@pytest.fixture
def no_search(monkeypatch):
    """Query counts below are ours alone; the search has its own budget."""

    def fake_search(params, **kwargs):
        return SearchResult(vacancies=[], total=0, page=Paginator([], 10).page(1))

    monkeypatch.setattr("profiles.views.search", fake_search)


def test_query_counts(client, hagen_profile, no_search, django_assert_num_queries):
    for slug in ["dortmund", "bochum", "essen"]:
        CareerProfileFactory(city=City.objects.get(slug=slug))
    CareerProfileFactory(occupation=Occupation.objects.get(slug="erzieher"))
    VacancyFactory()
    # profile, sections, salary bands, same occupation elsewhere, same city
    with django_assert_num_queries(5):
        assert client.get(URL).status_code == 200
    # occupation, its profiles, their salary bands
    with django_assert_num_queries(3):
        assert client.get("/beruf/it-projektkoordinator/").status_code == 200
    # city, its profiles, top employers (counts per company, then their names)
    with django_assert_num_queries(4):
        assert client.get("/jobs-in/hagen/").status_code == 200


def test_pages_with_real_search_stay_within_a_small_query_budget(
    client, hagen_profile, django_assert_max_num_queries
):
    """No query per vacancy card or per related link: ten vacancies cost what
    one does. The search's own queries are included, with some headroom."""
    for i in range(12):
        VacancyFactory(title=f"IT-Projektkoordinator {i}")
    for slug in ["dortmund", "bochum"]:
        CareerProfileFactory(city=City.objects.get(slug=slug))
    for url in [URL, "/beruf/it-projektkoordinator/", "/jobs-in/hagen/"]:
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_hubs_without_content_are_kept_out_of_the_index(client):
    empty_occupation = client.get("/beruf/erzieher/").text
    empty_city = client.get("/jobs-in/herdecke/").text
    assert '<meta name="robots" content="noindex, follow">' in empty_occupation
    assert '<meta name="robots" content="noindex, follow">' in empty_city
    VacancyFactory(occupation=Occupation.objects.get(slug="erzieher"), city=City.objects.get(slug="herdecke"))
    assert "noindex" not in client.get("/beruf/erzieher/").text
    assert "noindex" not in client.get("/jobs-in/herdecke/").text
