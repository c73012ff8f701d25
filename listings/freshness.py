"""One number that says "what job seekers can see has changed".

Cached search results, related-vacancy lists and the public pages' vacancy
blocks put this generation (and today's date, because live() depends on it)
into their cache keys. Any change that can alter what is live bumps it after
the transaction commits, so a closed or edited vacancy disappears from every
cached piece at once, without anyone having to know which keys to delete.

What bumps it:
- saving or deleting a Vacancy, Company, Occupation or City (signals below);
- bulk paths that bypass signals call `bump()` themselves (importer,
  expire_vacancies, seed_demo).

Bumping after commit matters: a reader that saw a new number while the
writer's transaction was still open would cache the old rows under it and
keep them until the next change.
"""

import contextlib
import contextvars
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

GENERATION_KEY = "listings:generation"
# Upper bound for anything cached under a generation, even if nothing
# changes: a safety net, and it keeps the cache from filling up.
CACHE_SECONDS = 600


# Inside one_reading(): the numbers read so far, so that one request asks
# the cache once, not for every cache key it builds (a vacancy page built
# six), and all of its pieces agree on one generation.
_readings = contextvars.ContextVar("freshness_readings", default=None)


@contextlib.contextmanager
def one_reading():
    token = _readings.set({})
    try:
        yield
    finally:
        _readings.reset(token)


class OneReadingMiddleware:
    """Each request reads the generation (and the places' version) once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with one_reading():
            return self.get_response(request)


def _read(key):
    readings = _readings.get()
    if readings is not None and key in readings:
        return readings[key]
    if readings is None:
        return _fetch([key])[key]
    # A request that needs one number mostly needs the other, too (a
    # search around a place, a vacancy page's related list): one round trip.
    readings.update(_fetch([key, *(other for other in _NUMBERS if other != key and other not in readings)]))
    return readings[key]


def _fetch(keys):
    values = cache.get_many(keys)
    for key in keys:
        if values.get(key) is None:
            # A start value from the clock: after a cache flush a counter
            # never comes back to a number whose keys may still be around.
            cache.add(key, int(time.time() * 1000), timeout=None)
            values[key] = cache.get(key, 0)
    return values


def _increment(key):
    readings = _readings.get()
    if readings is not None:
        readings.pop(key, None)  # this request's own change counts at once
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): start from the clock
        cache.set(key, int(time.time() * 1000), timeout=None)


def generation():
    return _read(GENERATION_KEY)


def key_prefix():
    """Prefix for cache keys of live-vacancy data: the generation and the
    German calendar day (a vacancy whose valid_through has passed drops out
    at midnight without any write)."""
    return f"g{generation()}:{timezone.localdate().isoformat()}"


def _bump_now():
    _increment(GENERATION_KEY)


def bump():
    """Mark live data as changed: now, and again when the current
    transaction commits. The first bump lets the writer (and tests, whose
    transactions never commit) see their own change at once; the second
    drops what readers may have cached from the old rows in between."""
    _bump_now()
    if not connection.in_atomic_block:
        return
    # Many saves in one transaction queue one callback. Django drops the
    # queued callbacks of a rolled-back transaction, so looking at its queue
    # (not at a flag of our own) stays right after a rollback.
    if not any(item[1] is _bump_now for item in connection.run_on_commit):
        transaction.on_commit(_bump_now)


def on_change(sender, **kwargs):
    """Signal receiver: any save or delete of a model shown with live data."""
    bump()


# Places change almost never (a geonames reload, an editor fixing a
# coordinate); what search derives from them (which place a "Wo" means, the
# places within a radius) is cached under their own version, which only
# their changes move.
PLACES_KEY = "listings:places-version"


# The numbers one request reads together.
_NUMBERS = (GENERATION_KEY, PLACES_KEY)


def places_version():
    return _read(PLACES_KEY)


def bump_places(*args, **kwargs):
    _increment(PLACES_KEY)


def connect_signals():
    from listings.models import City, Company, Occupation, Vacancy

    for model in (Vacancy, Company, Occupation, City):
        uid = f"listings.freshness.{model.__name__}"
        receiver(post_save, sender=model, dispatch_uid=uid + ".save")(on_change)
        receiver(post_delete, sender=model, dispatch_uid=uid + ".delete")(on_change)
    receiver(post_save, sender=City, dispatch_uid="listings.freshness.places.save")(bump_places)
    receiver(post_delete, sender=City, dispatch_uid="listings.freshness.places.delete")(bump_places)
