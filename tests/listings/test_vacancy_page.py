import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings.models import City, Occupation, Vacancy
from tests.factories import CareerProfileFactory, CompanyFactory, VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counted(monkeypatch):
    """Views and clicks are counted through listings.stats (its internals
    belong to the performance work); here we only see that they are called."""
    events = []
    monkeypatch.setattr("listings.stats.record_view", lambda pk: events.append(("view", pk)))
    monkeypatch.setattr("listings.stats.record_apply_click", lambda pk: events.append(("click", pk)))
    return events


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_page_shows_everything_needed_to_decide_and_apply(client, counted):
    company = CompanyFactory(name="Stadtwerke Hagen GmbH")
    vacancy = VacancyFactory(
        title="IT-Projektkoordinator (m/w/d)",
        company=company,
        part_time=True,
        contract="permanent",
        remote="hybrid",
        date_posted=datetime.date(2026, 11, 20),
        valid_through=timezone.localdate() + datetime.timedelta(days=30),
    )
    response = client.get(vacancy.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    text = text_of(html)
    assert '<h1 id="vacancy-title">IT-Projektkoordinator (m/w/d)</h1>' in html
    assert f'<a href="/unternehmen/{company.slug}/">Stadtwerke Hagen GmbH</a>' in html
    assert "Ort Hagen, Nordrhein-Westfalen" in text
    assert "Arbeitszeit Vollzeit, Teilzeit" in text
    assert "Vertrag unbefristet" in text
    assert "Homeoffice teilweise möglich" in text
    assert "Gehalt 3.500 € – 4.200 € pro Monat" in text
    assert "Veröffentlicht am 20. November 2026" in text
    assert f"Bewerbung bis {vacancy.valid_through.day}. " in text
    assert (
        f'<a class="button apply-button" href="/jobs/{vacancy.pk}/bewerben/" rel="nofollow">Jetzt bewerben</a>'
        in html
    )
    assert "<li>Planung</li>" in html
    assert counted == [("view", vacancy.pk)]


def test_salary_is_left_out_when_not_stated_and_hourly_in_german_format(client):
    without = VacancyFactory(salary_min=None, salary_max=None, salary_period="")
    assert "Gehalt" not in text_of(client.get(without.get_absolute_url()).text)
    hourly = VacancyFactory(salary_min=Decimal("14.50"), salary_max=None, salary_period="hour")
    assert "Gehalt ab 14,50 € pro Stunde" in text_of(client.get(hourly.get_absolute_url()).text)


def test_meta_description_open_graph_and_canonical(client):
    vacancy = VacancyFactory(company=CompanyFactory(name="Stadtwerke Hagen GmbH", logo="logos/sw.png"))
    html = client.get(vacancy.get_absolute_url()).text
    canonical = f"http://127.0.0.1:8000/jobs/{vacancy.pk}-{vacancy.slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert (
        '<meta property="og:title" content="IT-Projektkoordinator (m/w/d) – Stadtwerke Hagen GmbH">' in html
    )
    assert '<meta property="og:image" content="http://127.0.0.1:8000/media/logos/sw.png">' in html
    description = re.search(r'<meta name="description" content="([^"]*)">', html)[1]
    assert description.startswith("IT-Projektkoordinator (m/w/d) – Stadtwerke Hagen GmbH, Hagen, Vollzeit.")
    assert "Sie koordinieren IT-Projekte." in description
    assert len(description) <= 160
    assert f'<meta property="og:description" content="{description}">' in html
    assert 'name="robots"' not in html


def test_wrong_or_missing_slug_redirects_permanently(client):
    vacancy = VacancyFactory()
    for url in [f"/jobs/{vacancy.pk}-alter-titel/", f"/jobs/{vacancy.pk}/"]:
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == f"/jobs/{vacancy.pk}-{vacancy.slug}/"
    assert client.get("/jobs/0-x/").status_code == 404


def test_empty_slug_does_not_loop(client):
    vacancy = VacancyFactory()
    Vacancy.objects.filter(pk=vacancy.pk).update(slug="")
    assert client.get(f"/jobs/{vacancy.pk}/").status_code == 301
    assert client.get(f"/jobs/{vacancy.pk}-/").status_code in (301, 404)
    assert client.get(f"/jobs/{vacancy.pk}---/").status_code == 301
    response = client.get(f"/jobs/{vacancy.pk}--/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"status": Vacancy.Status.CLOSED},
        {"status": Vacancy.Status.EXPIRED},
        {"valid_through": datetime.date(2020, 1, 31)},
    ],
)
def test_ended_vacancy_is_410_with_similar_live_ones(client, counted, change):
    gone = VacancyFactory(title="Koordinator Leitstelle", **change)
    similar = VacancyFactory(title="IT-Projektkoordinator Netzbetrieb")
    other_job = VacancyFactory(title="Erzieher Kita", occupation=Occupation.objects.get(slug="erzieher"))
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    html = response.text
    assert "Diese Stelle ist nicht mehr verfügbar" in html
    assert "„Koordinator Leitstelle“" in html
    assert '<meta name="robots" content="noindex">' in html
    assert similar.get_absolute_url() in html
    assert other_job.get_absolute_url() not in html
    assert "application/ld+json" not in html
    assert "bewerben/" not in html
    assert counted == []


