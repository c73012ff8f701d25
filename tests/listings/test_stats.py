import io
import uuid

import pytest
import redis
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from listings.models import VacancyDailyStat
from listings.stats import flush_stats, record_apply_click, record_view
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("Redis antwortet nicht auf 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=caches):
        yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def counts(vacancy):
    vacancy.refresh_from_db()
    stat = VacancyDailyStat.objects.get(vacancy=vacancy, date=timezone.localdate())
    return vacancy.view_count, vacancy.apply_count, stat.views, stat.apply_clicks


def test_without_redis_counts_are_written_through():
    vacancy = VacancyFactory()
    record_view(vacancy.pk)
    record_view(vacancy.pk)
    record_apply_click(vacancy.pk)
    assert counts(vacancy) == (2, 1, 2, 1)
    assert flush_stats() == 0


def test_with_redis_a_view_touches_no_row_until_flushed(redis_cache, django_assert_num_queries):
    vacancy, other = VacancyFactory(), VacancyFactory()
    with django_assert_num_queries(0):
        for _ in range(5):
            record_view(vacancy.pk)
        record_apply_click(vacancy.pk)
        record_view(other.pk)
    vacancy.refresh_from_db()
    assert vacancy.view_count == 0
    assert not VacancyDailyStat.objects.exists()

    assert flush_stats() == 7
    assert counts(vacancy) == (5, 1, 5, 1)
    assert counts(other) == (1, 0, 1, 0)

    # A second flush adds only what came in since, to the same daily row.
    record_view(vacancy.pk)
    assert flush_stats() == 1
    assert counts(vacancy) == (6, 1, 6, 1)
    assert flush_stats() == 0


def test_flush_skips_deleted_vacancies_and_bad_ids(redis_cache):
    vacancy, gone = VacancyFactory(), VacancyFactory()
    record_view(vacancy.pk)
    record_view(gone.pk)
    record_view("not-a-number")
    gone.delete()
    out = io.StringIO()
    call_command("flush_stats", stdout=out)
    assert "1 Ereignisse übertragen." in out.getvalue()
    assert counts(vacancy) == (1, 0, 1, 0)


def test_one_flusher_at_a_time(redis_cache):
    vacancy = VacancyFactory()
    record_view(vacancy.pk)
    from django.core.cache import caches

    backend = caches["default"]
    client = backend._cache.get_client(write=True)
    client.set(f"{backend.key_prefix}:vstats:lock", "someone-else")
    assert flush_stats() == 0
    client.delete(f"{backend.key_prefix}:vstats:lock")
    assert flush_stats() == 1


def test_the_first_event_of_an_interval_schedules_one_flush(redis_cache, django_capture_on_commit_callbacks):
    vacancy = VacancyFactory()
    with django_capture_on_commit_callbacks() as scheduled:
        record_view(vacancy.pk)
        record_view(vacancy.pk)
        record_apply_click(vacancy.pk)
    assert len(scheduled) == 1
    assert flush_stats() == 3
    assert counts(vacancy) == (2, 1, 2, 1)


def test_a_view_is_counted_in_one_round_trip(redis_cache, monkeypatch):
    """Every vacancy page view comes through here: the count and the check
    whether a flush is due go to Redis together, in one pipeline."""
    vacancy = VacancyFactory()
    direct, piped = [], []
    original_command = redis.Redis.execute_command
    original_execute = redis.client.Pipeline.execute

    def command(self, *args, **kwargs):
        direct.append(args[0])
        return original_command(self, *args, **kwargs)

    def execute(self, *args, **kwargs):
        piped.append([entry[0][0] for entry in self.command_stack])
        return original_execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", execute)
    record_view(vacancy.pk)
    assert direct == []
    assert piped == [["HINCRBY", "SET"]]
