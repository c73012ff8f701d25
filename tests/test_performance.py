"""Query budgets of the main pages (issue #10): each page runs a small, fixed
number of queries, and the number does not grow with the vacancies, companies,
places and occupations it shows (no N+1). Counted with a cold cache, the worst
case a visitor meets."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings.models import City, Occupation
from tests.factories import (
    CareerProfileFactory,
    CompanyFactory,
    SalaryBandFactory,
    SectionFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db

# page: (URL or a function of the fixture data, most queries allowed)
BUDGETS = {
    "home": ("/", 5),
    "search, empty": ("/jobs/", 6),
    "search, keyword": ("/jobs/?q=Projektkoordinator", 8),
    "search, place and radius": ("/jobs/?where=Hagen&radius=25", 10),
    "search, keyword, place, filters": (
        "/jobs/?q=Koordinator&where=Hagen&radius=50&type=full_time&contract=permanent&salary=1&sort=date",
        12,
    ),
    "search, deep page": ("/jobs/?page=2", 6),
    "vacancy page": (lambda data: data["vacancy"].get_absolute_url(), 15),
    "career page": ("/beruf/it-projektkoordinator/hagen/", 10),
    "occupation hub": ("/beruf/it-projektkoordinator/", 7),
    # Top employers: counts per company id, then the leaders' names. The
    # hub hands its City to the search, which then looks up no name.
    "city hub": ("/jobs-in/hagen/", 9),
    "company page": (lambda data: data["company"].get_absolute_url(), 6),
    # Few title matches in this small corpus: the descriptions are searched
    # too (listings.search.WIDEN_BELOW), one COUNT and one page query more.
    # Lists read only their cards' fields; a feed shows more and reads its
    # items' whole rows in one query (listings/feeds.py).
    "feed": ("/jobs/feed/rss/?q=Projektkoordinator", 9),
}

PLACES = ["hagen", "dortmund", "schwerte", "iserlohn", "wetter-ruhr", "herdecke"]
OCCUPATIONS = ["it-projektkoordinator", "erzieher", "berufskraftfahrer", "it-projektkoordinator"]


def add_vacancies(count, offset=0):
    cities = list(City.objects.filter(slug__in=PLACES))
    occupations = [Occupation.objects.get(slug=slug) for slug in OCCUPATIONS]
    now = timezone.now()
    created = []
    for i in range(offset, offset + count):
        occupation = occupations[i % len(occupations)]
        created.append(
            VacancyFactory(
                title=f"{occupation.name} (m/w/d) Nr. {i}",
                occupation=occupation,
                city=cities[i % len(cities)],
                company=CompanyFactory(),
                contract="permanent",
                published_at=now - datetime.timedelta(hours=i),
            )
        )
    return created


@pytest.fixture
def data():
    vacancies = add_vacancies(25)
    profile = CareerProfileFactory()
    SectionFactory(profile=profile)
    SectionFactory(profile=profile)
    SalaryBandFactory(profile=profile)
    return {"vacancy": vacancies[0], "company": vacancies[0].company, "profile": profile}


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", list(BUDGETS))
def test_page_stays_within_its_query_budget(client, data, page, django_assert_max_num_queries):
    url, budget = BUDGETS[page]
    url = url(data) if callable(url) else url
    cache.clear()
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("page", list(BUDGETS))
def test_query_count_does_not_grow_with_the_data(client, data, page):
    url, _ = BUDGETS[page]
    url = url(data) if callable(url) else url
    before = count_queries(client, url)
    # More vacancies of more companies in more places: an N+1 would show.
    more = add_vacancies(30, offset=100)
    for vacancy in more[:5]:
        VacancyFactory(company=data["company"], city=vacancy.city, occupation=vacancy.occupation)
    # At most as many: a warm process-level lookup may save one the second time.
    assert count_queries(client, url) <= before


@pytest.mark.parametrize("url", ["/jobs/?q=Projektkoordinator", "/", "vacancy"])
def test_list_rows_read_only_what_cards_show(client, data, url):
    # Search results, the home page and a vacancy's related cards load their
    # rows through Vacancy.objects.for_lists(): no Markdown text, no
    # occupation (its description is long), and one query for all rows.
    url = data["vacancy"].get_absolute_url() if url == "vacancy" else url
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    card_rows = [
        q["sql"]
        for q in captured.captured_queries
        if '"listings_vacancy"."title"' in q["sql"] and '"listings_company"."name"' in q["sql"]
    ]
    vacancy = data["vacancy"]
    if url == vacancy.get_absolute_url():
        # The page's own vacancy is read whole (by its id); its neighbours'
        # cards are read together (id IN (…)).
        card_rows = [sql for sql in card_rows if '"listings_vacancy"."id" IN (' in sql]
    assert len(card_rows) == 1
    assert '"listings_vacancy"."description"' not in card_rows[0]
    assert '"listings_company"."description"' not in card_rows[0]
    assert "listings_occupation" not in card_rows[0]
    # The cards still show what they show.
    html = response.content.decode()
    other = (
        VacancyFactory._meta.model.objects.live()
        .filter(occupation=vacancy.occupation)
        .exclude(pk=vacancy.pk)
        .order_by("-published_at")
        .first()
    )
    assert other.company.name in html
    assert other.city.name in html
