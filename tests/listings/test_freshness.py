"""Cached search results and fragments go stale the moment what is live
changes (listings/freshness.py)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from listings import freshness
from listings.expiry import expire_overdue
from listings.models import Vacancy
from listings.search import SearchParams, search
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db


def titles(result):
    return sorted(v.title for v in result.vacancies)


def queries(callable_):
    with CaptureQueriesContext(connection) as ctx:
        value = callable_()
    return value, len(ctx.captured_queries)


def test_repeated_search_comes_from_the_cache_with_one_query():
    VacancyFactory(title="Gärtner Nord")
    VacancyFactory(title="Gärtner Süd")
    params = SearchParams(q="Gärtner")
    cold, cold_queries = queries(lambda: search(params))
    warm, warm_queries = queries(lambda: search(params))
    assert titles(warm) == titles(cold) == ["Gärtner Nord", "Gärtner Süd"]
    assert warm.total == cold.total == 2
    assert warm.facets == cold.facets
    assert warm.page.number == 1 and warm.page.paginator.num_pages == 1
    assert warm_queries == 1  # the page's rows, loaded fresh
    assert cold_queries > warm_queries


def test_closing_a_vacancy_drops_it_from_cached_results_at_once():
    keep = VacancyFactory(title="Gärtner bleibt")
    gone = VacancyFactory(title="Gärtner geht")
    params = SearchParams(q="Gärtner")
    assert titles(search(params)) == ["Gärtner bleibt", "Gärtner geht"]
    gone.close()
    result = search(params)
    assert titles(result) == ["Gärtner bleibt"]
    assert result.total == 1
    keep.title = "Gärtner umbenannt"
    keep.save()
    assert titles(search(params)) == ["Gärtner umbenannt"]


def test_bulk_expiry_bumps_the_generation():
    vacancy = VacancyFactory(title="Gärtner alt")
    Vacancy.objects.filter(pk=vacancy.pk).update(valid_through=datetime.date(2020, 1, 1))
    before = freshness.generation()
    assert expire_overdue() == 1
    assert freshness.generation() > before


def test_bump_inside_a_transaction_queues_one_callback(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        before = freshness.generation()
        VacancyFactory(title="Eins")
        VacancyFactory(title="Zwei")
        during = freshness.generation()
    after = freshness.generation()
    assert during > before  # the writer sees its change at once
    assert after == during + 1  # and readers' stale copies die at commit
    assert [c for c in callbacks if c is freshness._bump_now] == [freshness._bump_now]


def test_rolled_back_transaction_still_bumps_later(django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), transaction.atomic():
        VacancyFactory(title="Verworfen")
        raise RuntimeError
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        VacancyFactory(title="Gespeichert")
    assert freshness._bump_now in callbacks


def test_moving_a_place_changes_cached_radius_results():
    from listings.models import City

    hagen = City.objects.get(slug="hagen")
    dortmund = City.objects.get(slug="dortmund")
    VacancyFactory(title="Gärtner Dortmund", city=dortmund)
    params = SearchParams(q="Gärtner", where="Hagen", radius=30)
    assert titles(search(params)) == ["Gärtner Dortmund"]
    # An editor corrects a coordinate: the cached places within 30 km of
    # Hagen must not survive it.
    dortmund.latitude, dortmund.longitude = hagen.latitude + 2, hagen.longitude
    dortmund.save()
    assert titles(search(params)) == []


def count_number_readings(monkeypatch):
    """[keys of one cache call] for every cache call that reads the
    generation or the places' version."""
    from django.core.cache import cache

    asked = []
    original_get, original_get_many = cache.get, cache.get_many
    numbers = {freshness.GENERATION_KEY, freshness.PLACES_KEY}
    inside_get_many = []  # the local-memory cache's get_many calls get per key

    def counting_get(key, *args, **kwargs):
        if key in numbers and not inside_get_many:
            asked.append([key])
        return original_get(key, *args, **kwargs)

    def counting_get_many(keys, *args, **kwargs):
        if numbers & set(keys):
            asked.append(sorted(keys))
        inside_get_many.append(True)
        try:
            return original_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(cache, "get", counting_get)
    monkeypatch.setattr(cache, "get_many", counting_get_many)
    return asked


def test_one_request_reads_the_generation_once_and_sees_its_own_change(monkeypatch):
    from django.core.cache import cache

    first = freshness.generation()
    freshness.places_version()  # both numbers set, as in a running site
    asked = count_number_readings(monkeypatch)
    with freshness.one_reading():
        assert freshness.key_prefix() == freshness.key_prefix()
        assert len(asked) == 1
        # Another process's change is not seen halfway through the request...
        original_incr = cache.incr
        original_incr(freshness.GENERATION_KEY)
        assert freshness.generation() == first
        # ...but this request's own change is, at once.
        freshness.bump()
        assert freshness.generation() == first + 2
        # The places' version came along with the first reading.
        asked.clear()
        freshness.places_version()
        assert asked == []
    # Outside a request every call asks the cache.
    asked.clear()
    freshness.generation()
    freshness.generation()
    assert len(asked) == 2


def test_a_vacancy_page_reads_the_generation_once(client, monkeypatch):
    """Page cache, search, related list, cards and career link all key on
    the generation; OneReadingMiddleware makes that one cache read."""

    vacancy = VacancyFactory()
    VacancyFactory(title="Koordinator B")
    freshness.places_version()  # both numbers set, as in a running site
    asked = count_number_readings(monkeypatch)
    response = client.get(vacancy.get_absolute_url())
    assert "Koordinator B" in response.text  # the related list was built
    # One cache call for both numbers (the related list needs the places' version).
    assert asked == [sorted([freshness.GENERATION_KEY, freshness.PLACES_KEY])]
