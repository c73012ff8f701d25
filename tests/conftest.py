import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from listings.taxonomy import load_cities, load_occupations


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real taxonomy (all German places from GeoNames, our occupation
    list) is loaded once per test database; every test sees it."""
    with django_db_blocker.unblock():
        load_cities()
        load_occupations()


@pytest.fixture
def taxonomy(django_db_blocker):
    """For transactional tests: pytest-django runs them last, after the
    browser tests, whose flush takes the session's taxonomy with it."""
    from listings.models import City

    with django_db_blocker.unblock():
        if not City.objects.filter(slug="hagen").exists():
            load_cities()
            load_occupations()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in English leaves English active in this thread (the locale
    # middleware does not switch back); a test that renders without a
    # request after it would then see English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def city(db):
    from listings.models import City

    return City.objects.get(slug="hagen")
