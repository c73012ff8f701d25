import pytest
from django.core.cache import cache

from listings.taxonomy import load_cities, load_occupations


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real taxonomy (all German places from GeoNames, our occupation
    list) is loaded once per test database; every test sees it."""
    with django_db_blocker.unblock():
        load_cities()
        load_occupations()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (transaction=True) ends with Django flushing every
    table, the taxonomy included; put it back for the tests after it."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction") or marker.kwargs.get("available_apps"):
        return
    if nextitem is None:  # the last test: the test database is gone already
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        load_cities()
        load_occupations()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(db):
    from listings.models import City

    return City.objects.get(slug="hagen")