def test_never_published_vacancy_is_410_without_its_title(client):
    draft = VacancyFactory(title="Unveröffentlichter Entwurf", status=Vacancy.Status.DRAFT, published_at=None)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 410
    assert "Unveröffentlichter Entwurf" not in response.text


def test_description_is_sanitised_markdown(client):
    vacancy = VacancyFactory(
        description=(
            "## Aufgaben\n\n<script>alert(1)</script>\n\n"
            '<img src=x onerror="alert(2)">\n\n'
            "[Klick](javascript:alert(3)) [Daten](data:text/html,hallo) [Web](https://example.org)"
        )
    )
    html = client.get(vacancy.get_absolute_url()).text
    section = html.split('<section class="vacancy-description"', 1)[1].split("</section>", 1)[0]
    assert "<h2>Aufgaben</h2>" in section
    assert "<script" not in section and "<img" not in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "javascript:" not in section and "data:text" not in section
    assert '<a href="https://example.org" rel="nofollow noopener ugc">Web</a>' in section


def test_apply_redirects_only_to_the_stored_url_and_counts(client, counted):
    vacancy = VacancyFactory(apply_url="https://karriere.example.org/stelle/4711?quelle=jobsite")
    response = client.get(f"/jobs/{vacancy.pk}/bewerben/?next=https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == "https://karriere.example.org/stelle/4711?quelle=jobsite"
    assert counted == [("click", vacancy.pk)]


def test_apply_by_email_opens_mail_and_shows_the_address(client, counted):
    vacancy = VacancyFactory(
        apply_url="", apply_email="jobs@stadtwerke.example.org", title="Koordinator & Co"
    )
    page = client.get(vacancy.get_absolute_url()).text
    assert "Per E-Mail bewerben" in page
    assert '<a href="mailto:jobs@stadtwerke.example.org">jobs@stadtwerke.example.org</a>' in page
    response = client.get(f"/jobs/{vacancy.pk}/bewerben/")
    assert response.status_code == 302
    assert response["Location"] == (
        "mailto:jobs@stadtwerke.example.org?subject=Bewerbung%3A+Koordinator+%26+Co"
    )
    assert ("click", vacancy.pk) in counted


def test_apply_for_ended_vacancy_goes_to_its_page_uncounted(client, counted):
    vacancy = VacancyFactory(status=Vacancy.Status.CLOSED)
    response = client.get(f"/jobs/{vacancy.pk}/bewerben/")
    assert response.status_code == 302
    assert response["Location"] == vacancy.get_absolute_url()
    assert counted == []
    assert client.get("/jobs/999999/bewerben/").status_code == 404


def test_career_page_link_only_when_published(client):
    vacancy = VacancyFactory()
    profile = CareerProfileFactory(status="draft")
    assert "/beruf/it-projektkoordinator/hagen/" not in client.get(vacancy.get_absolute_url()).text
    profile.status = "published"
    profile.save()
    html = client.get(vacancy.get_absolute_url()).text
    assert '<a href="/beruf/it-projektkoordinator/hagen/">Beruf IT Projektkoordinator in Hagen' in html
    # The set of published career pages is kept per live-data generation
    # (profiles/templatetags/career_links.py); taking one back shows at once.
    profile.status = "draft"
    profile.save()
    assert "/beruf/it-projektkoordinator/hagen/" not in client.get(vacancy.get_absolute_url()).text


def test_vacancy_page_asks_no_query_for_the_career_link_once_known(client):
    vacancy = VacancyFactory()
    other = VacancyFactory(title="Koordinator B")
    CareerProfileFactory(status="published")
    client.get(vacancy.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        html = client.get(other.get_absolute_url()).text
    assert 'href="/beruf/it-projektkoordinator/hagen/"' in html
    assert not [q for q in captured.captured_queries if "profiles_careerprofile" in q["sql"]]


def test_related_vacancies_same_occupation_without_itself(client):
    vacancy = VacancyFactory(title="Koordinator A")
    same = VacancyFactory(title="Koordinator B")
    other = VacancyFactory(title="Erzieher C", occupation=Occupation.objects.get(slug="erzieher"))
    closed = VacancyFactory(title="Koordinator D", status=Vacancy.Status.CLOSED)
    html = client.get(vacancy.get_absolute_url()).text
    related = html.split('class="related-vacancies"', 1)[1].split("</aside>", 1)[0]
    assert same.get_absolute_url() in related
    assert vacancy.get_absolute_url() not in related
    assert other.get_absolute_url() not in related
    assert closed.get_absolute_url() not in related


def test_kept_related_cards_are_not_read_again(client, monkeypatch):
    """A neighbour's page shows the same related cards from the cache: the
    vacancies behind them are not read (only the page's own vacancy is)."""
    # Without Redis a view is counted straight into the table; not what is measured here.
    monkeypatch.setattr("listings.stats._record", lambda *args: None)
    first = VacancyFactory(title="Koordinator A")
    second = VacancyFactory(title="Koordinator B")
    third = VacancyFactory(title="Koordinator C")
    client.get(first.get_absolute_url())  # cards of B and C are kept
    client.get(second.get_absolute_url())  # ... and of A
    with CaptureQueriesContext(connection) as captured:
        html = client.get(third.get_absolute_url()).text
    related = html.split('class="related-vacancies"', 1)[1].split("</aside>", 1)[0]
    assert re.findall(r'<h3 class="vacancy-card-title"><a href="[^"]+">([^<]+)</a>', related) == [
        "Koordinator B",
        "Koordinator A",
    ]
    vacancy_reads = [q["sql"] for q in captured.captured_queries if 'FROM "listings_vacancy"' in q["sql"]]
    assert len(vacancy_reads) == 1  # the page's own vacancy
    assert f'"listings_vacancy"."id" = {third.pk}' in vacancy_reads[0]


def test_a_closed_vacancy_leaves_the_related_cards_at_once(client):
    first = VacancyFactory(title="Koordinator A")
    second = VacancyFactory(title="Koordinator B")
    assert "Koordinator B" in client.get(first.get_absolute_url()).text
    second.status = Vacancy.Status.CLOSED
    second.save()
    assert "Koordinator B" not in client.get(first.get_absolute_url()).text


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code in (200, 410)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_related_vacancies(client, django_assert_max_num_queries):
    vacancy = VacancyFactory()
    CareerProfileFactory()
    _queries(client, vacancy.get_absolute_url())  # places are cached from now on
    VacancyFactory()  # a change: the related search runs again
    one_related = _queries(client, vacancy.get_absolute_url())
    for i in range(8):
        VacancyFactory(company=CompanyFactory(), title=f"Koordinator {i}")
    assert _queries(client, vacancy.get_absolute_url()) == one_related
    # 1 for the vacancy with company, city and occupation, 1 for the career
    # page link, the rest is the related search (place lookup, radius, count,
    # page: 6 today). Nothing per related vacancy.
    with django_assert_max_num_queries(10):
        client.get(vacancy.get_absolute_url())


def test_company_page_lists_only_its_live_vacancies(client):
    company = CompanyFactory(
        name="Bäckerei Müller",
        description="Wir backen **seit 1920**.\n\n<script>x()</script>",
        website="https://baeckerei.example.org",
        logo="logos/baecker.png",
        city=City.objects.get(slug="muenster"),
    )
    live = VacancyFactory(company=company, title="Bäcker (m/w/d)")
    VacancyFactory(company=company, title="Alte Stelle", status=Vacancy.Status.CLOSED)
    VacancyFactory(title="Fremde Stelle")
    response = client.get(f"/unternehmen/{company.slug}/")
    assert response.status_code == 200
    html = response.text
    assert '<h1 id="company-name">Bäckerei Müller</h1>' in html
    assert "<strong>seit 1920</strong>" in html and "<script>x()" not in html
    assert 'href="https://baeckerei.example.org"' in html
    assert 'src="/media/logos/baecker.png" alt="Logo von Bäckerei Müller"' in html
    assert "1 offene Stelle" in text_of(html)
    assert live.get_absolute_url() in html
    assert "Alte Stelle" not in html and "Fremde Stelle" not in html
    assert f'<link rel="canonical" href="http://127.0.0.1:8000/unternehmen/{company.slug}/">' in html
    assert client.get("/unternehmen/gibt-es-nicht/").status_code == 404
    assert client.get(f"/unternehmen/{company.slug}/?page=abc").status_code == 404
    assert client.get(f"/unternehmen/{company.slug}/?page=9").status_code == 404


def test_ended_vacancy_links_a_search_in_exactly_its_place(client):
    small = City.objects.filter(name="Hagen").exclude(slug="hagen").order_by("-population").first()
    gone = VacancyFactory(title="Koordinator Leitstelle", city=small, status=Vacancy.Status.CLOSED)
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    assert f"where={small.slug}" in response.text
    assert "where=Hagen" not in response.text


def test_a_vacancy_never_published_does_not_tell_its_title_by_a_redirect(client):
    draft = VacancyFactory(title="Geheimer Entwurf", status=Vacancy.Status.REVIEW, published_at=None)
    for url in (f"/jobs/{draft.pk}/", f"/jobs/{draft.pk}-falsch/"):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "Location" not in response
        assert "geheimer" not in response.text.lower()
    # (Asked with its real slug, the page echoes only the visitor's own URL.)
    assert client.get(draft.get_absolute_url()).status_code == 410


def test_dates_are_written_the_way_of_the_language(client):
    vacancy = VacancyFactory(
        date_posted=datetime.date(2026, 11, 20), valid_through=datetime.date(2099, 12, 24)
    )
    german = text_of(client.get(vacancy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").text)
    assert "Veröffentlicht am 20. November 2026" in german
    assert "Bewerbung bis 24. Dezember 2099" in german
    english = client.get(vacancy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert '<time datetime="2026-11-20">Nov. 20, 2026</time>' in english
    assert '<time datetime="2099-12-24">Dec. 24, 2099</time>' in english
