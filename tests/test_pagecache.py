"""Whole pages kept for visitors without a session (jobsite/pagecache.py)."""

import re

import pytest
from django.test import Client

from listings.models import Vacancy
from tests.factories import CareerProfileFactory, MembershipFactory, VacancyFactory
from tests.security.test_outage import database_swapped

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def counted(monkeypatch):
    events = []
    monkeypatch.setattr("listings.stats.record_view", lambda pk: events.append(pk))
    return events


def test_second_visitor_gets_the_kept_page_without_queries(client, counted, django_assert_num_queries):
    vacancy = VacancyFactory(title="Mechatroniker (m/w/d)")
    first = client.get(vacancy.get_absolute_url())
    with django_assert_num_queries(0):
        second = Client().get(vacancy.get_absolute_url())
    assert second.status_code == 200
    # Same page, apart from what is made per answer.
    assert NONCE.sub("", CSRF.sub("", second.text)) == NONCE.sub("", CSRF.sub("", first.text))
    assert "Mechatroniker (m/w/d)" in second.text
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["Content-Language"] == "de"
    assert second["X-Frame-Options"] == "DENY"


def test_kept_page_gets_a_fresh_nonce_and_csrf_token_per_answer(client):
    vacancy = VacancyFactory()
    client.get(vacancy.get_absolute_url())
    answers = [Client().get(vacancy.get_absolute_url()) for _ in range(2)]
    nonces = []
    for response in answers:
        used = set(NONCE.findall(response.text))
        assert len(used) == 1  # every script of the page carries the same nonce
        nonce = used.pop()
        # ...and the header allows exactly that one.
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
        # The language switch's token matches the cookie this visitor gets.
        token = CSRF.search(response.text)[1]
        assert len(token) == 64
        assert response.cookies["csrftoken"].value
    assert nonces[0] != nonces[1]


def test_language_switch_from_a_kept_page_passes_the_csrf_check(client):
    vacancy = VacancyFactory()
    client.get(vacancy.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(vacancy.get_absolute_url())
    token = CSRF.search(page.text)[1]
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert visitor.cookies["django_language"].value == "en"


def test_cached_vacancy_page_still_counts_the_view(client, counted):
    vacancy = VacancyFactory()
    for _ in range(3):
        assert Client().get(vacancy.get_absolute_url()).status_code == 200
    assert counted == [vacancy.pk] * 3


def test_closing_a_vacancy_drops_its_kept_page_and_the_searches_showing_it(client):
    vacancy = VacancyFactory(title="Gärtner (m/w/d)")
    search = "/jobs/?q=G%C3%A4rtner"
    assert client.get(vacancy.get_absolute_url()).status_code == 200
    assert "Gärtner (m/w/d)" in client.get(search).text
    assert "Gärtner (m/w/d)" in Client().get(search).text  # from the cache
    vacancy.close()
    assert Client().get(vacancy.get_absolute_url()).status_code == 410
    assert "Gärtner (m/w/d)" not in Client().get(search).text


def test_each_language_has_its_own_kept_page(client):
    vacancy = VacancyFactory()
    german = client.get(vacancy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    english = Client().get(vacancy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Stellenbeschreibung" in german.text
    assert "Job description" in english.text
    assert english["Content-Language"] == "en"
    assert "Stellenbeschreibung" in Client().get(vacancy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").text


def test_visitors_with_a_session_never_get_or_leave_a_kept_page(client, django_assert_max_num_queries):
    membership = MembershipFactory()
    vacancy = VacancyFactory()
    employer = Client()
    employer.force_login(membership.user)
    url = vacancy.get_absolute_url()
    logged_in_page = employer.get(url)
    assert "Mein Konto" in logged_in_page.text
    # The anonymous visitor does not see the employer's navigation...
    anonymous = Client().get(url)
    assert "Mein Konto" not in anonymous.text
    assert "Für Arbeitgeber" in anonymous.text
    # ...and the employer is not served the anonymous page now kept.
    assert "Mein Konto" in employer.get(url).text


def test_a_draft_preview_is_never_kept(client):
    from tests.factories import UserFactory

    profile = CareerProfileFactory(status="draft")
    editor = UserFactory(is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(editor)
    assert staff.get(profile.get_absolute_url()).status_code == 200
    assert Client().get(profile.get_absolute_url()).status_code == 404


def test_error_pages_and_personal_pages_are_not_kept(client):
    vacancy = VacancyFactory(status=Vacancy.Status.CLOSED)
    assert client.get(vacancy.get_absolute_url()).status_code == 410
    assert client.get("/jobs/?page=999").status_code == 404
    # Only the views that opt in are kept: the Merkliste page is personal.
    assert Client().get("/merkliste/").status_code == 200
    from django.core.cache import cache

    kept = [key for key in cache._cache if ":page:" in key]  # LocMemCache's keys
    assert kept == []


def test_kept_page_answers_during_a_database_outage(client, tmp_path, counted):
    # `counted` stands in for Redis, where counting a view needs no database.
    vacancy = VacancyFactory(title="Elektroniker (m/w/d)")
    assert client.get(vacancy.get_absolute_url()).status_code == 200
    with database_swapped(tmp_path) as (_connection, _good, attempts):
        response = Client(raise_request_exception=False).get(vacancy.get_absolute_url())
        assert attempts == []
    assert response.status_code == 200
    assert "Elektroniker (m/w/d)" in response.text
    assert counted == [vacancy.pk, vacancy.pk]


def test_feeds_are_kept_and_drop_a_closed_vacancy(client, django_assert_num_queries):
    vacancy = VacancyFactory(title="Tischler (m/w/d)")
    url = "/jobs/feed/rss/?q=Tischler"
    assert "Tischler (m/w/d)" in client.get(url).text
    with django_assert_num_queries(0):
        again = Client().get(url)
    assert "Tischler (m/w/d)" in again.text
    assert again["Content-Type"].startswith("application/rss+xml")
    vacancy.close()
    assert "Tischler (m/w/d)" not in Client().get(url).text
