"""Counting vacancy views and apply clicks.

A page view must not become an UPDATE of the vacancy row: under load every
view of a popular vacancy would queue behind the others for the same row lock
and bloat the table with dead tuples. With Redis as the cache (production) an
event is one atomic HINCRBY into a hash per day; `flush_stats` (a task that
record_view schedules at most once per FLUSH_INTERVAL, and a management
command for cron) moves the sums into Vacancy.view_count / apply_count and
VacancyDailyStat in one transaction.

The local-memory cache (development, tests) is private to one process, so a
flush from another process would never see its counts: without Redis the
events are written straight through, which is correct, just not buffered.

`record_view(vacancy_id)` and `record_apply_click(vacancy_id)` are the
interface; nothing else needs to know how counting works."""

import logging
import secrets
from collections import defaultdict

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from listings.models import Vacancy, VacancyDailyStat

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 60  # seconds between scheduled flushes
LOCK_TIMEOUT = 300  # a crashed flusher blocks the next one at most this long
VIEW, CLICK = "v", "a"


def _redis():
    """(client, key prefix) when the default cache is Redis, else None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True), f"{backend.key_prefix}:vstats"


def _record(vacancy_id, kind):
    try:
        vacancy_id = int(vacancy_id)
    except (TypeError, ValueError):
        return
    day = timezone.localdate().isoformat()
    redis = _redis()
    if redis is None:
        _apply({day: {vacancy_id: {kind: 1}}})
        return
    client, prefix = redis
    try:
        # One round trip for both: every vacancy page view comes through here.
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(f"{prefix}:{day}", f"{vacancy_id}:{kind}", 1)
        pipe.set(f"{prefix}:due", 1, nx=True, ex=FLUSH_INTERVAL)
        _count, due = pipe.execute()
    except Exception:
        # Counting must never break the page it counts.
        logger.warning("Redis nicht erreichbar; Aufruf von Stelle %s nicht gezählt.", vacancy_id)
        return
    if due:
        transaction.on_commit(flush_stats_task.enqueue)


def record_view(vacancy_id):
    _record(vacancy_id, VIEW)


def record_apply_click(vacancy_id):
    _record(vacancy_id, CLICK)


def _apply(counts):
    """counts: {"YYYY-MM-DD": {vacancy_id: {"v": n, "a": m}}} -> database,
    adding to what is there. Vacancies deleted meanwhile are skipped."""
    ids = {vacancy_id for per_day in counts.values() for vacancy_id in per_day}
    if not ids:
        return 0
    with transaction.atomic():
        known = set(Vacancy.objects.filter(pk__in=ids).values_list("pk", flat=True))
        totals = defaultdict(lambda: [0, 0])
        for per_day in counts.values():
            for vacancy_id, kinds in per_day.items():
                totals[vacancy_id][0] += kinds.get(VIEW, 0)
                totals[vacancy_id][1] += kinds.get(CLICK, 0)
        # Most vacancies get the same small increment, so one UPDATE per
        # distinct (views, clicks) pair instead of one per vacancy.
        groups = defaultdict(list)
        for vacancy_id, (views, clicks) in totals.items():
            if vacancy_id in known:
                groups[(views, clicks)].append(vacancy_id)
        for (views, clicks), group in groups.items():
            Vacancy.objects.filter(pk__in=group).update(
                view_count=F("view_count") + views, apply_count=F("apply_count") + clicks
            )
        for day, per_day in counts.items():
            wanted = {vid: kinds for vid, kinds in per_day.items() if vid in known}
            existing = {
                stat.vacancy_id: stat
                for stat in VacancyDailyStat.objects.select_for_update().filter(
                    date=day, vacancy_id__in=wanted
                )
            }
            new = []
            for vacancy_id, kinds in wanted.items():
                stat = existing.get(vacancy_id)
                if stat is None:
                    new.append(
                        VacancyDailyStat(
                            vacancy_id=vacancy_id,
                            date=day,
                            views=kinds.get(VIEW, 0),
                            apply_clicks=kinds.get(CLICK, 0),
                        )
                    )
                else:
                    stat.views += kinds.get(VIEW, 0)
                    stat.apply_clicks += kinds.get(CLICK, 0)
            if existing:
                VacancyDailyStat.objects.bulk_update(
                    existing.values(), ["views", "apply_clicks"], batch_size=500
                )
            VacancyDailyStat.objects.bulk_create(new, batch_size=500)
    return sum(views + clicks for vacancy_id, (views, clicks) in totals.items() if vacancy_id in known)


def _parse(raw):
    per_day = defaultdict(lambda: defaultdict(int))
    for field, value in raw.items():
        field = field.decode() if isinstance(field, bytes) else field
        vacancy_id, _, kind = field.partition(":")
        if vacancy_id.isdigit() and kind in (VIEW, CLICK):
            per_day[int(vacancy_id)][kind] += int(value)
    return per_day


def flush_stats():
    """Moves buffered counts into the database; returns how many events.
    Safe to run from several places: one flusher at a time holds a lock."""
    redis = _redis()
    if redis is None:
        return 0
    client, prefix = redis
    token = secrets.token_hex(8)
    if not client.set(f"{prefix}:lock", token, nx=True, ex=LOCK_TIMEOUT):
        return 0
    flushed = 0
    try:
        # Rename first: new events go to a fresh hash while this one is
        # summed, so none is counted twice or lost. Hashes left renamed by a
        # crashed flusher are picked up here too (we hold the lock).
        for key in client.scan_iter(match=f"{prefix}:????-??-??", count=100):
            key = key.decode() if isinstance(key, bytes) else key
            # Only a lock holder renames or deletes these hashes, so it exists.
            client.rename(key, f"{key}:flush:{token}")
        for key in client.scan_iter(match=f"{prefix}:????-??-??:flush:*", count=100):
            key = key.decode() if isinstance(key, bytes) else key
            day = key[len(prefix) + 1 :][:10]
            counts = {day: _parse(client.hgetall(key))}
            flushed += _apply(counts)
            client.delete(key)
    finally:
        if (client.get(f"{prefix}:lock") or b"").decode() == token:
            client.delete(f"{prefix}:lock")
    return flushed


@task
def flush_stats_task():
    return flush_stats()
